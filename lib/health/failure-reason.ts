import { maskPhoneNumbers } from '../errors/phone-masking.js';
import { WebcomApiError, WebcomError, WebcomTransportError } from '../errors/webcom-errors.js';

/** Longest reason a health check shows for an error from outside the library. */
const MAX_FOREIGN_REASON_CHARS = 200;

/**
 * Why a balance read failed, in a few words fit for a health endpoint that monitoring tools,
 * dashboards and sometimes the public read: the gateway's status or the transport's code, never
 * the gateway's text (an HTML page, a PHP fatal with its file and line, echoed numbers). The
 * error itself reaches the server's log where it was thrown.
 */
export function healthFailureReason(error: unknown): string {
  if (error instanceof WebcomApiError) return `gateway refused: HTTP ${error.status}`;
  if (error instanceof WebcomTransportError) return `gateway unreachable: ${error.code}`;
  if (error instanceof WebcomError) return error.name;
  const message = error instanceof Error ? error.message : String(error);
  // Another error (the indicator's own, or an override's): its words without markup or numbers.
  const text = maskPhoneNumbers(message.replace(/<[^<>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MAX_FOREIGN_REASON_CHARS
    ? `${text.slice(0, MAX_FOREIGN_REASON_CHARS)}…`
    : text;
}
