import { lastCode } from './call-recording.js';
import type { SimulatedGateway } from './simulated-gateway.js';
import type {
  FailNextOptions,
  StatusStep,
  WebcomCallRecord,
  WebcomSentRecord,
} from './webcom-testing.types.js';

/**
 * The gateway `WebcomTestingModule` simulates for an account, as a test reads and scripts it:
 * what was sent, every call, and what the gateway answers next. Get it with
 * `moduleRef.get(WebcomTestingGateway)` (or `getWebcomTestingGatewayToken(name)` for a named
 * account).
 */
export class WebcomTestingGateway {
  constructor(private readonly gateway: SimulatedGateway) {}

  /** Every send the gateway accepted, in order. */
  get sent(): readonly WebcomSentRecord[] {
    return this.gateway.sent;
  }

  /** Every call of a gateway method, refused ones included, in the order they were made. */
  get calls(): readonly WebcomCallRecord[] {
    return this.gateway.calls;
  }

  /** The balance now: the starting one less the price of every message sent. */
  get balance(): number {
    return this.gateway.balance;
  }

  /** Sets what `getBalance` reports (and what sends pay from). */
  setBalance(balance: number, currency?: string): void {
    this.gateway.balance = balance;
    if (currency !== undefined) this.gateway.currency = currency;
  }

  /**
   * What the next status reads of `id` return, in order; the last one repeats. An id that
   * was never sent is fine: the test decides what the gateway knows.
   *
   * @example webcom.setStatus(id, 'send', 'deliver', 'read')
   * @example webcom.setStatus(id, { state: 'deliver', code: '4821' })
   */
  setStatus(id: string, ...steps: StatusStep[]): void {
    this.gateway.setStatus(id, steps);
  }

  /**
   * The next call (of `options.method` only, if given) rejects with `error` once it has
   * passed validation: the gateway throws it for that call's request, and the service handles
   * it as a network failure (a `failed` event; one request of a split send makes a
   * `WebcomPartialSendError`). Queued failures apply in the order given.
   *
   * @example webcom.failNext(new WebcomTransportError('ETIMEDOUT', true, 'timed out'), { method: 'sendSms' })
   */
  failNext(error: Error, options?: FailNextOptions): void {
    this.gateway.failNext(error, options);
  }

  /**
   * The last verification code sent to `to` (`WebcomVerificationService`'s, or a flashcall's
   * from its status), so a test can complete a verification: `check(id, webcom.lastCode(to)!)`.
   */
  lastCode(to: string): string | undefined {
    return lastCode(this.gateway, to);
  }

  /** Back to the start: no records, no queued failures or statuses, the starting balance. */
  reset(): void {
    this.gateway.reset();
  }
}

/**
 * The former name of `WebcomTestingGateway` (it is no Nest controller); the same class.
 * @deprecated Use `WebcomTestingGateway`; this alias goes in the next minor version.
 */
export const WebcomTestingController = WebcomTestingGateway;
/** @deprecated Use `WebcomTestingGateway`; this alias goes in the next minor version. */
export type WebcomTestingController = WebcomTestingGateway;
