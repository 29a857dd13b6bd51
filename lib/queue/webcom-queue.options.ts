import type { ConnectionOptions, JobsOptions, WorkerOptions } from 'bullmq';
import { WebcomValidationError, type WebcomFieldError } from '../errors/webcom-errors.js';

/** The queue a `WebcomQueueModule` registers when it names none. */
export const WEBCOM_DEFAULT_QUEUE_NAME = 'webcom';

/**
 * Gateway requests (one job is one request) per `durationMs`, for every worker of the queue
 * together. Requests are spaced evenly, one per `durationMs / max`, so that no span of
 * `durationMs` ever holds more than `max`.
 */
export interface WebcomRateLimit {
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
   * How long finished jobs (and their results) stay in Redis; a repeated `idempotencyKey` is
   * recognised only while its jobs are kept. Default: completed jobs for 7 days, failed ones
   * until an operator removes them.
   */
  removeOnComplete?: JobsOptions['removeOnComplete'];
  removeOnFail?: JobsOptions['removeOnFail'];
  /** Further BullMQ worker settings, such as `lockDuration` and `stalledInterval`. */
  workerOptions?: WebcomWorkerTuning;
}

/** Options of `forRoot`/`forRootAsync` that shape the module rather than the queue. */
export interface WebcomQueueModuleExtras {
  /** The BullMQ queue's name; also names the `WebcomQueue` provider. Default `'webcom'`. */
  queueName?: string;
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

const SEVEN_DAYS_IN_SECONDS = 7 * 24 * 60 * 60;

function checkInteger(
  value: unknown,
  field: string,
  min: number,
  max: number,
  errors: WebcomFieldError[],
): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    errors.push({ field, messages: [`must be a whole number from ${min} to ${max}`] });
  }
}

/**
 * Checks the options when the module starts and fills in defaults. Messages name the option,
 * never its value: the connection may carry a password.
 */
export function resolveQueueOptions(
  options: WebcomQueueModuleOptions,
  queueName: string,
): ResolvedWebcomQueueOptions {
  const errors: WebcomFieldError[] = [];
  if (typeof options !== 'object' || options === null) {
    throw new WebcomValidationError(
      [{ field: 'options', messages: ['must be an object'] }],
      'Webcom queue options',
    );
  }
  if (typeof queueName !== 'string' || !/^[^:\s]{1,100}$/.test(queueName)) {
    errors.push({ field: 'queueName', messages: ['must be 1–100 characters without ":"'] });
  }
  if (
    options.connection !== undefined &&
    (typeof options.connection !== 'object' || options.connection === null)
  ) {
    errors.push({
      field: 'connection',
      messages: ['must be Redis connection options or a client'],
    });
  }
  if (options.prefix !== undefined && !/^[^\s]{1,100}$/.test(String(options.prefix))) {
    errors.push({ field: 'prefix', messages: ['must be 1–100 characters without spaces'] });
  }
  if (options.account !== undefined && (typeof options.account !== 'string' || !options.account)) {
    errors.push({ field: 'account', messages: ['must be a non-empty string'] });
  }
  if (options.runWorker !== undefined && typeof options.runWorker !== 'boolean') {
    errors.push({ field: 'runWorker', messages: ['must be true or false'] });
  }
  checkInteger(options.concurrency, 'concurrency', 1, 1000, errors);
  checkInteger(options.attempts, 'attempts', 1, 100, errors);
  checkInteger(options.backoffMs, 'backoffMs', 0, 3_600_000, errors);
  checkInteger(options.maxUrlLength, 'maxUrlLength', 256, 1_000_000, errors);
  checkInteger(options.urlReserve, 'urlReserve', 0, 100_000, errors);
  checkInteger(options.maxRecipientsPerJob, 'maxRecipientsPerJob', 1, 1_000_000, errors);
  const { rateLimit } = options;
  if (rateLimit !== undefined) {
    if (typeof rateLimit !== 'object' || rateLimit === null) {
      errors.push({ field: 'rateLimit', messages: ['must be { max, durationMs? }'] });
    } else {
      checkInteger(rateLimit.max, 'rateLimit.max', 1, 1_000_000, errors);
      if (rateLimit.max === undefined) {
        errors.push({ field: 'rateLimit.max', messages: ['is required'] });
      }
      checkInteger(rateLimit.durationMs, 'rateLimit.durationMs', 1, 3_600_000, errors);
      if (rateLimit.max > (rateLimit.durationMs ?? 1000)) {
        errors.push({ field: 'rateLimit.max', messages: ['may be at most one request per ms'] });
      }
    }
  }
  const maxUrlLength = options.maxUrlLength ?? 8000;
  const urlReserve = options.urlReserve ?? 512;
  if (errors.length === 0 && urlReserve >= maxUrlLength - 64) {
    errors.push({
      field: 'urlReserve',
      messages: ['must leave room in maxUrlLength for a message'],
    });
  }
  if (errors.length) throw new WebcomValidationError(errors, 'Webcom queue options');
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
    removeOnComplete: options.removeOnComplete ?? { age: SEVEN_DAYS_IN_SECONDS },
    removeOnFail: options.removeOnFail ?? false,
    workerOptions: options.workerOptions ?? {},
  };
}
