import type { ConnectionOptions, JobsOptions, WorkerOptions } from 'bullmq';
import { WebcomValidationError } from '../errors/webcom-errors.js';
import {
  IfGiven,
  IsWholeNumber,
  NestedOptions,
  OptionRule,
  optionErrors,
} from '../options/validate-options.js';

/** The queue a `WebcomQueueModule` registers when it names none. */
export const WEBCOM_DEFAULT_QUEUE_NAME = 'webcom';

/**
 * Gateway requests (one job is one request) per `durationMs`, for every worker of the queue
 * together. Requests are spaced evenly, one per `durationMs / max`, so that no span of
 * `durationMs` ever holds more than `max`.
 */
export interface WebcomRateLimit {
  /** Gateway requests at most per `durationMs`, across the fleet. */
  max: number;
  /** Default 1000: `max` is then requests per second. */
  durationMs?: number;
}

/** BullMQ worker settings this module leaves to the application (stall detection, locks, …). */
export type WebcomWorkerTuning = Omit<
  WorkerOptions,
  | 'connection'
  | 'prefix'
  | 'concurrency'
  | 'limiter'
  | 'autorun'
  | 'removeOnComplete'
  | 'removeOnFail'
>;

/** The queue's options: `WebcomQueueModule.forRoot(options)`, or what `forRootAsync` resolves. */
export interface WebcomQueueModuleOptions {
  /**
   * The Redis server: `{ url: 'redis://…' }`, `{ host, port, username, password, tls, db }`, or a
   * client instance, as BullMQ's `connection` takes it. The queue then uses this connection and
   * nothing of the app's `BullModule.forRoot`.
   *
   * Omitted, the queue reuses the app's `BullModule.forRoot(…)` configuration (the one named by
   * `configKey`, if set): its connection, and its prefix unless `prefix` is set. Without either,
   * the application stops at boot.
   */
  connection?: ConnectionOptions;
  /**
   * Prefix of every Redis key of the queue. Default `'bull'`, BullMQ's; with the connection of
   * `BullModule.forRoot`, that configuration's prefix.
   */
  prefix?: string;
  /** The `WebcomModule` account (its `name`) the worker sends with. Default: the unnamed one. */
  account?: string;
  /** Run a worker in this process. Default true; false for processes that only enqueue. */
  runWorker?: boolean;
  /** Jobs this process's worker sends at once. Default 4. */
  concurrency?: number;
  /** Fleet-wide limit on gateway requests, kept in Redis by BullMQ's limiter. Default: none. */
  rateLimit?: WebcomRateLimit;
  /** Tries of a job whose failures prove that nothing left (connection refused, DNS). Default 5. */
  attempts?: number;
  /** Wait before the first retry, doubled for each further one, in ms. Default 1000. */
  backoffMs?: number;
  /**
   * The `maxUrlLength` of the sending `WebcomModule` (default 8000). Each job is sized to fit one
   * request of that length, so the rate limit counts requests.
   */
  maxUrlLength?: number;
  /**
   * Bytes of each request URL kept for what the enqueuing process does not know: the gateway's
   * address, the credentials and the default sender names. Default 512.
   */
  urlReserve?: number;
  /** Recipients per job at most, below what the URL length allows. Default: no further cap. */
  maxRecipientsPerJob?: number;
  /**
   * How long completed jobs (their numbers, text and result) stay in Redis, as BullMQ's
   * `removeOnComplete`; a repeated `idempotencyKey` is recognised only while its jobs are kept.
   * Default `{ age: 3600 }`: one hour after the send, long enough for an enqueue retried after
   * a crash or a timeout, and no personal data kept past it.
   */
  removeOnComplete?: JobsOptions['removeOnComplete'];
  /**
   * How long failed jobs stay, as BullMQ's `removeOnFail`. Default `{ age: 604800 }`: seven
   * days, time for an operator to decide on a send that may have been delivered (`resend`).
   */
  removeOnFail?: JobsOptions['removeOnFail'];
  /** Further BullMQ worker settings, such as `lockDuration` and `stalledInterval`. */
  workerOptions?: WebcomWorkerTuning;
}

/** Options of `forRoot`/`forRootAsync` that shape the module rather than the queue. */
export interface WebcomQueueModuleExtras {
  /** The BullMQ queue's name; also names the `WebcomQueue` provider. Default `'webcom'`. */
  queueName?: string;
  /** Makes the module global, so other modules inject the queue without importing it. */
  isGlobal?: boolean;
  /**
   * The `configKey` of the app's `BullModule.forRoot(configKey, …)` whose connection the queue
   * reuses when `connection` is omitted. Default: the unnamed `BullModule.forRoot(…)`.
   */
  configKey?: string;
}

export interface ResolvedWebcomQueueOptions extends Required<
  Omit<
    WebcomQueueModuleOptions,
    'connection' | 'account' | 'rateLimit' | 'maxRecipientsPerJob' | 'prefix'
  >
> {
  queueName: string;
  /** Undefined: the app's `BullModule.forRoot` connection. */
  connection?: ConnectionOptions;
  prefix?: string;
  account?: string;
  rateLimit?: Required<WebcomRateLimit>;
  maxRecipientsPerJob?: number;
}

