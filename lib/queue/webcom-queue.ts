import { Logger } from '@nestjs/common';
import type { JobState, Queue } from 'bullmq';
import { WebcomValidationError, type WebcomFieldError } from '../errors/webcom-errors.js';
import type { SendResult } from '../protocol/results.js';
import type { DtoOf, SendKind } from '../channel-registry.js';
import { planJobs, type WebcomJobData, type WebcomJobFailure } from './job-planning.js';
import type { WebcomQueueTelemetry } from './queue-telemetry.js';
import { isSendClaimed, releaseSend } from './send-claim.js';
import type { ResolvedWebcomQueueOptions } from './webcom-queue.options.js';

/** How `WebcomQueue.enqueue` schedules a send. */
export interface WebcomEnqueueOptions {
  /**
   * Names this send: enqueueing the same key again (with the same content) adds nothing and
   * returns the same job ids, for as long as those jobs are kept (`removeOnComplete`).
   */
  idempotencyKey?: string;
  /** Wait before the first try, in ms. */
  delay?: number;
  /**
   * BullMQ's priority, 1 (most urgent) to 2 097 151. Jobs without one go before all prioritized
   * jobs: give bulk campaigns a priority so that unprioritized one-off messages overtake them.
   */
  priority?: number;
}

/** Jobs of the queue by state, as `WebcomQueue.counts` reads them from Redis. */
export interface WebcomQueueCounts {
  /** Ready to run (or held by a paused queue), prioritized ones included. */
  waiting: number;
  /** Being sent by a worker now. */
  active: number;
  /** Sent, and still kept (`removeOnComplete`). */
  completed: number;
  /** Failed for good: refused, or possibly delivered and never repeated by itself. */
  failed: number;
  /** Enqueued with a `delay`, or waiting out a retry's backoff. */
  delayed: number;
}

/** One job as an operator sees it. */
export interface WebcomJobReport {
  /** The BullMQ job id. */
  id: string;
  /** BullMQ's state of the job; `unknown` when it is no longer kept. */
  state: JobState | 'unknown';
  /** What the job sends: a channel, or `cascade`. */
  channel: SendKind;
  /** The job's recipients, as international digits. */
  to: string[];
  /** The job's place among the jobs of its `enqueue`, from 0. */
  part: number;
  /** How many jobs its `enqueue` made. */
  parts: number;
  /** Tries finished so far, a successful one included. */
  attemptsMade: number;
  /** What the gateway answered, once completed: message ids and prices, in recipient order. */
  result?: SendResult;
  /** Once failed for good: why, and whether any message may have gone out. */
  failure?: WebcomJobFailure & {
    /** BullMQ's failed reason: the error's message. */
    reason: string;
  };
}

const MAX_PRIORITY = 2_097_151;
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

function checkEnqueueOptions(options: WebcomEnqueueOptions): void {
  const errors: WebcomFieldError[] = [];
  const { idempotencyKey, delay, priority } = options;
  if (
    idempotencyKey !== undefined &&
    (typeof idempotencyKey !== 'string' ||
      idempotencyKey.length === 0 ||
      idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)
  ) {
    errors.push({
      field: 'idempotencyKey',
      messages: [`must be a string of 1–${MAX_IDEMPOTENCY_KEY_LENGTH} characters`],
    });
  }
  if (delay !== undefined && !(Number.isInteger(delay) && delay >= 0)) {
    errors.push({ field: 'delay', messages: ['must be a whole number of ms, 0 or more'] });
  }
  if (
    priority !== undefined &&
    !(Number.isInteger(priority) && priority >= 1 && priority <= MAX_PRIORITY)
  ) {
    errors.push({
      field: 'priority',
      messages: [`must be a whole number from 1 to ${MAX_PRIORITY}`],
    });
  }
  if (errors.length) throw new WebcomValidationError(errors, 'enqueue options');
}

/**
 * A job id per share of the send. BullMQ refuses ids with ":" and ids that read as integers;
 * escaping "%" and ":" keeps every key apart, and the "#part" suffix keeps ids from being
 * integers.
 */
function jobIdOf(idempotencyKey: string, part: number): string {
  return `${idempotencyKey.replaceAll('%', '%25').replaceAll(':', '%3A')}#${part}`;
}

/**
 * The producer side of the Webcom queue: validates a send at once, splits it into jobs of one
 * gateway request each, and hands them to Redis, where any worker of the fleet picks them up.
 */
