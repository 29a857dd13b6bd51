import { randomInt } from 'node:crypto';
import { EMULATED_CHANNELS } from './send-rules.js';
import type { DeliveryState, FakeMessage } from './types.js';

/**
 * How the last digits of a recipient decide a message's final state; any other number is
 * delivered (and, on Viber, Telegram and WhatsApp, read).
 */
export const FINAL_STATE_BY_ENDING: Readonly<Record<string, DeliveryState>> = {
  '000': 'not_deliver',
  '999': 'expired',
  '998': 'partly_deliver',
};

/** A message as a send creates it, before it has an id, a state or a code. */
export type NewMessage = Omit<FakeMessage, 'id' | 'state' | 'updatedAt' | 'code'>;

/**
 * The emulator's messages by id. States advance lazily from `sentAt`: `send`, then `deliver`
 * after `deliverAfterMs`, then `read` after `readAfterMs` more where the channel reports reading;
 * the recipient's ending (`FINAL_STATE_BY_ENDING`) decides other final states. A pinned message
 * keeps the state a test set.
 */
export class FakeMessageStore {
  private readonly store = new Map<string, FakeMessage>();
  private readonly pinned = new Set<string>();
  private nextMessageId = 112346;

  constructor(
    private readonly deliverAfterMs: number,
    private readonly readAfterMs: number,
  ) {}

  /** Messages by id, in sending order, their states brought up to date. */
  all(): ReadonlyMap<string, FakeMessage> {
    const now = Date.now();
    for (const message of this.store.values()) this.refresh(message, now);
    return this.store;
  }

  /** Stores a new message and answers its id; a flashcall's carries a random 4-digit code. */
  add(message: NewMessage): string {
    const id = String(this.nextMessageId++);
    this.store.set(id, {
      ...message,
      id,
      state: 'send',
      updatedAt: message.sentAt,
      code:
        message.channel === 'flashcall' ? String(randomInt(0, 10_000)).padStart(4, '0') : undefined,
    });
    return id;
  }

  /** The message `id`, its state brought up to date. */
  read(id: string): FakeMessage | undefined {
    const message = this.store.get(id);
    if (message) this.refresh(message, Date.now());
    return message;
  }

  /** Pins a message's state (and flashcall code, if given); it no longer advances by itself. */
  pin(id: string, state: DeliveryState, code?: string): void {
    const message = this.store.get(id);
    if (!message) throw new Error(`No message with id ${id}`);
    this.pinned.add(id);
    message.state = state;
    message.updatedAt = Date.now();
    if (code !== undefined) message.code = code;
  }

  private refresh(message: FakeMessage, now: number): void {
    if (this.pinned.has(message.id)) return;
    const deliveredAt = message.sentAt + this.deliverAfterMs;
    const readAt = deliveredAt + this.readAfterMs;
    const ending = FINAL_STATE_BY_ENDING[message.to.slice(-3)];
    let state: DeliveryState = 'deliver';
    let at = deliveredAt;
    if (now < deliveredAt) [state, at] = ['send', message.sentAt];
    else if (ending) state = ending;
    else if (EMULATED_CHANNELS[message.channel].readReceipt && now >= readAt)
      [state, at] = ['read', readAt];
    message.state = state;
    message.updatedAt = at;
  }
}
