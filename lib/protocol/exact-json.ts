/*
 * JSON read with every number kept as the text the gateway wrote: an id above 2^53 keeps its
 * digits (docs/protocol.md §3). One pass over the text, so an answer of any shape costs time in
 * proportion to its length: a hostile body at the size cap cannot stall the event loop.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const NINE = 0x39;

/**
 * Deeper than any answer the gateway gives: a body nested deeper is no answer, and is not handed
 * to `JSON.parse` (which spends a third of a second on a mebibyte of `[`).
 */
const MAX_NESTING = 32;

const isDigit = (code: number) => code >= ZERO && code <= NINE;

/** The end of the digits that start at `from` (`from` itself when there are none). */
function digitsEnd(text: string, from: number): number {
  let index = from;
  while (index < text.length && isDigit(text.charCodeAt(index))) index++;
  return index;
}

/**
 * The end of a number token starting at `start` (`-?\d+(\.\d+)?([eE][+-]?\d+)?`), or `start`
 * when there is none there.
 */
function numberEnd(text: string, start: number): number {
  let index = text.charCodeAt(start) === MINUS ? start + 1 : start;
  const integerEnd = digitsEnd(text, index);
  if (integerEnd === index) return start;
  index = integerEnd;
  if (text.charCodeAt(index) === DOT) {
    const fractionEnd = digitsEnd(text, index + 1);
    if (fractionEnd > index + 1) index = fractionEnd;
  }
  const exponent = text.charCodeAt(index);
  if (exponent === 0x65 || exponent === 0x45) {
    const sign = text.charCodeAt(index + 1);
    const digitsStart = sign === 0x2b || sign === MINUS ? index + 2 : index + 1;
    const exponentEnd = digitsEnd(text, digitsStart);
    if (exponentEnd > digitsStart) index = exponentEnd;
  }
  return index;
}

/**
 * `json` with every number outside strings written as a string of its own digits, so that no
 * value goes through a JavaScript number; `undefined` when it nests deeper than `MAX_NESTING`.
 * Strings are copied as they are, escapes included; an unterminated one runs to the end (the
 * text is then no JSON, and `JSON.parse` says so).
 */
export function quoteNumbers(json: string): string | undefined {
  const parts: string[] = [];
  let copied = 0;
  let index = 0;
  let depth = 0;
  while (index < json.length) {
    const code = json.charCodeAt(index);
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (++depth > MAX_NESTING) return undefined;
      index++;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth--;
      index++;
    } else if (code === QUOTE) {
      index++;
      while (index < json.length) {
        const inString = json.charCodeAt(index);
        if (inString === BACKSLASH) index += 2;
        else if (inString === QUOTE) break;
        else index++;
      }
      index++;
    } else if (code === MINUS || isDigit(code)) {
      const end = numberEnd(json, index);
      if (end === index) {
        index++;
        continue;
      }
      parts.push(json.slice(copied, index), '"', json.slice(index, end), '"');
      copied = index = end;
    } else {
      index++;
    }
  }
  if (copied === 0) return json;
  parts.push(json.slice(copied));
  return parts.join('');
}

/** The JSON object `body` holds, numbers as their text; `undefined` for anything else. */
export function parseExactJson(body: string): unknown {
  const trimmed = body.trim();
  const quoted = trimmed.startsWith('{') ? quoteNumbers(trimmed) : undefined;
  if (quoted === undefined) return undefined;
  try {
    return JSON.parse(quoted);
  } catch {
    return undefined;
  }
}
