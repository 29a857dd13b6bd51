import { AsyncLocalStorage } from 'node:async_hooks';
import { characterForms, stickyFormOf, valuePattern } from './echo-forms.js';
import { secretRemnants } from './secret-remnants.js';

const MASK = '[REDACTED]';

/** What an escape cut short looks like: `%D`, `%D0%`, `\u04`, `&#x4`. */
const CUT_ESCAPE =
  /^(?:%(?:[0-9a-fA-F]{1,2}(?:%[0-9a-fA-F]{0,2})*)?|\\(?:u[0-9a-fA-F]{0,3})?|&[#a-zA-Z0-9]{0,7})$/;

/** Characters a value must show before its cut-off end is taken for it. */
const MIN_CUT_PREFIX = 8;

/**
 * Where a value cut off by the end of `text` starts, or -1: the text ends with its first
 * characters (at least `MIN_CUT_PREFIX`, or all of them) in any echo form, possibly inside an
 * escape. A body is shortened before it is scrubbed, so an echo may be cut anywhere.
 */
function cutValueStart(text: string, { chars, anchor, anchorPattern }: CutMatcher): number {
  for (const match of text.matchAll(anchorPattern)) {
    let position = match.index + match[0].length;
    for (let i = anchor; i < chars.length && position < text.length; i++) {
      const form = stickyFormOf(chars[i]);
      form.lastIndex = position;
      if (!form.test(text)) break;
      position = form.lastIndex;
    }
    if (position === text.length || CUT_ESCAPE.test(text.slice(position))) return match.index;
  }
  return -1;
}

/**
 * A base64 value as a pattern: standard (its padding optional) or URL-safe, each character of
 * it in any echo form (a `+` of base64 may itself come back as `%2B`).
 */
function base64Forms(value: string): { standard: string; urlSafe: string } {
  return {
    standard: Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, ''),
    urlSafe: Buffer.from(value, 'utf8').toString('base64url'),
  };
}

const PADDING = `(?:${characterForms('=').join('|')}){0,2}`;

/**
 * A value as it stands in a query string: raw and percent-encoded in either case and
 * form-encoded; an echo of the whole request in base64 carries one of these.
 */
function percentEncodings(value: string): string[] {
  const hex = (char: string) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`;
  const uri = encodeURIComponent(value);
  // PHP's rawurlencode, and the form encoding of urlencode and URLSearchParams.
  const raw = uri.replace(/[!'()*]/g, hex);
  const forms = [uri, raw, raw.replace(/%20/g, '+').replace(/~/g, hex)];
  forms.push(new URLSearchParams({ s: value }).toString().slice(2));
  const lower = forms.map((form) => form.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  return [...new Set([value, ...forms, ...lower])];
}

/** Fewer base64 letters than this are too common to be masked wherever they appear. */
const MIN_BASE64_CORE = 6;

/**
 * The base64 letters that depend on a value's bytes alone when it sits inside a longer encoded
 * text (an echo of the whole request), at each of the three byte offsets modulo 3: the letters
 * it shares with the bytes around it differ from one echo to the next, and are left out.
 */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const cores: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const mixedAtEnd = (offset + bytes.length) % 3 === 0 ? 0 : 1;
    const core = encoded.slice([0, 2, 3][offset], encoded.length - mixedAtEnd);
    if (core.length >= MIN_BASE64_CORE) cores.push(base64Pattern(core));
  }
  return cores;
}

/**
 * Base64 letters as a pattern, standard or URL-safe, `+` and `/` possibly percent-encoded: a
 * plain pattern rather than every echo form of each letter, as it is tried many times over.
 */
const base64Pattern = (letters: string) =>
  letters.replace(/[+/]/g, (char) => (char === '+' ? '(?:\\+|-|%2[bB])' : '(?:/|_|%2[fF])'));

/** A value's characters, and a pattern of its first ones, to find it cut off by the end. */
interface CutMatcher {
  chars: string[];
  anchor: number;
  anchorPattern: RegExp;
}

function cutMatcher(value: string): CutMatcher {
  const chars = [...value];
  const anchor = Math.min(MIN_CUT_PREFIX, chars.length);
  return {
    chars,
    anchor,
    anchorPattern: new RegExp(valuePattern(chars.slice(0, anchor).join('')), 'g'),
  };
}

/** Values and the mask they are replaced with, compiled on first use. */
class Masking {
  private compiled?: { patterns: RegExp[]; cut: CutMatcher[] } | null;

  constructor(
    readonly values: readonly string[],
    readonly mask: string,
  ) {}

  apply(text: string): string {
    if (this.compiled === undefined) this.compiled = this.compile();
    if (!this.compiled) return text;
    let result = text;
    for (const pattern of this.compiled.patterns) result = result.replace(pattern, this.mask);
    for (const matcher of this.compiled.cut) {
      const start = cutValueStart(result, matcher);
      if (start >= 0) result = result.slice(0, start) + this.mask;
    }
    return result;
  }

  private compile() {
    if (this.values.length === 0) return null;
    // Longest value first, so that a value containing another is removed whole.
    const values = [...new Set(this.values)].sort((a, b) => b.length - a.length);
    // One pattern per value and one per remnant, applied in turn: a single pattern of them all
    // cost ten times as much on a page at the size cap (measured on V8, Node 20).
    const patterns = values.map((value) => {
      const { standard, urlSafe } = base64Forms(value);
      const forms = [
        valuePattern(value),
        `${valuePattern(standard)}${PADDING}`,
        valuePattern(urlSafe),
        ...new Set(percentEncodings(value).flatMap(base64Cores)),
      ];
      return new RegExp(forms.join('|'), 'g');
    });
    // What a wrong charset leaves of a value, after every whole form of every value.
    const remnants = [...new Set(values.flatMap(secretRemnants))]
      .filter((remnant) => !values.includes(remnant))
      .sort((a, b) => b.length - a.length);
    return {
      patterns: [...patterns, ...remnants.map((remnant) => new RegExp(valuePattern(remnant), 'g'))],
      cut: [
        ...values.flatMap((value) => {
          const { standard, urlSafe } = base64Forms(value);
          return [value, standard, urlSafe].map(cutMatcher);
        }),
        ...remnants.map(cutMatcher),
      ],
    };
  }
}

/**
 * Scrubs values from text that came from outside: a gateway's error page may echo the query
 * string back. The gateway is PHP, so each value is recognised raw and in every form an echo can
 * carry it in (docs/protocol.md §3): percent-encoded in either case, form-encoded, JSON-escaped
 * (`\/`, `\u0451`, `\"`), backslash-escaped (`\'`), HTML-escaped (`&amp;`, `&quot;`, `&#39;`,
 * `&#x27;`, `&auml;`), base64 and base64url (alone, or inside an encoded request, percent-encoded
 * or not), and mixtures of these; also when the text ends in the middle of one, and in what a
 * wrong charset leaves of it (its ASCII runs, its letters read in another charset).
 */
/** The values of the calls in progress in this async context, see `maskingEchoes`. */
const callValues = new AsyncLocalStorage<readonly Masking[]>();

/**
 * Runs `run` with `values` masked as `mask` by every `SecretRedactor`, in all that `run` does
 * and awaits, and only there: what one call sent and its echo must not show (a send's text,
 * a new account's password), without the cost reaching the calls beside it.
 */
export function maskingEchoes<T>(values: readonly string[], mask: string, run: () => T): T {
  const masking = new Masking(
    values.filter((value) => typeof value === 'string' && value.length > 0),
    mask,
  );
  return callValues.run([...(callValues.getStore() ?? []), masking], run);
}

export class SecretRedactor {
  private readonly values: readonly string[];
  private readonly own: Masking;

  constructor(
    values: readonly string[],
    private readonly mask = MASK,
  ) {
    this.values = values.filter((value) => typeof value === 'string' && value.length > 0);
    this.own = new Masking(this.values, mask);
  }

  /** A redactor of these values and more, masked the same way. */
  with(values: readonly string[]): SecretRedactor {
    return new SecretRedactor([...this.values, ...values], this.mask);
  }

  /** `text` without the redactor's values, nor those of the calls `maskingEchoes` runs. */
  redact(text: string): string {
    let result = this.own.apply(text);
    for (const masking of callValues.getStore() ?? []) result = masking.apply(result);
    return result;
  }
}
