import { createHash } from 'node:crypto';
import type {
  VerificationRedisClient,
  VerificationRedisStoreOptions,
} from './verification-options.js';
import {
  APPROVE_SCRIPT,
  ATTACH_MESSAGE_SCRIPT,
  CANCEL_SCRIPT,
  CLAIM_RESEND_SCRIPT,
  CREATE_SCRIPT,
  RESERVE_ATTEMPT_SCRIPT,
} from './redis-verification-scripts.js';
import {
  recordLifetimeMs,
  type AttemptOutcome,
  type CancelOutcome,
  type CreateOutcome,
  type ResendOutcome,
  type StepChange,
  type StoredVerification,
  type StoreLimit,
  type Unavailable,
  type VerificationStore,
} from './verification-store.js';

export const DEFAULT_REDIS_PREFIX = 'webcom-verify';

/** A script and its SHA1, run by `EVALSHA` (one round trip), loaded on first `NOSCRIPT`. */
interface Script {
  source: string;
  sha: string;
}
const script = (source: string): Script => ({
  source,
  sha: createHash('sha1').update(source).digest('hex'),
});
const SCRIPTS = {
  create: script(CREATE_SCRIPT),
  reserveAttempt: script(RESERVE_ATTEMPT_SCRIPT),
  approve: script(APPROVE_SCRIPT),
  claimResend: script(CLAIM_RESEND_SCRIPT),
  attachMessage: script(ATTACH_MESSAGE_SCRIPT),
  cancel: script(CANCEL_SCRIPT),
  find: script("return redis.call('HGETALL', KEYS[1])"),
};

const NUMERIC_FIELDS = [
  'step',
  'attempts',
  'maxAttempts',
  'expiresAt',
  'stepStartedAt',
  'resendAvailableAt',
] as const;

/** A record as the field/value pairs of its hash. */
function toFields(record: StoredVerification): string[] {
  return Object.entries(record).flatMap(([field, value]) => [
    field,
    field === 'workflow' ? JSON.stringify(value) : String(value),
  ]);
}

/** A hash's `HGETALL` reply (a flat list) as a record. */
function fromFields(reply: unknown): StoredVerification {
  const flat = reply as string[];
  const hash: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) hash[flat[i]] = flat[i + 1];
  for (const field of NUMERIC_FIELDS) hash[field] = Number(hash[field]);
  hash.workflow = JSON.parse(hash.workflow as string);
  return hash as unknown as StoredVerification;
}

/**
 * The store of a fleet: every instance shares one Redis (a standalone server or a Sentinel
 * group; a cluster is not supported, as one operation reads several keys). Every operation is
 * one Lua script, so one round trip and atomic. Keys expire with their verification.
 */
export class RedisVerificationStore implements VerificationStore {
  private readonly prefix: string;

  constructor(
    private readonly client: VerificationRedisClient,
    prefix = DEFAULT_REDIS_PREFIX,
    /** True when the store opened the connection, and so closes it. */
    private readonly ownsClient = false,
  ) {
    this.prefix = prefix;
  }

  /** A store over `options.redis`: a client of the app's (left open), or a new ioredis one. */
  static async connect(options: VerificationRedisStoreOptions): Promise<RedisVerificationStore> {
    if ('evalsha' in options.redis)
      return new RedisVerificationStore(options.redis, options.prefix);
    // ioredis is an optional peer: loaded only by an app that asks for a Redis connection.
    const { Redis } = await import('ioredis');
    const { host, port, db, password } = options.redis;
    const client = new Redis({ host, port, db, password, lazyConnect: false });
    return new RedisVerificationStore(client, options.prefix, true);
  }

  async create(
    record: StoredVerification,
    limits: StoreLimit[],
    now: number,
  ): Promise<CreateOutcome> {
    const reply = (await this.run(
      SCRIPTS.create,
      [
        this.recordKey(record.id),
        `${this.prefix}:n:${record.numberKey}`,
        ...limits.map((limit) => `${this.prefix}:l:${limit.key}`),
      ],
      [
        this.prefix,
        now,
        recordLifetimeMs(record, now),
        Math.max(1, record.expiresAt - now),
        ...limits.flatMap((limit) => [limit.max, limit.windowSeconds * 1000]),
        ...toFields(record),
      ],
    )) as [string, string | number | undefined];
    if (reply[0] === 'conflict') return { outcome: 'conflict', id: String(reply[1]) };
    if (reply[0] === 'rate_limited') {
      return {
        outcome: 'rate_limited',
        retryAfterSeconds: Math.max(1, Math.ceil(Number(reply[1]) / 1000)),
      };
    }
    return { outcome: 'created' };
  }

  async find(id: string): Promise<StoredVerification | undefined> {
    const reply = await this.run(SCRIPTS.find, [this.recordKey(id)], []);
    return (reply as string[]).length ? fromFields(reply) : undefined;
  }

  async reserveAttempt(id: string, now: number): Promise<AttemptOutcome> {
    const reply = (await this.run(SCRIPTS.reserveAttempt, [this.recordKey(id)], [now])) as [
      string,
      unknown,
    ];
    return reply[0] === 'reserved'
      ? { outcome: 'reserved', record: fromFields(reply[1]) }
      : { outcome: reply[0] as Unavailable };
  }

  async approve(id: string, now: number): Promise<boolean> {
    return (await this.run(SCRIPTS.approve, [this.recordKey(id)], [this.prefix, now])) === 1;
  }

  async claimResend(id: string, change: StepChange, now: number): Promise<ResendOutcome> {
    const reply = (await this.run(
      SCRIPTS.claimResend,
      [this.recordKey(id)],
      [now, change.fromStep, change.toStep, change.channel, change.codeDigest, change.cooldownMs],
    )) as [string, unknown];
    if (reply[0] === 'claimed') return { outcome: 'claimed', record: fromFields(reply[1]) };
    if (reply[0] === 'too_early') return { outcome: 'too_early', retryAfterMs: Number(reply[1]) };
    return { outcome: reply[0] as 'moved' | Unavailable };
  }

  async attachMessage(id: string, step: number, messageId: string): Promise<boolean> {
    return (await this.run(SCRIPTS.attachMessage, [this.recordKey(id)], [step, messageId])) === 1;
  }

  async cancel(id: string, now: number): Promise<CancelOutcome> {
    const reply = (await this.run(SCRIPTS.cancel, [this.recordKey(id)], [this.prefix, now])) as [
      string,
    ];
    return { outcome: reply[0] as 'done' | Unavailable };
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit();
  }

  private recordKey(id: string): string {
    return `${this.prefix}:v:${id}`;
  }

  /** `EVALSHA`, and `EVAL` once when the server does not know the script yet (one round trip more). */
  private async run(
    { source, sha }: Script,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> {
    try {
      return await this.client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return this.client.eval(source, keys.length, ...keys, ...args);
    }
  }
}
