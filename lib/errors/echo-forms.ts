/*
 * How a PHP gateway may echo one character of a value back (docs/protocol.md §3): raw,
 * percent-encoded in either case (possibly twice), form-encoded, JSON-escaped, backslash-escaped,
 * HTML-escaped by name or number. The redactor builds its patterns from these.
 */

export const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

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

/**
 * PHP's `htmlentities` (HTML 4.01, its default) writes Latin-1 letters and a few punctuation
 * marks as named references: `ä` as `&auml;`. The names of U+00A0 to U+00FF, in order.
 */
const LATIN1_ENTITY_NAMES = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg ' +
  'plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest ' +
  'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute ' +
  'Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml ' +
  'Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc ' +
  'euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ' +
  'ugrave uacute ucirc uuml yacute thorn yuml'
).split(' ');
for (const [offset, name] of LATIN1_ENTITY_NAMES.entries()) {
  HTML_NAMED[String.fromCharCode(0xa0 + offset)] = [`&${name};`];
}
Object.assign(HTML_NAMED, {
  '€': ['&euro;'],
  '–': ['&ndash;'],
  '—': ['&mdash;'],
  '‘': ['&lsquo;'],
  '’': ['&rsquo;'],
  '“': ['&ldquo;'],
  '”': ['&rdquo;'],
  '„': ['&bdquo;'],
  '…': ['&hellip;'],
  '•': ['&bull;'],
  '™': ['&trade;'],
});

/** Every way one character of a value may come back in an echo: raw or in any encoding. */
export function characterForms(char: string): string[] {
  const codePoint = char.codePointAt(0)!;
  const forms = new Set<string>();
  // Percent-encoded (its UTF-8 bytes, either case, possibly encoded twice), form-encoded.
  const bytes = [...Buffer.from(char, 'utf8')];
  forms.add(bytes.map((b) => `%(?:25)?${anyCaseHex(b.toString(16).padStart(2, '0'))}`).join(''));
  if (char === ' ') forms.add('\\+');
  // JSON: `\u0451`-style escapes (two of them beyond the BMP, a surrogate pair), and the short ones.
  const units = char.length === 1 ? [codePoint] : [char.charCodeAt(0), char.charCodeAt(1)];
  forms.add(units.map((u) => `\\\\u${anyCaseHex(u.toString(16).padStart(4, '0'))}`).join(''));
  const json = JSON_SHORT_ESCAPES[char];
  if (json) forms.add(escapeRegExp(json));
  // PHP's addslashes (and magic quotes) writes `'` as `\'`; `"` and `\` as JSON does.
  if (char === "'") forms.add("\\\\'");
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
export function valuePattern(value: string): string {
  return [...value].map((char) => `(?:${characterForms(char).join('|')})`).join('');
}

/** One character in any echo form, matched at a given position. */
const stickyForms = new Map<string, RegExp>();
export function stickyFormOf(char: string): RegExp {
  let pattern = stickyForms.get(char);
  if (!pattern) {
    pattern = new RegExp(`(?:${characterForms(char).join('|')})`, 'y');
    stickyForms.set(char, pattern);
  }
  return pattern;
}
