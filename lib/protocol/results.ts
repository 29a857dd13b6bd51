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

export interface RegistrationResult {
  status: number;
  body: string;
}
