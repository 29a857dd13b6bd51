import { TextDecoder } from 'node:util';

/*
 * Bytes to text as the server declared them. A Russian PHP gateway's pages are often in
 * windows-1251 or KOI8-R: read as UTF-8, their letters would become U+FFFD, and an echoed
 * Cyrillic secret would no longer be recognised as one.
 */

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]{1,40})/i;

/** One decoder per charset label seen (a handful at most); `null` for a label Node lacks. */
const decoders = new Map<string, TextDecoder | null>();
const UTF8 = new TextDecoder('utf-8');

function decoderFor(label: string): TextDecoder | null {
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(label);
    } catch {
      decoder = null;
    }
    if (decoders.size < 64) decoders.set(label, decoder);
  }
  return decoder;
}

/** The charset a `Content-Type` names, lower-cased; `undefined` when it names none. */
export function charsetOf(contentType: unknown): string | undefined {
  const header = Array.isArray(contentType) ? contentType.join(';') : contentType;
  if (typeof header !== 'string') return undefined;
  return CHARSET.exec(header)?.[1].toLowerCase();
}

/**
 * `bytes` as text in the charset `contentType` names (any label the WHATWG Encoding Standard
 * knows: `utf-8`, `windows-1251`, `cp1251`, `koi8-r`, …); UTF-8 when it names none, or one
 * unknown. Bytes that are no character of the charset become U+FFFD.
 */
export function decodeText(bytes: Uint8Array, contentType: unknown): string {
  const charset = charsetOf(contentType);
  return ((charset && decoderFor(charset)) || UTF8).decode(bytes);
}
