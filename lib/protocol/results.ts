/** What one message of a send cost, and the id to ask its status with. */
export interface SentMessage {
  id: string;
  /** The message's price; `NaN` when the gateway answered in the plain-text form, which has none. */
  price: number;
}

export interface SendResult {
  /** One entry per message, in the gateway's order. */
  messages: SentMessage[];
  /** What is left on the account after the send, when the gateway said. */
  balance?: number;
}

export type DeliveryState =
  'send' | 'deliver' | 'read' | 'not_deliver' | 'expired' | 'partly_deliver';

export interface MessageStatus {
  id: string;
  state: DeliveryState;
  /** True when the state can no longer change. */
  final: boolean;
  time?: string;
  /** The activation code a flashcall carried. */
  code?: string;
}

export interface Balance {
  balance: number;
  currency?: string;
}

/** What the registration page answered (docs/protocol.md §4). */
export interface RegistrationResult {
  /** True for a 2xx page; false for a 4xx page, which refuses the registration. */
  accepted: boolean;
  /**
   * The page's visible text, without tags, shortened to 500 characters, and scrubbed of the
   * account's secrets and of the new account's password; absent when the page has none.
   */
  message?: string;
  /** The page's HTTP status. */
  status: number;
}
