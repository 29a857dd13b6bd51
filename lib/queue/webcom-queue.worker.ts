import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  WebcomApiError,
  WebcomError,
  WebcomTransportError,
  WebcomValidationError,
} from '../errors/webcom-errors.js';
import type { SendResult } from '../protocol/results.js';
import { getWebcomToken } from '../get-webcom-token.util.js';
import type { WebcomService } from '../webcom.service.js';
import type { WebcomJobData, WebcomJobFailure } from './job-planning.js';
import { claimSend, releaseSend } from './send-claim.js';
import type { ResolvedWebcomQueueOptions } from './webcom-queue.options.js';

/**
 * What a failed send means for its job (see `WebcomTransportError.possiblyDelivered`):
 * - `retry`: it provably never left (refused connection, DNS): BullMQ tries again with backoff;
 * - `refused`: the gateway answered no, or the input was refused before any request: final;
 * - `unknown`: it may have been delivered (timeout, reset, a 5xx that may have been processed,
 *   a split send that partly went out, an unexpected error): final, never repeated by itself.
 */
type Verdict = 'retry' | 'refused' | 'unknown';

function judge(error: unknown): Verdict {
  if (error instanceof WebcomTransportError) return error.possiblyDelivered ? 'unknown' : 'retry';
  if (error instanceof WebcomApiError) return error.status >= 500 ? 'unknown' : 'refused';
  if (error instanceof WebcomValidationError) return 'refused';
  return 'unknown';
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof WebcomError) return error.toJSON();
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  return { name, message };
}

const INTERRUPTED: Record<string, unknown> = {
  name: 'WebcomSendInterrupted',
  message:
    'an earlier attempt of this job started sending and never recorded its outcome ' +
    '(its worker stopped mid-send, or a finished job was retried); resend it deliberately ' +
    'with WebcomQueue.resend()',
};

/**
 * The queue's BullMQ worker in this process: sends each job through the account's
 * `WebcomService`, keeps its `SendResult` as the job's return value, and closes on module
 * destroy after the jobs in flight have finished.
 */
export class WebcomQueueWorker implements OnModuleInit, OnModuleDestroy {
  private worker?: Worker<WebcomJobData, SendResult>;
  private readonly logger: Logger;

  constructor(
    private readonly options: ResolvedWebcomQueueOptions,
    private readonly moduleRef: ModuleRef,
  ) {
    this.logger = new Logger(`WebcomQueue:${options.queueName}`);
  }

  onModuleInit(): void {
    if (!this.options.runWorker) return;
    const service = this.service();
    const { queueName, connection, prefix, concurrency, rateLimit, workerOptions } = this.options;
    const worker: Worker<WebcomJobData, SendResult> = new Worker<WebcomJobData, SendResult>(
      queueName,
      (job) => this.process(worker, service, job),
      {
        ...workerOptions,
        connection,
        prefix,
        concurrency,
        // One request per slot of durationMs / max, rounded up. BullMQ's limiter counts in fixed
        // windows, so { max, duration } alone lets up to 2 × max start in a span that straddles
        // two windows; evenly spaced slots keep the starts in every span of durationMs to max.
        limiter: rateLimit && {
          max: 1,
          duration: Math.ceil(rateLimit.durationMs / rateLimit.max),
        },
      },
    );
    worker.on('failed', (job, error) => {
      if (job) this.logger.warn(`job ${job.id} (${job.name}) failed: ${error.message}`);
    });
    worker.on('error', (error) => this.logger.error(`worker: ${error.message}`));
    this.worker = worker;
  }

  /** Stops taking jobs and waits for the ones in flight, so none is cut off mid-send. */
  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }

  /** Looked up across modules, so WebcomModule needs neither isGlobal nor an import here. */
  private service(): WebcomService {
    const { account } = this.options;
    try {
      return this.moduleRef.get<WebcomService>(getWebcomToken(account), { strict: false });
    } catch {
      const which = account === undefined ? 'the default account' : `the account "${account}"`;
      throw new Error(
        `WebcomQueueModule runs a worker but no WebcomService is registered for ${which}: ` +
          'import WebcomModule anywhere in the app, or set runWorker: false',
      );
    }
  }

  private async process(
    worker: Worker<WebcomJobData, SendResult>,
    service: WebcomService,
    job: Job<WebcomJobData, SendResult>,
  ): Promise<SendResult> {
    const client = await worker.getBackend().client;
    const jobKey = worker.toKey(job.id!);
    const claim = await claimSend(client, jobKey);
    if (claim === 'gone') throw new UnrecoverableError('the job was removed before it was sent');
    if (claim === 'held') {
      throw await this.fail(job, { possiblyDelivered: true, error: INTERRUPTED });
    }

    try {
      return await service.send(job.data.channel, job.data.dto as never);
    } catch (error) {
      const verdict = judge(error);
      if (verdict !== 'unknown') await releaseSend(client, jobKey);
      const failure = { possiblyDelivered: verdict === 'unknown', error: describe(error) };
      if (verdict === 'retry' && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw error;
      throw await this.fail(job, failure);
    }
  }

  /** Records why on the job and returns the error that fails it without a further try. */
  private async fail(
    job: Job<WebcomJobData, SendResult>,
    failure: WebcomJobFailure,
  ): Promise<UnrecoverableError> {
    await job.updateData({ ...job.data, failure });
    const message = String(failure.error.message);
    return new UnrecoverableError(
      failure.possiblyDelivered
        ? `possibly delivered, not retried: ${message}`
        : `not delivered: ${message}`,
    );
  }
}
