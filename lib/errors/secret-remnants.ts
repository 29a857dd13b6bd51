import { TextDecoder } from 'node:util';

/*
 * What survives of a secret when a page echoes it in one charset and is read in another: a
 * Russian PHP gateway writes windows-1251 or KOI8-R, and a page that declares no charset, or the
 * wrong one, turns a Cyrillic password's letters into U+FFFD or into other letters, leaving its
 * ASCII part as it was. Each of these remnants is masked like the secret itself.
 */

/** The charsets a gateway page may be written in, and read in. */
const WRITTEN_IN = ['utf-8', 'windows-1251', 'koi8-r'] as const;
const READ_IN = ['utf-8', 'windows-1251', 'koi8-r', 'windows-1252'] as const;

/** ASCII runs shorter than this are too common to be masked wherever they appear. */
const MIN_ASCII_REMNANT = 4;

/** A printable ASCII run: what no ASCII-compatible charset changes. */
const ASCII_RUN = /[\x20-\x7e]+/g;

/** Byte → character of a single-byte charset, inverted; built on first use. */
const encoders = new Map<string, Map<string, number>>();

function encoderOf(charset: string): Map<string, number> {
  let encoder = encoders.get(charset);
  if (!encoder) {
    encoder = new Map();
    const decoder = new TextDecoder(charset);
    for (let byte = 0xff; byte >= 0; byte--) {
      encoder.set(decoder.decode(Uint8Array.of(byte)), byte);
    }
    encoders.set(charset, encoder);
  }
  return encoder;
}

/** `value`'s bytes in `charset`; `undefined` when it has a character the charset lacks. */
function encode(value: string, charset: (typeof WRITTEN_IN)[number]): Uint8Array | undefined {
  if (charset === 'utf-8') return Buffer.from(value, 'utf8');
  const encoder = encoderOf(charset);
  const bytes: number[] = [];
  for (const char of value) {
    const byte = encoder.get(char);
    if (byte === undefined) return undefined;
    bytes.push(byte);
  }
  return Uint8Array.from(bytes);
}

const decoders = new Map<string, TextDecoder>();
function decode(bytes: Uint8Array, charset: string): string {
  let decoder = decoders.get(charset);
  if (!decoder) decoders.set(charset, (decoder = new TextDecoder(charset)));
  return decoder.decode(bytes);
}

/**
 * What may stand in a page for `value` once a charset went wrong: the value written in one of
 * the charsets and read in another, and its ASCII runs of at least `MIN_ASCII_REMNANT`
 * characters. None for an ASCII value: every such charset keeps it whole.
 */
export function secretRemnants(value: string): string[] {
  // eslint-disable-next-line no-control-regex -- ASCII is what it tells apart
  if (/^[\x00-\x7f]*$/.test(value)) return [];
  const remnants = new Set<string>();
  for (const written of WRITTEN_IN) {
    const bytes = encode(value, written);
    if (!bytes) continue;
    for (const read of READ_IN) if (read !== written) remnants.add(decode(bytes, read));
  }
  for (const [run] of value.matchAll(ASCII_RUN)) {
    if (run.length >= MIN_ASCII_REMNANT) remnants.add(run);
  }
  remnants.delete(value);
  return [...remnants];
}
