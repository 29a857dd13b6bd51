import type { Observable } from 'rxjs';
import { assertMessageId } from '../dto/checks.js';
import type { MessageStatus } from '../protocol/results.js';
import {
  getStatuses,
  trackDelivery,
  waitForFinalStatus,
  type TrackOptions,
} from '../tracking/delivery-tracking.js';
import type { WebcomEventStream } from './event-stream.js';
import type { WebcomGatewayClient } from './gateway-client.js';
import type { MessageStateMemory } from './message-states.js';

/**
 * Status reads of an account: one read, many, or polling until final. Every read goes through
 * `getStatus`, so each one is checked, reported on failure and noted in the state memory.
 */
export class WebcomDeliveryTracker {
  constructor(
    private readonly gateway: WebcomGatewayClient,
    private readonly states: MessageStateMemory,
    private readonly events: WebcomEventStream,
    private readonly concurrency: number,
  ) {}

  getStatus(id: string): Promise<MessageStatus> {
    return this.events.reporting('status', async () => {
      assertMessageId(id);
      const status = await this.gateway.status(id);
      this.states.note(status);
      return status;
    });
  }

  getStatuses(ids: readonly string[]): Promise<MessageStatus[]> {
    return getStatuses(this.read, ids, this.concurrency);
  }

  waitForFinalStatus(id: string, options?: TrackOptions): Promise<MessageStatus> {
    return waitForFinalStatus(this.read, id, options);
  }

  trackDelivery(ids: readonly string[], options?: TrackOptions): Observable<MessageStatus> {
    return trackDelivery(this.read, ids, { concurrency: this.concurrency, ...options });
  }

  /** Through `this.getStatus` at call time, so a wrapper set on the instance sees every read. */
  private readonly read = (id: string) => this.getStatus(id);
}
