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

/** The last instant `YYYY-MM-DD HH:MM` can write: 9999-12-31 23:59 in Moscow. */
const LAST_WIRE_INSTANT = Date.UTC(9999, 11, 31, 23, 59) - MOSCOW_OFFSET_MS;

/** The instant a valid `YYYY-MM-DD HH:MM` (Moscow time) names. */
function wireDateInstant(value: string): number {
  const [year, month, day, hour, minute] = WIRE_DATE.exec(value)!.slice(1).map(Number);
  const utc = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute);
  return utc.getTime() - MOSCOW_OFFSET_MS;
}

/**
 * The time of a `Date`; `undefined` for an object that only inherits from `Date.prototype` (its
 * methods throw a `TypeError` on anything but a real date).
 */
export function dateTime(value: Date): number | undefined {
  try {
    return Date.prototype.getTime.call(value);
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with a `validUntil` at `now`, or `undefined`: a Date or a real
 * `YYYY-MM-DD HH:MM` (Moscow time), after `now` and writable in four-digit years.
 */
export function validUntilProblem(value: unknown, now: number): string | undefined {
  let instant: number;
  if (value instanceof Date) {
    instant = dateTime(value) ?? NaN;
    if (Number.isNaN(instant)) return 'must be a valid Date';
  } else if (typeof value === 'string' && isWireDate(value)) {
    instant = wireDateInstant(value);
  } else {
    return 'must be a Date or a real date written YYYY-MM-DD HH:MM (Moscow time)';
  }
  if (instant <= now) return 'must be in the future';
  if (instant > LAST_WIRE_INSTANT) return 'must be before the year 10000';
  return undefined;
}
