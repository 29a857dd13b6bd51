/** One message the gateway accepted: its id (to ask its status with), its recipient, its cost. */
export interface SentMessage {
  /**
   * The gateway's message id (wire `id_message`), an opaque string kept as the gateway wrote it,
   * never through a number: pass it to `getStatus`.
   */
  id: string;
  /** The recipient, as international digits (`79991234567`). */
  to: string;
  /**
   * The message's price. Absent when the gateway gave none that reads as a finite,
   * non-negative number (the plain-text answer has none; `""`, `null`, `"NaN"` happen).
   */
  price?: number;
}

/** What a send answered (docs/protocol.md §3). */
export interface SendResult {
  /**
   * The messages, in the order of the request's `to`: one per distinct recipient (a number given
   * twice got one message), except that the gateway may answer a send to a single number with
   * several ids (a long message billed per part); each then has that number as its `to`.
   */
  messages: SentMessage[];
  /** What is left on the account after the send, when the gateway said. */
  balance?: number;
}

/**
 * A message's delivery state (docs/protocol.md §3): `send` no report yet, `deliver` delivered,
 * `read` read (Viber, Telegram, WhatsApp only), `not_deliver` not delivered, `expired` unreachable
 * until it expired, `partly_deliver` sent but no report ever came.
 */
export type DeliveryState =
  'send' | 'deliver' | 'read' | 'not_deliver' | 'expired' | 'partly_deliver';

/** A message's status, as `getStatus` read it. */
export interface MessageStatus {
  /** The message's id. */
  id: string;
  /** Its delivery state. */
  state: DeliveryState;
  /**
   * The vendor's final: `read`, `not_deliver`, `expired` or `partly_deliver`, after which the state
   * never changes (docs/protocol.md §3).
   */
  final: boolean;
  /**
   * `deliver` or a final state: the outcome is known. An SMS, a voice call or a flashcall never
   * goes past `deliver`, so this is where waiting for one ends (docs/protocol.md §5, D11).
   */
  settled: boolean;
  /** When the state was reached, as the gateway wrote it (Moscow time); absent while `send`. */
  time?: string;
  /** The activation code a flashcall carried. */
  code?: string;
}

/** What `getBalance` read. */
export interface Balance {
  /** The amount left on the account. */
  balance: number;
  /** The currency, when the gateway names it (its plain-text answer does). */
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
