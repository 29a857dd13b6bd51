import { Logger } from '@nestjs/common';
import type { JobState, Queue } from 'bullmq';
import { WebcomValidationError } from '../errors/webcom-errors.js';
import type { SendResult } from '../protocol/results.js';
import type { DtoOf, SendKind } from '../channel-registry.js';
import {
  countRecipients,
  planEnqueue,
  withTrace,
  type WebcomEnqueueItem,
  type WebcomEnqueueOptions,
} from './enqueue-jobs.js';
import type { WebcomJobData, WebcomJobFailure } from './job-planning.js';
import type { WebcomQueueTelemetry } from './queue-telemetry.js';
import { isSendClaimed, redisClientOf, releaseSend } from './send-claim.js';
import type { ResolvedWebcomQueueOptions } from './webcom-queue.options.js';

export type { WebcomEnqueueItem, WebcomEnqueueOptions } from './enqueue-jobs.js';

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
    const jobs = planEnqueue(channel, dto, options, this.options);
    const recipients = countRecipients(jobs);
    // Each job carries the enqueue's trace context, for the worker's span to continue.
    return this.telemetry.enqueue({ channel, recipients, parts: jobs.length }, async (trace) => {
      // One job, one `add`: `addBulk` would copy BullMQ's scripts into a pipeline of its own.
      if (jobs.length === 1) {
        const { name, data, opts } = withTrace(jobs[0], trace);
        return [(await this.queue.add(name, data, opts)).id!];
      }
      return (await this.queue.addBulk(jobs.map((job) => withTrace(job, trace)))).map(
        (job) => job.id!,
      );
    });
  }

  /**
   * Many different messages in one Redis pipeline: each item validated as `enqueue` does (one
   * invalid item refuses the whole call, naming its index, and nothing is enqueued). Resolves
   * with every job id, item by item, in order.
   */
  async enqueueMany(items: readonly WebcomEnqueueItem[]): Promise<string[]> {
    if (!Array.isArray(items)) {
      throw new WebcomValidationError([{ field: 'items', messages: ['must be an array'] }]);
    }
    const jobs = items.flatMap((item: WebcomEnqueueItem, index) => {
      try {
        if (typeof item !== 'object' || item === null) {
          throw new WebcomValidationError([{ field: 'item', messages: ['must be an object'] }]);
        }
        return planEnqueue(item.channel, item.dto, item.options ?? {}, this.options);
      } catch (error) {
        if (!(error instanceof WebcomValidationError)) throw error;
        throw new WebcomValidationError(
          error.errors.map((e) => ({ field: `items[${index}].${e.field}`, messages: e.messages })),
          'enqueueMany items',
        );
      }
    });
    if (jobs.length === 0) return [];
    const channels = new Set(jobs.map((job) => job.name));
    const facts = {
      channel: channels.size === 1 ? jobs[0].name : 'mixed',
      recipients: countRecipients(jobs),
      parts: jobs.length,
    };
    return this.telemetry.enqueue(facts, async (trace) =>
      (await this.queue.addBulk(jobs.map((job) => withTrace(job, trace)))).map((job) => job.id!),
    );
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
        (await isSendClaimed(await redisClientOf(this.queue), this.queue.toKey(job.id)));
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
    await releaseSend(await redisClientOf(this.queue), this.queue.toKey(job.id));
    await job.updateData({ ...job.data, failure: undefined });
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  }
}
