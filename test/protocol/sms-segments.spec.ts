import fc from 'fast-check';
import { smsSegments, splitSmsParts } from '../../lib/protocol/sms-segments.js';

/** Code unit range [first, last] as a string, to transcribe the spec tables by code point. */
function range(first: number, last: number): string {
  let text = '';
  for (let codeUnit = first; codeUnit <= last; codeUnit++) text += String.fromCharCode(codeUnit);
  return text;
}

/**
 * Oracle transcribed independently of the implementation, from the Unicode mapping of the
 * TS 23.038 default alphabet (GSM0338.TXT), in spec column order; 0x1B (escape) is omitted.
 */
const GSM7_BASIC = [
  String.fromCharCode(0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a, 0xd8),
  String.fromCharCode(0xf8, 0x0d, 0xc5, 0xe5),
  String.fromCharCode(0x394, 0x5f, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e),
  String.fromCharCode(0xc6, 0xe6, 0xdf, 0xc9),
  String.fromCharCode(0x20, 0x21, 0x22, 0x23, 0xa4) + range(0x25, 0x2f),
  range(0x30, 0x3f),
  String.fromCharCode(0xa1) + range(0x41, 0x4f),
  range(0x50, 0x5a) + String.fromCharCode(0xc4, 0xd6, 0xd1, 0xdc, 0xa7),
  String.fromCharCode(0xbf) + range(0x61, 0x6f),
  range(0x70, 0x7a) + String.fromCharCode(0xe4, 0xf6, 0xf1, 0xfc, 0xe0),
].join('');
const GSM7_EXTENSION = String.fromCharCode(0x0c, 0x5e, 0x7b, 0x7d, 0x5c, 0x5b, 0x7e, 0x5d, 0x7c);
const GSM7_EXTENSION_WITH_EURO = GSM7_EXTENSION + '\u20ac';

const basicSet = new Set(GSM7_BASIC);
const extensionSet = new Set(GSM7_EXTENSION_WITH_EURO);

function isGsm7(text: string): boolean {
  for (const character of text) {
    if (!basicSet.has(character) && !extensionSet.has(character)) return false;
  }
  return true;
}

/** Septets including the escape septet of every extension character. */
function septets(text: string): number {
  let total = 0;
  for (const character of text) total += extensionSet.has(character) ? 2 : 1;
  return total;
}

function unitsIn(text: string, gsm7: boolean): number {
  return gsm7 ? septets(text) : text.length;
}

const isHighSurrogate = (codeUnit: number) => codeUnit >= 0xd800 && codeUnit <= 0xdbff;
const isLowSurrogate = (codeUnit: number) => codeUnit >= 0xdc00 && codeUnit <= 0xdfff;

/** The first whole character of `text`: a surrogate pair, or else one code unit. */
function firstCharacter(text: string): string {
  return isHighSurrogate(text.charCodeAt(0)) && isLowSurrogate(text.charCodeAt(1))
    ? text.slice(0, 2)
    : text.slice(0, 1);
}

const digits = (count: number) => '1234567890'.repeat(Math.ceil(count / 10)).slice(0, count);
const cyrillic = (count: number) => 'привет'.repeat(Math.ceil(count / 6)).slice(0, count);
const EMOJI = '\u{1F600}';

