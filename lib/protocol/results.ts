/** One message the gateway accepted: its id (to ask its status with), its recipient, its cost. */
export interface SentMessage {
  /** Opaque: kept as the gateway wrote it, never through a number. */
  id: string;
  /** The recipient, as international digits (`79991234567`). */
  to: string;
  /**
   * The message's price. Absent when the gateway gave none that reads as a finite,
   * non-negative number (the plain-text answer has none; `""`, `null`, `"NaN"` happen).
   */
  price?: number;
}

export interface SendResult {
  /**
   * One entry per distinct recipient, in the order of the request's `to`: a number given twice
   * got one message.
   */
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
