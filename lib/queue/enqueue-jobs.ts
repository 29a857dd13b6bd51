import type { JobsOptions } from 'bullmq';
import type { DtoOf, SendKind } from '../channel-registry.js';
import { WebcomValidationError, type WebcomFieldError } from '../errors/webcom-errors.js';
import type { JobTraceContext } from './queue-telemetry.js';
import { planJobs, type JobSizing, type WebcomJobData } from './job-planning.js';

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

/** One message of `WebcomQueue.enqueueMany`: what `enqueue` takes, as an object. */
export type WebcomEnqueueItem = {
  [C in SendKind]: {
    channel: C;
    dto: DtoOf<C>;
    options?: WebcomEnqueueOptions;
  };
}[SendKind];

/** A job as BullMQ's `add` takes it. */
export interface PlannedJob {
  name: SendKind;
  data: WebcomJobData;
  opts: JobsOptions;
}

export function withTrace(job: PlannedJob, trace: JobTraceContext | undefined) {
  return trace ? { ...job, data: { ...job.data, trace } } : job;
}

export function countRecipients(jobs: PlannedJob[]): number {
  return jobs.reduce((count, job) => count + (job.data.dto.to as string[]).length, 0);
}

const MAX_PRIORITY = 2_097_151;
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

export function checkEnqueueOptions(options: WebcomEnqueueOptions): void {
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

/** The jobs of one message, validated and planned, with their BullMQ options. */
export function planEnqueue(
  channel: SendKind,
  dto: unknown,
  options: WebcomEnqueueOptions,
  sizing: JobSizing,
): PlannedJob[] {
  checkEnqueueOptions(options);
  const { idempotencyKey, delay, priority } = options;
  return planJobs(channel, dto, sizing).map((data) => ({
    name: channel,
    data,
    opts: {
      ...(idempotencyKey === undefined ? {} : { jobId: jobIdOf(idempotencyKey, data.part) }),
      ...(delay === undefined ? {} : { delay }),
      ...(priority === undefined ? {} : { priority }),
    },
  }));
}
