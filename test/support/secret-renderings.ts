import { inspect } from 'node:util';

/** How a PHP gateway may echo a value back (docs/protocol.md §3). */
export function phpEchoes(secret: string): [string, string][] {
  const json = JSON.stringify(secret).slice(1, -1);
  const jsonSlashes = json.replace(/\//g, '\\/');
  const jsonUnicode = (s: string, hex: (h: string) => string) =>
    s.replace(/[^\x20-\x7e]/g, (c) => `\\u${hex(c.charCodeAt(0).toString(16).padStart(4, '0'))}`);
  const html = (s: string, apostrophe: string) =>
    s
      .replace(/&/g, '&amp;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, apostrophe)
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;');
  const base64 = Buffer.from(secret).toString('base64');
  return [
    ['raw', secret],
    ['percent-encoded, upper case', encodeURIComponent(secret)],
    [
      'percent-encoded, lower case',
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    ],
    ['form-encoded', new URLSearchParams({ s: secret }).toString().slice(2)],
    ['JSON-escaped', json],
    ['JSON-escaped with \\/ (PHP json_encode)', jsonSlashes],
    ['JSON-escaped with \\u0451, lower hex', jsonUnicode(jsonSlashes, (h) => h)],
    ['JSON-escaped with \\u0451, upper hex', jsonUnicode(jsonSlashes, (h) => h.toUpperCase())],
    ['HTML-escaped with &#39;', html(secret, '&#39;')],
    ['HTML-escaped with &#039;', html(secret, '&#039;')],
    ['HTML-escaped with &#x27;', html(secret, '&#x27;')],
    ['HTML-escaped with &apos;', html(secret, '&apos;')],
    ['HTML-escaped JSON', html(jsonSlashes, '&#039;')],
    ['backslash-escaped (PHP addslashes: \\\' and \\")', secret.replace(/[\\'"]/g, '\\$&')],
    ['base64', base64],
    ['base64 without padding', base64.replace(/=+$/, '')],
    ['base64url', Buffer.from(secret).toString('base64url')],
  ];
}

/** Every form in which a secret could leak from a URL, a serialiser or a PHP echo. */
export function secretForms(secret: string): string[] {
  return phpEchoes(secret).map(([, form]) => form);
}

/** Everything a user's code or logger might render an error to, its cause chain included. */
export function renderings(error: unknown): string[] {
  const out: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    const e = current as Error & Record<string, unknown>;
    out.push(
      String(e),
      String(e.stack),
      JSON.stringify(e),
      inspect(e, { depth: Infinity, showHidden: true }),
      ...Object.getOwnPropertyNames(e).map((key) => inspect(e[key], { depth: Infinity })),
    );
    current = e.cause;
  }
  return out;
}

export function expectNoSecret(texts: string[], secret: string): void {
  for (const form of secretForms(secret)) {
    for (const text of texts) {
      if (text.includes(form))
        throw new Error(`secret leaked as "${form}" in: ${text.slice(0, 300)}`);
    }
  }
}
