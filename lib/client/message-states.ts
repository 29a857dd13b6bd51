import type { DeliveryState, MessageStatus } from '../protocol/results.js';
import type { WebcomEventStream } from './event-stream.js';

/** How many message states an account remembers to report changes on `events$`. */
export const REMEMBERED_STATES = 10_000;

/**
 * The last state seen of the most recently changed messages, so that a status read emits a
 * `status` event only when the state changed.
 */
export class MessageStateMemory {
  private readonly lastStates = new Map<string, DeliveryState>();

  constructor(private readonly events: WebcomEventStream) {}

  /** Emits a `status` event when a message's state differs from the last one seen. */
  note(status: MessageStatus): void {
    const previous = this.lastStates.get(status.id);
    if (previous === status.state) return;
    // Re-inserted so that the oldest entry is the least recently changed one.
    this.lastStates.delete(status.id);
    this.lastStates.set(status.id, status.state);
    if (this.lastStates.size > REMEMBERED_STATES) {
      this.lastStates.delete(this.lastStates.keys().next().value!);
    }
    this.events.emit({
      type: 'status',
      id: status.id,
      state: status.state,
      ...(previous ? { previous } : {}),
      final: status.final,
      settled: status.settled,
    });
  }
}
