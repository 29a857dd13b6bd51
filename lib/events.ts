import type { Channel } from './protocol/channels.js';
import type { DeliveryState, SentMessage } from './protocol/results.js';

export type WebcomOperation = 'send' | 'status' | 'balance' | 'register';

/** A send went through (or the part of a split send that did). */
export interface WebcomSentEvent {
  type: 'sent';
  channel: Channel;
  recipients: number;
  messages: SentMessage[];
  balance?: number;
  /** Only with the option `includeTextInEvents`. */
  text?: string;
}

/** A call failed; the error is named, never carried (it could be logged whole). */
export interface WebcomFailedEvent {
  type: 'failed';
  operation: WebcomOperation;
  channel?: Channel;
  recipients?: number;
  error: string;
  message: string;
  possiblyDelivered: boolean;
}

/** A message's delivery state was seen to change. */
export interface WebcomStatusEvent {
  type: 'status';
  id: string;
  state: DeliveryState;
  previous?: DeliveryState;
  /** The vendor's final: the state can no longer change. */
  final: boolean;
  /** `deliver` or a final state: the outcome is known (`MessageStatus.settled`). */
  settled: boolean;
}

/** What `WebcomService.events$` emits: free of secrets and, by default, of message text. */
export type WebcomEvent = WebcomSentEvent | WebcomFailedEvent | WebcomStatusEvent;
