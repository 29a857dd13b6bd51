import fc from 'fast-check';
import { isPossibleInternationalDigits, toInternationalDigits } from '../../lib/protocol/phone.js';

describe('toInternationalDigits', () => {
  it.each([
    ['+7 (999) 123-45-67', '79991234567'],
    ['8 999 123 45 67', '79991234567'],
    ['79991234567', '79991234567'],
    ['+79991234567', '79991234567'],
    ['8(999)1234567', '79991234567'],
    ['9991234567', '79991234567'], // national number without a prefix: read as Russian
    ['  +7 999 123-45-67  ', '79991234567'],
    ['+380 50 123 4567', '380501234567'],
    ['380501234567', '380501234567'], // international digits without '+'
    ['+1 202 555 0143', '12025550143'],
    ['+44 20 7946 0958', '442079460958'],
    ['+49 151 12345678', '4915112345678'],
    ['+81 3 1234 5678', '81312345678'],
    ['+7 495 123-45-67', '74951234567'], // a Moscow landline
  ])('%j becomes %j', (input, digits) => {
    expect(toInternationalDigits(input)).toBe(digits);
  });

  it.each([
    'abc',
    '12345',
    '',
    '   ',
    '12345678',
    '00000000',
    '000000000000',
    '+7',
    '+7 999',
    'phone: 7999',
    '7(999)1234567)',
    '+7 999) 123-45-67',
    '+7 (999 123-45-67',
    '+7 )999( 123-45-67',
    '+7 (999) (123) 45-67',
  ])('%j is no phone number', (input) => {
    expect(toInternationalDigits(input)).toBeUndefined();
  });

  it('every way of typing a Russian mobile number gives the same digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^9\d{9}$/), (national) => {
        const [a, b, c, d] = [
          national.slice(0, 3),
          national.slice(3, 6),
          national.slice(6, 8),
          national.slice(8),
        ];
        const expected = `7${national}`;
        for (const typed of [
          `+7 (${a}) ${b}-${c}-${d}`,
          `8 ${a} ${b} ${c} ${d}`,
          `8${national}`,
          `7${national}`,
          `+7${national}`,
          national,
        ]) {
          expect(toInternationalDigits(typed)).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('isPossibleInternationalDigits', () => {
  it.each(['79991234567', '380501234567', '12025550143', '81312345678', '4915112345678'])(
    'accepts %j',
    (digits) => {
      expect(isPossibleInternationalDigits(digits)).toBe(true);
    },
  );

  it.each([
    '',
    'abc',
    '+79991234567',
    '7 999 123 45 67',
    '12345678',
    '00000000',
    '000000000000',
    '0079991234567',
  ])('refuses %j', (digits) => {
    expect(isPossibleInternationalDigits(digits)).toBe(false);
  });

  it('accepts whatever toInternationalDigits gives, foreign numbers included', () => {
    // A Japanese number's digits start with 8: read as Russian again, they would change.
    expect(isPossibleInternationalDigits(toInternationalDigits('+81 3 1234 5678')!)).toBe(true);
    fc.assert(
      fc.property(fc.stringMatching(/^\+?[1-9]\d{6,14}$/), (typed) => {
        const digits = toInternationalDigits(typed);
        if (digits !== undefined) expect(isPossibleInternationalDigits(digits)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the fast path for 7 and ten digits', () => {
  it('gives what libphonenumber itself gives, for any ten digits', async () => {
    const { parsePhoneNumberFromString } = await import('libphonenumber-js');
    fc.assert(
      fc.property(fc.stringMatching(/^\d{10}$/), (national) => {
        const digits = `7${national}`;
        // The slow path's reading: as a Russian number, else as international digits.
        const asRussian = parsePhoneNumberFromString(digits, 'RU');
        const reading = asRussian?.isPossible()
          ? asRussian
          : parsePhoneNumberFromString(`+${digits}`);
        const expected = reading?.isPossible() ? reading.number.slice(1) : undefined;
        expect(toInternationalDigits(digits)).toBe(expected);
        expect(isPossibleInternationalDigits(digits)).toBe(
          parsePhoneNumberFromString(`+${digits}`)?.isPossible() === true,
        );
      }),
      { numRuns: 5000 },
    );
  });
});