describe('smsSegments', () => {
  describe('published vectors (Twilio segment calculator)', () => {
    it.each([
      ['160 digits', digits(160), 'GSM-7', 160, 1, 160],
      ['161 digits', digits(161), 'GSM-7', 161, 2, 153],
      ['€ + 158 digits (160 septets)', '€' + digits(158), 'GSM-7', 160, 1, 160],
      ['€ + 159 digits (161 septets)', '€' + digits(159), 'GSM-7', 161, 2, 153],
      ['306 GSM-7 characters', 'a'.repeat(306), 'GSM-7', 306, 2, 153],
      ['307 GSM-7 characters', 'a'.repeat(307), 'GSM-7', 307, 3, 153],
      ['emoji + 68 digits (70 units)', EMOJI + digits(68), 'UCS-2', 70, 1, 70],
      ['emoji + 69 digits (71 units)', EMOJI + digits(69), 'UCS-2', 71, 2, 67],
      ['70 Cyrillic', cyrillic(70), 'UCS-2', 70, 1, 70],
      ['71 Cyrillic', cyrillic(71), 'UCS-2', 71, 2, 67],
      ['134 Cyrillic', cyrillic(134), 'UCS-2', 134, 2, 67],
      ['135 Cyrillic', cyrillic(135), 'UCS-2', 135, 3, 67],
    ])('%s', (_name, text, encoding, characters, segments, perSegment) => {
      expect(smsSegments(text)).toEqual({ encoding, characters, segments, perSegment });
      expect(splitSmsParts(text)).toHaveLength(segments);
    });

    it('moves an escape pair starting at septet 153 to part 2', () => {
      const text = digits(152) + '€' + digits(10);
      expect(splitSmsParts(text)).toEqual([digits(152), '€' + digits(10)]);
      expect(smsSegments(text).segments).toBe(2);
    });
  });

  describe('boundaries pushed to the next part', () => {
    it('counts a part more than septets / 153 when an escape pair does not fit', () => {
      const text = digits(152) + '€' + digits(152); // 306 septets, yet 152 + 153 + 1
      expect(smsSegments(text)).toEqual({
        encoding: 'GSM-7',
        characters: 306,
        segments: 3,
        perSegment: 153,
      });
      expect(splitSmsParts(text).map((part) => septets(part))).toEqual([152, 153, 1]);
    });

    it('counts a part more than units / 67 when a surrogate pair does not fit', () => {
      const text = cyrillic(66) + EMOJI + cyrillic(66); // 134 units, yet 66 + 67 + 1
      expect(smsSegments(text)).toEqual({
        encoding: 'UCS-2',
        characters: 134,
        segments: 3,
        perSegment: 67,
      });
      expect(splitSmsParts(text).map((part) => part.length)).toEqual([66, 67, 1]);
    });

    it('cuts next to a lone surrogate, which is a single unit', () => {
      const text = cyrillic(66) + '\ud83d' + cyrillic(4);
      expect(splitSmsParts(text).map((part) => part.length)).toEqual([67, 4]);
    });
  });

  describe('alphabet', () => {
    it('is GSM-7 at 1 septet for each of the 127 basic characters', () => {
      expect(new Set(GSM7_BASIC).size).toBe(127);
      for (const character of GSM7_BASIC) {
        expect(smsSegments(character)).toEqual({
          encoding: 'GSM-7',
          characters: 1,
          segments: 1,
          perSegment: 160,
        });
      }
    });

    it.each([...GSM7_EXTENSION_WITH_EURO])('counts extension character %j as 2 septets', (c) => {
      expect(smsSegments(c)).toMatchObject({ encoding: 'GSM-7', characters: 2 });
    });

    it.each([
      ['backtick', '`'],
      ['small c cedilla (the table has capital Ç)', 'ç'],
      ['tab', '\t'],
      ['no-break space', '\u00a0'],
      ['right single quotation mark', '\u2019'],
      ['Greek small alpha', 'α'],
      ['Cyrillic capital A (looks like Latin A)', '\u0410'],
      ['Cyrillic io', 'ё'],
      ['lone surrogate', '\udc00'],
    ])('is UCS-2 for a %s', (_name, character) => {
      expect(smsSegments('Hello ' + character)).toMatchObject({
        encoding: 'UCS-2',
        characters: 6 + character.length,
      });
    });

    it('makes the empty text one GSM-7 part of 0 septets', () => {
      expect(smsSegments('')).toEqual({
        encoding: 'GSM-7',
        characters: 0,
        segments: 1,
        perSegment: 160,
      });
      expect(splitSmsParts('')).toEqual(['']);
    });
  });

  describe('properties', () => {
    const basicCharacter = fc.constantFrom(...GSM7_BASIC);
    const extensionCharacter = fc.constantFrom(...GSM7_EXTENSION_WITH_EURO);
    const codeUnit = (min: number, max: number) =>
      fc.integer({ min, max }).map((unit) => String.fromCharCode(unit));
    const otherCharacter = fc.oneof(
      codeUnit(0x0400, 0x04ff), // Cyrillic
      fc.integer({ min: 0x1f300, max: 0x1faff }).map((point) => String.fromCodePoint(point)),
      codeUnit(0xd800, 0xdfff), // lone surrogates
      codeUnit(0, 0xffff),
    );
    const textOf = (character: fc.Arbitrary<string>, maxLength: number) =>
      fc.array(character, { maxLength, size: 'max' }).map((characters) => characters.join(''));

    // size 'max' lets lengths reach several parts (the default size stops near 10 characters);
    // escape- and emoji-dense texts put pairs on the 152/153 and 66/67 cuts.
    const text = fc.oneof(
      textOf(fc.oneof({ arbitrary: basicCharacter, weight: 9 }, extensionCharacter), 500),
      textOf(fc.oneof(basicCharacter, extensionCharacter), 400),
      textOf(fc.oneof({ arbitrary: basicCharacter, weight: 30 }, otherCharacter), 300),
      textOf(fc.oneof(basicCharacter, otherCharacter), 250),
      textOf(fc.oneof(codeUnit(0x0400, 0x04ff), fc.constant(EMOJI)), 250),
      fc.string({ unit: 'binary', maxLength: 250, size: 'max' }),
    );
    const runs = { numRuns: 2000 };

    it('generates texts that push escape and surrogate pairs to the next part', () => {
      const nonFinalPartSizes = fc.sample(text, runs).flatMap((message) => {
        const { encoding } = smsSegments(message);
        return splitSmsParts(message)
          .slice(0, -1)
          .map((part) => `${encoding} ${unitsIn(part, encoding === 'GSM-7')}`);
      });
      expect(nonFinalPartSizes).toContain('GSM-7 152');
      expect(nonFinalPartSizes).toContain('UCS-2 66');
    });

    it('reports the encoding and length in its units', () => {
      fc.assert(
        fc.property(text, (message) => {
          const gsm7 = isGsm7(message);
          const { encoding, characters } = smsSegments(message);
          expect(encoding).toBe(gsm7 ? 'GSM-7' : 'UCS-2');
          expect(characters).toBe(unitsIn(message, gsm7));
        }),
        runs,
      );
    });

    it('is always UCS-2 when the text contains Cyrillic', () => {
      fc.assert(
        fc.property(text, codeUnit(0x0400, 0x04ff), fc.nat(), (message, letter, at) => {
          const position = at % (message.length + 1);
          const withCyrillic = message.slice(0, position) + letter + message.slice(position);
          expect(smsSegments(withCyrillic).encoding).toBe('UCS-2');
        }),
        runs,
      );
    });

    it('has segments × perSegment ≥ characters, with single-part capacity only for one part', () => {
      fc.assert(
        fc.property(text, (message) => {
          const { encoding, characters, segments, perSegment } = smsSegments(message);
          expect(segments * perSegment).toBeGreaterThanOrEqual(characters);
          const single = encoding === 'GSM-7' ? 160 : 70;
          expect(segments === 1).toBe(characters <= single);
          expect(perSegment).toBe(segments === 1 ? single : encoding === 'GSM-7' ? 153 : 67);
        }),
        runs,
      );
    });

    it('splits into non-empty parts that join back to the text, one per segment', () => {
      fc.assert(
        fc.property(text, (message) => {
          const parts = splitSmsParts(message);
          expect(parts.join('')).toBe(message);
          expect(parts).toHaveLength(smsSegments(message).segments);
          if (message !== '') for (const part of parts) expect(part).not.toBe('');
        }),
        runs,
      );
    });

    it('never splits a surrogate pair across parts', () => {
      fc.assert(
        fc.property(text, (message) => {
          const parts = splitSmsParts(message);
          for (let i = 1; i < parts.length; i++) {
            const splitsPair =
              isHighSurrogate(parts[i - 1].charCodeAt(parts[i - 1].length - 1)) &&
              isLowSurrogate(parts[i].charCodeAt(0));
            expect(splitsPair).toBe(false);
          }
        }),
        runs,
      );
    });

    // An extension character is one code unit, so its escape pair can only be split by a part
    // ending on the escape septet; counting both septets per part, every part must still fit.
    it('fits every part, escape pairs whole, within its capacity', () => {
      fc.assert(
        fc.property(text, (message) => {
          const gsm7 = isGsm7(message);
          const { perSegment } = smsSegments(message);
          for (const part of splitSmsParts(message)) {
            expect(unitsIn(part, gsm7)).toBeLessThanOrEqual(perSegment);
          }
        }),
        runs,
      );
    });

    it('fills parts greedily: the next character never fits in the previous part', () => {
      fc.assert(
        fc.property(text, (message) => {
          const gsm7 = isGsm7(message);
          const { perSegment } = smsSegments(message);
          const parts = splitSmsParts(message);
          for (let i = 1; i < parts.length; i++) {
            const next = firstCharacter(parts[i]);
            expect(unitsIn(parts[i - 1], gsm7) + unitsIn(next, gsm7)).toBeGreaterThan(perSegment);
          }
        }),
        runs,
      );
    });
  });
});
