import type { SecretRedactor } from '../errors/redaction.js';
import { maskPhoneNumbers } from '../errors/phone-masking.js';
import { WebcomApiError } from '../errors/webcom-errors.js';

/**
 * Reads may be repeated freely; a send only while it provably never left (see
 * `WebcomTransportError.possiblyDelivered`): repeating one that reached the gateway would bill and message twice.
 */
export type CallKind = 'read' | 'send';

/** A gateway answer as the transport read it. */
export interface GatewayResponse {
  /** The HTTP status. */
  status: number;
  /** The body as text. */
  body: string;
}

/** A caller's part in the retries of one call (a status read's retries share the account's budget). */
export interface RetryHooks {
  /** Told of each retry before its wait: `status` for an HTTP answer, `retryAfterMs` if it said. */
  retrying?(retry: { status?: number; retryAfterMs?: number }): void;
  /** Awaited once the wait is over, before the retry goes out; a rejection ends the call. */
  beforeRetry?(): Promise<void>;
}

/**
 * What `WebcomService` needs of the network: one GET that resolves with a 2xx answer or throws a
 * `WebcomError`. `HttpTransport` is the real one; the testing module answers in memory.
 */
export interface GatewayTransport {
  /** GETs `url`, repeating a failed try only as `kind` allows; resolves with a 2xx answer. */
  get(url: string, kind: CallKind, hooks?: RetryHooks): Promise<GatewayResponse>;
  /**
   * Refuses further calls and releases the sockets, at shutdown; a promise, if returned,
   * settles once calls already on the wire have finished.
   */
  close(): void | Promise<void>;
}

const MAX_ERROR_BODY_CHARS = 500;

/** Control characters (tab and line breaks aside): binary has no place in an error. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL_RUNS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+/g;

/**
 * A gateway answer as an error: its body shortened and scrubbed of our credentials and of phone
 * numbers (masked before the cut, so that no number is cut short of its mask).
 */
export function gatewayRefusal(
  response: GatewayResponse,
  redactor: SecretRedactor,
  kind?: CallKind,
): WebcomApiError {
  const body = maskPhoneNumbers(
    redactor.redact(response.body.slice(0, MAX_ERROR_BODY_CHARS * 2)).replace(CONTROL_RUNS, ' '),
  );
  const shortened =
    body.length > MAX_ERROR_BODY_CHARS ? `${body.slice(0, MAX_ERROR_BODY_CHARS)}…` : body;
  return new WebcomApiError(response.status, shortened, kind);
}
