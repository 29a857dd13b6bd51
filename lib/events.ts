import type { Channel } from './protocol/channels.js';
import type { DeliveryState, SentMessage } from './protocol/results.js';

/** The kind of call an event is about. */
export type WebcomOperation = 'send' | 'status' | 'balance' | 'register';

/** A send went through (or the part of a split send that did). */
export interface WebcomSentEvent {
  /** Tells this event from the other `WebcomEvent`s. */
  type: 'sent';
  /** The channel sent on (the primary one, for a cascade). */
  channel: Channel;
  /** How many recipients the send (or this part of it) had. */
  recipients: number;
  /** The gateway's ids and prices for the messages, without recipients: events carry no phone numbers. */
  messages: Omit<SentMessage, 'to'>[];
  /** What is left on the account, when the gateway said. */
  balance?: number;
  /** Only with the option `includeTextInEvents`. */
  text?: string;
}

/** A call failed; the error is named, never carried (it could be logged whole). */
export interface WebcomFailedEvent {
  /** Tells this event from the other `WebcomEvent`s. */
  type: 'failed';
  /** The kind of call that failed. */
  operation: WebcomOperation;
  /** The channel, for a send. */
  channel?: Channel;
  /** How many recipients the failed send had. */
  recipients?: number;
  /** The error's class name, e.g. `WebcomTransportError`. */
  error: string;
  /** The error's message, free of secrets. */
  message: string;
  /** True when a send may have reached the gateway anyway (see `WebcomTransportError`). */
  possiblyDelivered: boolean;
}

/** A message's delivery state was seen to change. */
export interface WebcomStatusEvent {
  /** Tells this event from the other `WebcomEvent`s. */
  type: 'status';
  /** The message's id. */
  id: string;
  /** The state now. */
  state: DeliveryState;
  /** The state seen before, if any was seen. */
  previous?: DeliveryState;
  /** The vendor's final: the state can no longer change. */
  final: boolean;
  /** `deliver` or a final state: the outcome is known (`MessageStatus.settled`). */
  settled: boolean;
}

/** What `WebcomService.events$` emits: free of secrets and, by default, of message text. */
export type WebcomEvent = WebcomSentEvent | WebcomFailedEvent | WebcomStatusEvent;
