import { throwError, type Observable } from 'rxjs';
import { assertMessageId, toMessageIds } from '../dto/message-ids.js';
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
 * Status reads of an account: one read, many, or polling until settled (or final). Every read goes through
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

  /** One id or an array of ids: a string is one id, never its characters. */
  async getStatuses(ids: string | readonly string[]): Promise<MessageStatus[]> {
    return getStatuses(this.read, this.messageIds(ids), this.concurrency);
  }

  /** Ends with `ESHUTDOWN` as soon as the gateway client closes. */
  waitForFinalStatus(id: string, options?: TrackOptions): Promise<MessageStatus> {
    return waitForFinalStatus(this.read, id, options, this.gateway.shutdown);
  }

  /**
   * One id or an array of ids; anything else errors the stream with a WebcomValidationError.
   * Errors with `ESHUTDOWN` as soon as the gateway client closes.
   */
  trackDelivery(
    ids: string | readonly string[],
    options?: TrackOptions,
  ): Observable<MessageStatus> {
    let checked: string[];
    try {
      checked = this.messageIds(ids);
    } catch (error) {
      return throwError(() => error);
    }
    return trackDelivery(
      this.read,
      checked,
      { concurrency: this.concurrency, ...options },
      this.gateway.shutdown,
    );
  }

  /** The ids checked; refused ones reported as a failed status call (each read reports its own). */
  private messageIds(ids: unknown): string[] {
    try {
      return toMessageIds(ids);
    } catch (error) {
      this.events.report('status', error);
      throw error;
    }
  }

  /** Through `this.getStatus` at call time, so a wrapper set on the instance sees every read. */
  private readonly read = (id: string) => this.getStatus(id);
}
