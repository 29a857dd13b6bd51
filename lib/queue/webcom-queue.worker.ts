import {
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job, type Worker, type WorkerOptions } from 'bullmq';
import {
  possiblyDelivered,
  WebcomApiError,
  WebcomError,
  WebcomPartialSendError,
  WebcomTransportError,
  WebcomValidationError,
} from '../errors/webcom-errors.js';
import type { SendResult } from '../protocol/results.js';
import { getWebcomToken } from '../get-webcom-token.util.js';
import { describeAccount, registeredAccounts } from '../util/registered-accounts.js';
import type { WebcomService } from '../webcom.service.js';
import type { WebcomJobData, WebcomJobFailure } from './job-planning.js';
import type { JobScope, WebcomQueueTelemetry } from './queue-telemetry.js';
import { claimSend, redisClientOf, releaseSend } from './send-claim.js';
import type { ResolvedWebcomQueueOptions } from './webcom-queue.options.js';

/**
 * What a failed send means for its job, by the errors' own judgement (`possiblyDelivered`, D14):
 * - `retry`: it provably never left (refused connection, DNS): BullMQ tries again with backoff;
 * - `refused`: the gateway answered no (a 4xx, 429 included), or the input was refused before any
 *   request: final;
 * - `unknown`: it may have been delivered (timeout, reset, a send answered 5xx, a split send
 *   that partly went out, an unexpected error): final, never repeated by itself.
 */
type Verdict = 'retry' | 'refused' | 'unknown';

