/** The gateway's clock: Moscow, UTC+3 all year round. */
const MOSCOW_OFFSET_MS = 3 * 60 * 60 * 1000;

const WIRE_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD HH:MM` in Moscow time, the form of `validity_period`. */
export function formatValidityMinute(date: Date): string {
  const moscow = new Date(date.getTime() + MOSCOW_OFFSET_MS);
  return (
    `${moscow.getUTCFullYear()}-${pad(moscow.getUTCMonth() + 1)}-${pad(moscow.getUTCDate())} ` +
    `${pad(moscow.getUTCHours())}:${pad(moscow.getUTCMinutes())}`
  );
}

/** True for a strict `YYYY-MM-DD HH:MM` that names a real minute of the calendar. */
export function isWireDate(value: string): boolean {
  const match = WIRE_DATE.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60
  );
}

/** A `validUntil` as the wire writes it: a Date in Moscow time, a string as given. */
export function toWireDate(value: Date | string): string {
  return value instanceof Date ? formatValidityMinute(value) : value;
}
