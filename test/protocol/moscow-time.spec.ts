import fc from 'fast-check';
import { formatValidityMinute, isWireDate, toWireDate } from '../../lib/protocol/moscow-time.js';

/** An independent oracle: the IANA zone database's idea of Moscow's wall clock. */
const moscowClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Moscow',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function moscowWallClock(date: Date): string {
  const part = (type: string) =>
    moscowClock.formatToParts(date).find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

describe('formatValidityMinute', () => {
  it.each([
    ['2026-11-27T21:30:00Z', '2026-11-28 00:30'],
    ['2026-11-27T21:30:59.999Z', '2026-11-28 00:30'],
    ['2026-12-31T21:00:00Z', '2027-01-01 00:00'],
    ['2026-12-31T20:59:00Z', '2026-12-31 23:59'],
    ['2028-02-28T22:15:00Z', '2028-02-29 01:15'],
    ['2026-07-01T12:00:00Z', '2026-07-01 15:00'], // no summer time: still UTC+3
    ['2026-01-15T12:00:00Z', '2026-01-15 15:00'],
    ['2026-03-05T01:02:00+05:00', '2026-03-04 23:02'],
  ])('%s is %s in Moscow', (iso, wire) => {
    expect(formatValidityMinute(new Date(iso))).toBe(wire);
  });

  it("does not depend on the machine's time zone", () => {
    // The same instant, written with different offsets, is one Moscow minute.
    const instants = [
      '2026-11-27T21:30:00Z',
      '2026-11-27T16:30:00-05:00',
      '2026-11-28T06:30:00+09:00',
    ];
    expect(new Set(instants.map((iso) => formatValidityMinute(new Date(iso))))).toEqual(
      new Set(['2026-11-28 00:30']),
    );
  });

  it('agrees with the IANA zone for Europe/Moscow since it settled on UTC+3 (2014-10-26)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2014-10-26T00:00:00Z'),
          max: new Date('2099-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const wire = formatValidityMinute(date);
          expect(wire).toBe(moscowWallClock(date));
          expect(isWireDate(wire)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('isWireDate', () => {
  it.each([
    '2026-11-27 10:00',
    '2026-01-01 00:00',
    '2026-12-31 23:59',
    '2028-02-29 12:00', // leap year
    '2000-02-29 12:00', // divisible by 400
    '2026-04-30 08:30',
  ])('accepts %j', (value) => {
    expect(isWireDate(value)).toBe(true);
  });

  it.each([
    '2026-02-30 10:00',
    '2026-02-29 10:00', // not a leap year
    '2100-02-29 10:00', // divisible by 100, not by 400
    '2026-04-31 10:00',
    '2026-13-01 10:00',
    '2026-00-10 10:00',
    '2026-01-00 10:00',
    '2026-01-32 10:00',
    '2026-01-01 24:00',
    '2026-01-01 23:60',
    '2026-1-1 1:1',
    '2026-01-01 1:01',
    '2026-11-27T10:00',
    '2026-11-27 10:00:00',
    '2026-11-27 10:00Z',
    ' 2026-11-27 10:00',
    '2026-11-27 10:00 ',
    '2026-11-27  10:00',
    '2026-11-27',
    '10:00',
    '',
    '27.11.2026 10:00',
    '２０２６-11-27 10:00', // full-width digits
  ])('refuses %j', (value) => {
    expect(isWireDate(value)).toBe(false);
  });

  it('accepts exactly the real minutes of the calendar', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1970, max: 2200 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        (year, month, day, hour, minute) => {
          const pad = (n: number) => String(n).padStart(2, '0');
          const text = `${year}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}`;
          const daysInMonth =
            month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
          const real = day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59;
          expect(isWireDate(text)).toBe(real);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('toWireDate', () => {
  it('writes a Date in Moscow time', () => {
    expect(toWireDate(new Date('2026-11-27T21:30:00Z'))).toBe('2026-11-28 00:30');
  });

  it('passes a string through as written', () => {
    expect(toWireDate('2026-11-27 10:00')).toBe('2026-11-27 10:00');
  });
});