function judge(error: unknown): Verdict {
  if (possiblyDelivered(error) || error instanceof WebcomPartialSendError) return 'unknown';
  if (error instanceof WebcomTransportError) return 'retry';
  if (error instanceof WebcomApiError || error instanceof WebcomValidationError) return 'refused';
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
 * The BullMQ worker settings of a queue's worker; the connection and prefix are the queue's own,
 * which `@nestjs/bullmq` hands to the worker it builds.
 */
export function workerOptionsOf(options: ResolvedWebcomQueueOptions): Partial<WorkerOptions> {
  const { concurrency, rateLimit, workerOptions } = options;
  return {
    ...workerOptions,
    concurrency,
    // One request per slot of durationMs / max, rounded up. BullMQ's limiter counts in fixed
    // windows, so { max, duration } alone lets up to 2 × max start in a span that straddles
    // two windows; evenly spaced slots keep the starts in every span of durationMs to max.
    limiter: rateLimit && { max: 1, duration: Math.ceil(rateLimit.durationMs / rateLimit.max) },
    // Started once the whole application is up (onApplicationBootstrap), not when
    // @nestjs/bullmq builds it: no job is taken before WebcomService and its module are ready.
    autorun: false,
  };
}

/**
 * A `@Processor` of the queue `options.queueName`, or, with `runWorker: false`, a plain
 * `WebcomQueueWorker` that `@nestjs/bullmq` leaves alone. A class of its own for each queue:
 * the decorator's metadata lives on the class, and every queue has its name and settings.
 */
export function createWebcomQueueWorker(
  options: ResolvedWebcomQueueOptions,
  moduleRef: ModuleRef,
  telemetry: WebcomQueueTelemetry,
): WebcomQueueWorker {
  if (!options.runWorker) return new WebcomQueueWorker(options, moduleRef, telemetry);
  const QueueWorker = class extends WebcomQueueWorker {};
  Processor({ name: options.queueName }, workerOptionsOf(options))(QueueWorker);
  return new QueueWorker(options, moduleRef, telemetry);
}

/**
 * The queue's BullMQ worker in this process, built by `@nestjs/bullmq` on the queue's
 * connection: sends each job through the account's `WebcomService` and keeps its `SendResult` as
 * the job's return value.
 *
 * Shutdown holds in every module order: on module destroy the worker stops taking jobs and waits
 * for the ones in flight, and `WebcomService` closes its HTTP agents only in
 * `onApplicationShutdown`, which Nest runs after every module's `onModuleDestroy`.
 */
export class WebcomQueueWorker
  extends WorkerHost<Worker<WebcomJobData, SendResult>>
  implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger: Logger;
  private sender?: WebcomService;

  constructor(
    private readonly options: ResolvedWebcomQueueOptions,
    private readonly moduleRef: ModuleRef,
    private readonly telemetry: WebcomQueueTelemetry,
  ) {
    super();
    this.logger = new Logger(`WebcomQueue:${options.queueName}`);
  }

  /** Fails the boot, before any job is taken, when there is no WebcomService to send with. */
  onModuleInit(): void {
    if (this.options.runWorker) this.sender = this.service();
  }

  onApplicationBootstrap(): void {
    if (!this.options.runWorker) return;
    const worker = this.built();
    if (!worker) {
      throw new Error(
        `WebcomQueueModule's worker of queue "${this.options.queueName}" was not built: ` +
          'with BullModule.forRoot({ extraOptions: { manualRegistration: true } }), call ' +
          "BullRegistrar.register() in a module's onModuleInit, or set runWorker: false",
      );
    }
    // run() settles when the worker closes; its failures arrive as 'error' events as well.
    worker.run().catch((error: unknown) => this.onError(error as Error));
  }

  /**
   * Stops taking jobs at the first shutdown hook and waits for the ones in flight, so none is
   * cut off mid-send.
   */
  async onModuleDestroy(): Promise<void> {
    await this.built()?.close();
  }

  /**
   * The BullMQ worker's `process`: one job, one gateway request, in a span that continues the
   * enqueue's trace.
   */
  process(job: Job<WebcomJobData, SendResult>): Promise<SendResult> {
    const { channel, dto, part, parts, trace } = job.data;
    const facts = {
      channel,
      recipients: Array.isArray(dto.to) ? dto.to.length : 1,
      part,
      parts,
      attempt: job.attemptsMade + 1,
    };
    return this.telemetry.process(trace, facts, (scope) => this.run(job, scope));
  }

  private async run(job: Job<WebcomJobData, SendResult>, scope: JobScope): Promise<SendResult> {
    const worker = this.worker;
    const client = await redisClientOf(worker);
    const jobKey = worker.toKey(job.id!);
    const claim = await claimSend(client, jobKey);
    if (claim === 'gone') throw new UnrecoverableError('the job was removed before it was sent');
    if (claim === 'held') {
      scope.failed(INTERRUPTED, true);
      throw await this.fail(job, { possiblyDelivered: true, error: INTERRUPTED });
    }

    try {
      return await this.sender!.send(job.data.channel, job.data.dto as never);
    } catch (error) {
      const verdict = judge(error);
      if (verdict !== 'unknown') await releaseSend(client, jobKey);
      const failure = { possiblyDelivered: verdict === 'unknown', error: describe(error) };
      scope.failed(error, failure.possiblyDelivered);
      if (verdict === 'retry' && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw error;
      throw await this.fail(job, failure);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    if (job) this.logger.warn(`job ${job.id} (${job.name}) failed: ${error.message}`);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.error(`worker: ${error.message}`);
  }

  /** The Worker @nestjs/bullmq built for this processor, if it did. */
  private built(): Worker<WebcomJobData, SendResult> | undefined {
    if (!this.options.runWorker) return undefined;
    try {
      return this.worker;
    } catch {
      return undefined;
    }
  }

  /** Looked up across modules, so WebcomModule needs neither isGlobal nor an import here. */
  private service(): WebcomService {
    const { account } = this.options;
    try {
      return this.moduleRef.get<WebcomService>(getWebcomToken(account), { strict: false });
    } catch {
      const accounts = registeredAccounts(this.moduleRef);
      const existing = accounts.length
        ? `accounts registered: ${accounts.join(', ')}`
        : 'no account is registered';
      throw new Error(
        `WebcomQueueModule runs a worker but no WebcomService is registered for ` +
          `${describeAccount(account)} (${existing}): import WebcomModule anywhere in the app ` +
          'with that account, name an account that is registered, or set runWorker: false',
      );
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
