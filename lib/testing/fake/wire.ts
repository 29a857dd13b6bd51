/** The gateway keeps Moscow time: UTC+3 all year (docs/protocol.md §1). */
const MOSCOW_OFFSET_MS = 3 * 60 * 60 * 1000;

const DATE_TIME_MINUTES = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;

/** `YYYY-MM-DD HH:MM:SS` in Moscow time, as the status call's `time`. */
export function formatStatusTime(epochMs: number): string {
  return new Date(epochMs + MOSCOW_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Reads a `YYYY-MM-DD HH:MM` Moscow time into epoch ms; `undefined` when it is not that format or
 * not a real date (e.g. `2026-02-30 10:00`, `2026-01-01 24:00`).
 */
export function parseMoscowMinute(value: string): number | undefined {
  const match = DATE_TIME_MINUTES.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const utc = Date.UTC(year, month - 1, day, hour, minute);
  const normalised = new Date(utc);
  const sameFields =
    normalised.getUTCFullYear() === year &&
    normalised.getUTCMonth() === month - 1 &&
    normalised.getUTCDate() === day &&
    normalised.getUTCHours() === hour &&
    normalised.getUTCMinutes() === minute;
  return sameFields ? utc - MOSCOW_OFFSET_MS : undefined;
}

/** Prices travel with 7 decimals (`"10.6000000"`). */
export function formatPrice(price: number): string {
  return price.toFixed(7);
}

/** Balances travel with 2 decimals (`"143777.36"`). */
export function formatBalance(balance: number): string {
  return balance.toFixed(2);
}

/** Keeps money exact to the 7 decimals prices carry, so repeated debits do not drift. */
export function roundMoney(amount: number): number {
  return Math.round(amount * 1e7) / 1e7;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** Splits a request target into its raw path and its decoded parameters. */
export function splitTarget(url: string): { path: string; params: URLSearchParams } {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return { path: url, params: new URLSearchParams() };
  return {
    path: url.slice(0, queryStart),
    params: new URLSearchParams(url.slice(queryStart + 1)),
  };
}
