/**
 * The Lua scripts of the Redis store, one per store operation: each runs atomically on the
 * server, so instances sharing the store never count an attempt twice or approve twice. They
 * mirror `MemoryVerificationStore` rule for rule.
 *
 * Keys: `<prefix>:v:<id>` a verification's hash; `<prefix>:n:<numberKey>` the id of a number's
 * latest verification; `<prefix>:l:<limitKey>` a rate-limit counter. `numberKey` and `limitKey`
 * are HMACs, so no key or value holds a number, a rate-limit key or a code.
 */

/** Shared by every script: why a record is not live (`false` when it is), and releasing its number. */
const PREAMBLE = `
local function why(key, now)
  if redis.call('EXISTS', key) == 0 then return 'not_found' end
  local f = redis.call('HMGET', key, 'state', 'expiresAt', 'attempts', 'maxAttempts')
  if f[1] ~= 'pending' then return f[1] end
  if now >= tonumber(f[2]) then return 'expired' end
  if tonumber(f[3]) >= tonumber(f[4]) then return 'too_many_attempts' end
  return false
end
local function release(prefix, key)
  local f = redis.call('HMGET', key, 'id', 'numberKey')
  local numberKey = prefix .. ':n:' .. f[2]
  if redis.call('GET', numberKey) == f[1] then redis.call('DEL', numberKey) end
end
`;

/**
 * KEYS: record, number, limit counters…  ARGV: prefix, now, lifetimeMs, pendingMs, then
 * max and windowMs per limit, then the record's field/value pairs.
 * → {'created'} | {'conflict', id} | {'rate_limited', retryAfterMs}
 */
export const CREATE_SCRIPT = `${PREAMBLE}
local prefix, now = ARGV[1], tonumber(ARGV[2])
local current = redis.call('GET', KEYS[2])
if current and not why(prefix .. ':v:' .. current, now) then return {'conflict', current} end
local limits = #KEYS - 2
local wait = -1
for i = 1, limits do
  local count = tonumber(redis.call('GET', KEYS[2 + i]) or '0')
  if count >= tonumber(ARGV[3 + 2 * i]) then
    wait = math.max(wait, redis.call('PTTL', KEYS[2 + i]), 1)
  end
end
if wait >= 0 then return {'rate_limited', wait} end
for i = 1, limits do
  if redis.call('INCR', KEYS[2 + i]) == 1 then
    redis.call('PEXPIRE', KEYS[2 + i], ARGV[4 + 2 * i])
  end
end
local fields = {}
for i = 5 + 2 * limits, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], redis.call('HGET', KEYS[1], 'id'), 'PX', ARGV[4])
return {'created'}
`;

/** KEYS: record. → {'reserved', fields…} | {reason} */
export const RESERVE_ATTEMPT_SCRIPT = `${PREAMBLE}
local reason = why(KEYS[1], tonumber(ARGV[1]))
if reason then return {reason} end
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
return {'reserved', redis.call('HGETALL', KEYS[1])}
`;

/** KEYS: record. ARGV: prefix, now. → 1 approved | 0 not live */
export const APPROVE_SCRIPT = `${PREAMBLE}
local f = redis.call('HMGET', KEYS[1], 'state', 'expiresAt')
if f[1] ~= 'pending' or tonumber(ARGV[2]) >= tonumber(f[2]) then return 0 end
redis.call('HSET', KEYS[1], 'state', 'approved')
release(ARGV[1], KEYS[1])
return 1
`;

/**
 * KEYS: record. ARGV: now, fromStep, toStep, channel, codeDigest, cooldownMs.
 * → {'claimed', fields…} | {'too_early', retryAfterMs} | {'moved'} | {reason}
 */
export const CLAIM_RESEND_SCRIPT = `${PREAMBLE}
local now = tonumber(ARGV[1])
local reason = why(KEYS[1], now)
if reason then return {reason} end
local f = redis.call('HMGET', KEYS[1], 'step', 'resendAvailableAt')
if f[1] ~= ARGV[2] then return {'moved'} end
if now < tonumber(f[2]) then return {'too_early', tonumber(f[2]) - now} end
redis.call('HSET', KEYS[1], 'step', ARGV[3], 'channel', ARGV[4], 'codeDigest', ARGV[5],
  'messageId', '', 'resendAvailableAt', tostring(now + tonumber(ARGV[6])))
-- A repeated step keeps its start: its time runs from its first send.
if ARGV[3] ~= ARGV[2] then redis.call('HSET', KEYS[1], 'stepStartedAt', ARGV[1]) end
return {'claimed', redis.call('HGETALL', KEYS[1])}
`;

/** KEYS: record. ARGV: step, messageId. → 1 | 0 */
export const ATTACH_MESSAGE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'step') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'messageId', ARGV[2])
return 1
`;

/** KEYS: record. ARGV: prefix, now. → {'done'} | {reason} */
export const CANCEL_SCRIPT = `${PREAMBLE}
local reason = why(KEYS[1], tonumber(ARGV[2]))
if reason then return {reason} end
redis.call('HSET', KEYS[1], 'state', 'cancelled')
release(ARGV[1], KEYS[1])
return {'done'}
`;