/**
 * Jobs hold personal data (numbers, texts): they are kept no longer than their purpose needs.
 * A completed job serves a repeated `idempotencyKey` and `getJob`; a failed one waits for an
 * operator's decision over a weekend and some.
 */
const WEBCOM_QUEUE_RETENTION = {
  completedSeconds: 60 * 60,
  failedSeconds: 7 * 24 * 60 * 60,
} as const;

const QUEUE_OPTIONS_SUBJECT = 'Webcom queue options';

/** The rules of `rateLimit`. */
export class WebcomRateLimitSchema implements Required<WebcomRateLimit> {
  @OptionRule('isDefined', 'is required', (value) => value !== undefined)
  @IsWholeNumber(1, 1_000_000)
  // Requests are spaced `durationMs / max` apart, and timers count whole milliseconds.
  @OptionRule(
    'isOneRequestPerMs',
    'may be at most one request per ms',
    (max, limit) => !((max as number) > ((limit.durationMs ?? 1000) as number)),
  )
  max!: number;

  @IsWholeNumber(1, 3_600_000)
  durationMs!: number;
}

/** The rules of the queue module's options, `queueName` included. */
export class WebcomQueueOptionsSchema
  implements Required<WebcomQueueModuleOptions>, Pick<WebcomQueueModuleExtras, 'queueName'>
{
  @OptionRule(
    'isQueueName',
    'must be 1–100 characters without ":"',
    (value) => typeof value === 'string' && /^[^:\s]{1,100}$/.test(value),
  )
  queueName!: string;

  // Omitted, the app's BullModule.forRoot connection: checked when the queue is registered.
  @IfGiven()
  @OptionRule(
    'isConnection',
    'must be Redis connection options or a client',
    (value) => typeof value === 'object' && value !== null,
  )
  connection!: ConnectionOptions;

  @IfGiven()
  @OptionRule('isPrefix', 'must be 1–100 characters without spaces', (value) =>
    /^[^\s]{1,100}$/.test(String(value)),
  )
  prefix!: string;

  @IfGiven()
  @OptionRule(
    'isAccount',
    'must be a non-empty string',
    (value) => typeof value === 'string' && !!value,
  )
  account!: string;

  @IfGiven()
  @OptionRule('isBoolean', 'must be true or false', (value) => typeof value === 'boolean')
  runWorker!: boolean;

  @IsWholeNumber(1, 1000)
  concurrency!: number;

  @IfGiven()
  @OptionRule(
    'isRateLimit',
    'must be { max, durationMs? }',
    (value) => typeof value === 'object' && value !== null,
  )
  @NestedOptions(() => WebcomRateLimitSchema)
  rateLimit!: WebcomRateLimit;

  @IsWholeNumber(1, 100)
  attempts!: number;

  @IsWholeNumber(0, 3_600_000)
  backoffMs!: number;

  @IsWholeNumber(256, 1_000_000)
  maxUrlLength!: number;

  @IsWholeNumber(0, 100_000)
  urlReserve!: number;

  @IsWholeNumber(1, 1_000_000)
  maxRecipientsPerJob!: number;

  // BullMQ's own settings, passed on as given.
  removeOnComplete!: NonNullable<JobsOptions['removeOnComplete']>;
  removeOnFail!: NonNullable<JobsOptions['removeOnFail']>;
  workerOptions!: WebcomWorkerTuning;
}

/**
 * Checks the options when the module starts and fills in defaults. Messages name the option,
 * never its value: the connection may carry a password.
 */
export function resolveQueueOptions(
  options: WebcomQueueModuleOptions,
  queueName: string,
): ResolvedWebcomQueueOptions {
  const isObject = typeof options === 'object' && options !== null;
  const errors = optionErrors(
    WebcomQueueOptionsSchema,
    isObject ? { ...options, queueName } : options,
  );
  if (errors.length) throw new WebcomValidationError(errors, QUEUE_OPTIONS_SUBJECT);
  const maxUrlLength = options.maxUrlLength ?? 8000;
  const urlReserve = options.urlReserve ?? 512;
  if (urlReserve >= maxUrlLength - 64) {
    throw new WebcomValidationError(
      [{ field: 'urlReserve', messages: ['must leave room in maxUrlLength for a message'] }],
      QUEUE_OPTIONS_SUBJECT,
    );
  }
  const { rateLimit } = options;
  return {
    queueName,
    connection: options.connection,
    prefix: options.prefix,
    account: options.account,
    runWorker: options.runWorker ?? true,
    concurrency: options.concurrency ?? 4,
    rateLimit: rateLimit && { max: rateLimit.max, durationMs: rateLimit.durationMs ?? 1000 },
    attempts: options.attempts ?? 5,
    backoffMs: options.backoffMs ?? 1000,
    maxUrlLength,
    urlReserve,
    maxRecipientsPerJob: options.maxRecipientsPerJob,
    removeOnComplete: options.removeOnComplete ?? { age: WEBCOM_QUEUE_RETENTION.completedSeconds },
    removeOnFail: options.removeOnFail ?? { age: WEBCOM_QUEUE_RETENTION.failedSeconds },
    workerOptions: options.workerOptions ?? {},
  };
}
