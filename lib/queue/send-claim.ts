import type { Queue, RedisClient, Worker } from 'bullmq';

/**
 * A field on the job's own BullMQ hash, set just before a job's request is sent and cleared only
 * when the send provably left nothing behind. A worker that finds it already set knows that an
 * earlier attempt may have reached the gateway (its worker was killed mid-send, or a dashboard
 * retried a job that had gone out), so it sends nothing. Living in the job's hash, it goes away
 * with the job.
 */
export const SEND_CLAIM_FIELD = 'webcom:send';

const CLAIM_COMMAND = 'webcomClaimSend:1';

/** Sets the claim if the job still exists and nobody holds it: 1 claimed, 0 held, -1 no job. */
const CLAIM_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
`;

export type ClaimOutcome = 'claimed' | 'held' | 'gone';

/**
 * The Redis client a BullMQ queue or worker sends its own commands on: `getBackend().client` on
 * bullmq 6, the `client` getter on bullmq 5 (5.77 and later, the same client interface).
 */
export function redisClientOf(owner: Queue | Worker): Promise<RedisClient> {
  if (typeof owner.getBackend === 'function') return owner.getBackend().client;
  return (owner as unknown as { client: Promise<RedisClient> }).client;
}

const prepared = new WeakSet<RedisClient>();

/** Claims the send of the job whose hash is at `jobKey`. */
export async function claimSend(client: RedisClient, jobKey: string): Promise<ClaimOutcome> {
  if (!prepared.has(client)) {
    client.defineCommand(CLAIM_COMMAND, { numberOfKeys: 1, lua: CLAIM_SCRIPT });
    prepared.add(client);
  }
  const result = Number(
    await client.runCommand(CLAIM_COMMAND, [jobKey, SEND_CLAIM_FIELD, String(Date.now())]),
  );
  return result === 1 ? 'claimed' : result === 0 ? 'held' : 'gone';
}

/** Gives the claim up: the send left nothing behind, so the job may be sent again. */
export async function releaseSend(client: RedisClient, jobKey: string): Promise<void> {
  await client.hdel(jobKey, SEND_CLAIM_FIELD);
}

export async function isSendClaimed(client: RedisClient, jobKey: string): Promise<boolean> {
  return (await client.hget(jobKey, SEND_CLAIM_FIELD)) !== null;
}