export class WebcomQueue {
  /**
   * The BullMQ queue underneath, registered with `BullModule.registerQueueAsync` (which closes
   * it at application shutdown); also injectable with `@InjectQueue(queueName)`.
   */
  readonly queue: Queue<WebcomJobData, SendResult>;

  /** Built by `WebcomQueueModule` on the queue it registered. */
  constructor(
    queue: Queue<WebcomJobData, SendResult>,
    private readonly options: ResolvedWebcomQueueOptions,
    private readonly telemetry: WebcomQueueTelemetry,
  ) {
    this.queue = queue;
    const logger = new Logger(`WebcomQueue:${options.queueName}`);
    queue.on('error', (error) => logger.error(`queue: ${error.message}`));
  }

  /**
   * Validates `dto` as the matching `WebcomService` method would (throwing
   * `WebcomValidationError`, nothing enqueued) and enqueues one job per gateway request's worth
   * of recipients. Resolves with the job ids, in recipient order.
   */
  async enqueue<C extends SendKind>(
    channel: C,
    dto: DtoOf<C>,
    options: WebcomEnqueueOptions = {},
  ): Promise<string[]> {
    checkEnqueueOptions(options);
    const { idempotencyKey, delay, priority } = options;
    const jobs = planJobs(channel, dto, this.options);
    const recipients = jobs.reduce((count, job) => count + (job.dto.to as string[]).length, 0);
    // Each job carries the enqueue's trace context, for the worker's span to continue.
    return this.telemetry.enqueue({ channel, recipients, parts: jobs.length }, async (trace) => {
      const added = await this.queue.addBulk(
        jobs.map((data) => ({
          name: channel,
          data: trace ? { ...data, trace } : data,
          opts: {
            ...(idempotencyKey === undefined ? {} : { jobId: jobIdOf(idempotencyKey, data.part) }),
            ...(delay === undefined ? {} : { delay }),
            ...(priority === undefined ? {} : { priority }),
          },
        })),
      );
      return added.map((job) => job.id!);
    });
  }

  /** How many jobs are in each state, across the fleet. */
  async counts(): Promise<WebcomQueueCounts> {
    const counts = await this.queue.getJobCounts(
      'wait',
      'prioritized',
      'active',
      'completed',
      'failed',
      'delayed',
    );
    return {
      waiting: counts.wait + counts.prioritized,
      active: counts.active,
      completed: counts.completed,
      failed: counts.failed,
      delayed: counts.delayed,
    };
  }

  /** The job with this id, or undefined once it is removed. */
  async getJob(id: string): Promise<WebcomJobReport | undefined> {
    // State first: the job's hash is then at least as recent, and a completed job's result in it.
    const state = await this.queue.getJobState(id);
    const job = await this.queue.getJob(id);
    if (!job?.id) return undefined;
    const { channel, dto, part, parts, failure } = job.data;
    const report: WebcomJobReport = {
      id: job.id,
      state,
      channel,
      to: dto.to as string[],
      part,
      parts,
      attemptsMade: job.attemptsMade,
    };
    if (state === 'completed') report.result = job.returnvalue;
    if (state === 'failed') {
      // A job BullMQ itself failed (stalled too often) never reached the worker's bookkeeping:
      // whether it may have gone out is then told by its send claim.
      const possiblyDelivered =
        failure?.possiblyDelivered ??
        (await isSendClaimed(await this.queue.getBackend().client, this.queue.toKey(job.id)));
      report.failure = {
        possiblyDelivered,
        error: failure?.error ?? { name: 'Error', message: job.failedReason },
        reason: job.failedReason,
      };
    }
    return report;
  }

  /**
   * Sends a failed job again, deliberately: also one whose messages may already have gone out
   * (`failure.possiblyDelivered`), which the queue never resends by itself.
   */
  async resend(id: string): Promise<void> {
    const job = await this.queue.getJob(id);
    if (!job?.id) throw new Error(`no job ${id} in queue ${this.options.queueName}`);
    const state = await job.getState();
    if (state !== 'failed') {
      throw new Error(`job ${id} is ${state}: only a failed job can be resent`);
    }
    await releaseSend(await this.queue.getBackend().client, this.queue.toKey(job.id));
    await job.updateData({ ...job.data, failure: undefined });
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }
}
