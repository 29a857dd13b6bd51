/**
 * SMS part counting per 3GPP TS 23.038 (alphabets) and TS 23.040 (concatenation).
 *
 * Only the GSM 7-bit default alphabet and its default extension table are considered; national
 * language shift tables are not, so any other character makes the whole message UCS-2.
 */

/** The alphabet an SMS is sent in: GSM 7-bit, or UCS-2 for any other character. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** How `smsSegments(text)` counts an SMS: its encoding, length and billed parts. */
export interface SmsSegments {
  /** `GSM-7` when every character is in the default alphabet or its extension table, else `UCS-2`. */
  encoding: SmsEncoding;
  /**
   * Length of the message in the units of `encoding`, not user-perceived characters:
   * - GSM-7: septets, where each extension-table character (`^ { } \ [ ~ ] | €` and form feed)
   *   counts as 2 (the escape septet plus the character);
   * - UCS-2: UTF-16 code units, i.e. `text.length`, so a character outside the BMP (most emoji)
   *   counts as 2.
   */
  characters: number;
  /**
   * Number of parts the message is sent as. The empty message is 1 part, as sending it still
   * takes one SMS. Parts are filled greedily without splitting an escape pair or a surrogate
   * pair, so this can exceed `ceil(characters / perSegment)`.
   */
  segments: number;
  /**
   * Capacity of each part, in the units of `characters`: 160 (GSM-7) or 70 (UCS-2) for a single
   * part, 153 or 67 when concatenated, because the user data header takes 6 of the 140 octets.
   * A concatenated part may hold less when the next escape or surrogate pair does not fit.
   */
  perSegment: number;
}

const GSM7_SINGLE_SEPTETS = 160;
const GSM7_CONCATENATED_SEPTETS = 153;
const UCS2_SINGLE_UNITS = 70;
const UCS2_CONCATENATED_UNITS = 67;

/** TS 23.038 §6.2.1 default alphabet, column by column; 0x1B (escape) is not a character. */
const GSM7_BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';

/** TS 23.038 §6.2.1.1 default extension table, each sent as escape + character. */
const GSM7_EXTENSION_TABLE = '\f^{}\\[~]|€';

/**
 * Septets per UTF-16 code unit, indexed by code unit: 1 basic, 2 extension, 0 not GSM-7.
 * Every GSM-7 character is a single BMP code unit (the highest is € U+20AC), so a typed array
 * indexed by `charCodeAt` is the cheapest lookup.
 */
const SEPTETS_BY_CODE_UNIT = buildSeptetTable();

function buildSeptetTable(): Uint8Array {
  const alphabet = GSM7_BASIC_TABLE + GSM7_EXTENSION_TABLE;
  let highestCodeUnit = 0;
  for (let i = 0; i < alphabet.length; i++) {
    highestCodeUnit = Math.max(highestCodeUnit, alphabet.charCodeAt(i));
  }
  const table = new Uint8Array(highestCodeUnit + 1);
  for (let i = 0; i < GSM7_BASIC_TABLE.length; i++) table[GSM7_BASIC_TABLE.charCodeAt(i)] = 1;
  for (let i = 0; i < GSM7_EXTENSION_TABLE.length; i++) {
    table[GSM7_EXTENSION_TABLE.charCodeAt(i)] = 2;
  }
  return table;
}

function isHighSurrogate(codeUnit: number): boolean {
  return codeUnit >= 0xd800 && codeUnit <= 0xdbff;
}

function isLowSurrogate(codeUnit: number): boolean {
  return codeUnit >= 0xdc00 && codeUnit <= 0xdfff;
}

/**
 * Counts the parts of `text` in a single pass. When `partStarts` is given it receives the index
 * in `text` at which each part after the first begins (empty for a single part), so that
 * {@link splitSmsParts} shares exactly this segmentation.
 */
function measure(text: string, partStarts?: number[]): SmsSegments {
  // Septet totals and concatenated-part boundaries are tracked together so a GSM-7 text is read
  // once; the boundaries are only used if the total exceeds a single part.
  let septets = 0;
  let septetsInPart = 0;
  let concatenatedParts = 1;
  for (let i = 0; i < text.length; i++) {
    const codeUnit = text.charCodeAt(i);
    const cost = codeUnit < SEPTETS_BY_CODE_UNIT.length ? SEPTETS_BY_CODE_UNIT[codeUnit] : 0;
    if (cost === 0) return measureUcs2(text, partStarts);
    septets += cost;
    septetsInPart += cost;
    // An extension character is one code unit, so moving it whole keeps escape + char together.
    if (septetsInPart > GSM7_CONCATENATED_SEPTETS) {
      concatenatedParts++;
      septetsInPart = cost;
      partStarts?.push(i);
    }
  }
  if (septets <= GSM7_SINGLE_SEPTETS) {
    if (partStarts) partStarts.length = 0;
    return { encoding: 'GSM-7', characters: septets, segments: 1, perSegment: GSM7_SINGLE_SEPTETS };
  }
  return {
    encoding: 'GSM-7',
    characters: septets,
    segments: concatenatedParts,
    perSegment: GSM7_CONCATENATED_SEPTETS,
  };
}

/** UCS-2 boundaries only depend on the code units around each cut, so this is O(parts). */
function measureUcs2(text: string, partStarts?: number[]): SmsSegments {
  if (partStarts) partStarts.length = 0;
  const units = text.length;
  if (units <= UCS2_SINGLE_UNITS) {
    return { encoding: 'UCS-2', characters: units, segments: 1, perSegment: UCS2_SINGLE_UNITS };
  }
  let segments = 1;
  let partStart = 0;
  while (units - partStart > UCS2_CONCATENATED_UNITS) {
    let nextPartStart = partStart + UCS2_CONCATENATED_UNITS;
    // A handset cannot rebuild a character whose surrogate halves arrive in different parts.
    if (
      isHighSurrogate(text.charCodeAt(nextPartStart - 1)) &&
      isLowSurrogate(text.charCodeAt(nextPartStart))
    ) {
      nextPartStart--;
    }
    partStarts?.push(nextPartStart);
    segments++;
    partStart = nextPartStart;
  }
  return { encoding: 'UCS-2', characters: units, segments, perSegment: UCS2_CONCATENATED_UNITS };
}

/**
 * Encoding, length and number of parts of `text` as an SMS.
 *
 * @example smsSegments('€'.padEnd(160, '0')) // { encoding: 'GSM-7', characters: 161, segments: 2, perSegment: 153 }
 */
export function smsSegments(text: string): SmsSegments {
  return measure(text);
}

/**
 * The parts `text` is sent as, in order; they join back to `text` and there are exactly
 * `smsSegments(text).segments` of them (`['']` for the empty text).
 */
export function splitSmsParts(text: string): string[] {
  const partStarts: number[] = [];
  measure(text, partStarts);
  const parts: string[] = [];
  let partStart = 0;
  for (const nextPartStart of partStarts) {
    parts.push(text.slice(partStart, nextPartStart));
    partStart = nextPartStart;
  }
  parts.push(text.slice(partStart));
  return parts;
}
