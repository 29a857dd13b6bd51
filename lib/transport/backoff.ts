const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;
/** A server's Retry-After is honoured up to this; past it the call fails rather than hangs. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** Exponential backoff with full jitter: retries of many clients spread instead of bunching. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt));
}

/** Retry-After in milliseconds, from delta-seconds or an HTTP date; `undefined` if absent or bad. */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
