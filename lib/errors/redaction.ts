const MASK = '[REDACTED]';

const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A hex number matched in either case: PHP and proxies write `%2f`, `\u00e9`, `&#xE9;`. */
const anyCaseHex = (hex: string) =>
  [...hex].map((d) => (/[a-f]/i.test(d) ? `[${d.toLowerCase()}${d.toUpperCase()}]` : d)).join('');

/** JSON's short escapes (json_encode writes `/` as `\/` by default). */
const JSON_SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** htmlspecialchars and its variants (`&#039;` since PHP 8.1, `&#39;`, `&#x27;`, `&apos;`). */
const HTML_NAMED: Record<string, string[]> = {
  '&': ['&amp;'],
  '"': ['&quot;'],
  "'": ['&apos;'],
  '<': ['&lt;'],
  '>': ['&gt;'],
};

/** Every way one character of a value may come back in an echo: raw or in any encoding. */
function characterForms(char: string): string[] {
  const codePoint = char.codePointAt(0)!;
  const forms = new Set<string>();
  // Percent-encoded (its UTF-8 bytes, either case, possibly encoded twice), form-encoded.
  const bytes = [...Buffer.from(char, 'utf8')];
  forms.add(bytes.map((b) => `%(?:25)?${anyCaseHex(b.toString(16).padStart(2, '0'))}`).join(''));
  if (char === ' ') forms.add('\\+');
  // JSON: \uXXXX (a surrogate pair beyond the BMP), and the short escapes.
  const units = char.length === 1 ? [codePoint] : [char.charCodeAt(0), char.charCodeAt(1)];
  forms.add(units.map((u) => `\\\\u${anyCaseHex(u.toString(16).padStart(4, '0'))}`).join(''));
  const json = JSON_SHORT_ESCAPES[char];
  if (json) forms.add(escapeRegExp(json));
  // HTML: named and numeric references; a JSON escape inside an HTML page (\&quot;).
  for (const named of HTML_NAMED[char] ?? []) {
    forms.add(escapeRegExp(named));
    if (json) forms.add(escapeRegExp(json.replace(char, named)));
  }
  forms.add(`&#0*${codePoint};`);
  forms.add(`&#[xX]0*${anyCaseHex(codePoint.toString(16))};`);
  // Raw last: `%` must not match the start of its own encoding `%25`.
  forms.add(escapeRegExp(char));
  return [...forms];
}

/** A value in every echo form, character by character, so mixed encodings match too. */
function valuePattern(value: string): string {
  return [...value].map((char) => `(?:${characterForms(char).join('|')})`).join('');
}

/**
 * A base64 value as a pattern: standard (its padding optional) or URL-safe, each character of
 * it in any echo form (a `+` of base64 may itself come back as `%2B`).
 */
function base64Patterns(value: string): string[] {
  const standard = Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, '');
  const urlSafe = Buffer.from(value, 'utf8').toString('base64url');
  const padding = `(?:${characterForms('=').join('|')}){0,2}`;
  return [`${valuePattern(standard)}${padding}`, valuePattern(urlSafe)];
}

/**
 * Scrubs values from text that came from outside: a gateway's error page may echo the query
 * string back. The gateway is PHP, so each value is recognised raw and in every form an echo can
 * carry it in (docs/protocol.md §3): percent-encoded in either case, form-encoded, JSON-escaped
 * (`\/`, `\u0451`, `\"`), HTML-escaped (`&amp;`, `&quot;`, `&#39;`, `&#x27;`), base64 and
 * base64url, and mixtures of these.
 */
export class SecretRedactor {
  private readonly values: readonly string[];
  private pattern?: RegExp | null;

  constructor(
    values: readonly string[],
    private readonly mask = MASK,
  ) {
    this.values = values.filter((value) => typeof value === 'string' && value.length > 0);
  }

  /** This redactor and more values masked the same way (e.g. a new account's password). */
  with(values: readonly string[]): SecretRedactor {
    return new SecretRedactor([...this.values, ...values], this.mask);
  }

  redact(text: string): string {
    // Built on first use: most redactors never see an echo.
    if (this.pattern === undefined) this.pattern = this.compile();
    return this.pattern ? text.replace(this.pattern, this.mask) : text;
  }

  private compile(): RegExp | null {
    if (this.values.length === 0) return null;
    // Longest value first, so that a value containing another is removed whole.
    const values = [...new Set(this.values)].sort((a, b) => b.length - a.length);
    const patterns = values.flatMap((value) => [valuePattern(value), ...base64Patterns(value)]);
    return new RegExp(patterns.join('|'), 'g');
  }
}
