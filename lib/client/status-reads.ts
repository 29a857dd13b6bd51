import type { Observable } from 'rxjs';
import { WebcomTransportError } from '../errors/webcom-errors.js';
import type { MessageStatus } from '../protocol/results.js';
import { StatusBudget } from '../tracking/status-budget.js';
import { StatusPoller } from '../tracking/status-poller.js';
import type { TrackOptions } from '../tracking/track-options.js';
import type { ResolvedWebcomOptions } from '../webcom-options.js';
import type { WebcomEventStream } from './event-stream.js';
import type { RetryHooks } from '../transport/gateway-transport.js';
import type { WebcomGatewayClient } from './gateway-client.js';
import type { MessageStateMemory } from './message-states.js';

/**
 * The status reads of one account, all under its budget (`statusRequestsPerSecond`): one read,
 * many, or polling until settled (or final). Ids come validated from `WebcomService`. Every read
 * that fails is reported on `events$`, and every status read is noted in the state memory.
 */
export class WebcomStatusReads {
  private readonly poller: StatusPoller;
  /** A retry of a read draws from the budget too, and a 429 or 503 on the way slows the account. */
  private readonly retryHooks: RetryHooks;

  constructor(
    private readonly gateway: WebcomGatewayClient,
    private readonly states: MessageStateMemory,
    private readonly events: WebcomEventStream,
    private readonly options: ResolvedWebcomOptions,
    account = 'default',
  ) {
    const budget = new StatusBudget(
      options.statusRequestsPerSecond,
      options.statusLimiter,
      account,
    );
    this.poller = new StatusPoller(
      (id) => this.readOnce(id),
      budget,
      options.timeoutMs,
      gateway.shutdown,
    );
    this.retryHooks = {
      retrying: ({ status, retryAfterMs }) => {
        if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
          budget.pushback(retryAfterMs);
        }
      },
      beforeRetry: () =>
        budget.takeDirect(
          options.timeoutMs,
          () =>
            new WebcomTransportError(
              'ETIMEDOUT',
              false,
              `no status read was free for the retry within ${options.timeoutMs} ms`,
            ),
          true,
        ),
    };
  }

  /** One read, before any polling; a failure reported as a failed status call. */
  getStatus(id: string): Promise<MessageStatus> {
    return this.events.reporting('status', () => this.poller.getStatus(id));
  }

  /** Reads in the order of `ids`, at most `concurrency` (the account's) in flight. */
  getStatuses(ids: readonly string[]): Promise<MessageStatus[]> {
    return this.poller.getStatuses(ids, this.options.concurrency, (id) => this.getStatus(id));
  }

  /** Ends with `ESHUTDOWN` as soon as the gateway client closes. */
  waitForFinalStatus(id: string, options?: TrackOptions): Promise<MessageStatus> {
    return this.poller.waitFor(id, options, this.options.concurrency);
  }

  /** Errors with `ESHUTDOWN` as soon as the gateway client closes. */
  trackDelivery(ids: readonly string[], options?: TrackOptions): Observable<MessageStatus> {
    return this.poller.track(ids, options, this.options.concurrency);
  }

  /** The one read every status read is, once its slot is taken. */
  private async readOnce(id: string): Promise<MessageStatus> {
    try {
      const status = await this.gateway.status(id, this.retryHooks);
      this.states.note(status);
      return status;
    } catch (error) {
      this.events.report('status', error);
      throw typeof error === 'object' && error ? this.events.reportedAlready(error) : error;
    }
  }
}
