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
  time?: string;
  /** The activation code a flashcall carried. */
  code?: string;
}

export interface Balance {
  balance: number;
  currency?: string;
}

export interface RegistrationResult {
  status: number;
  body: string;
}
