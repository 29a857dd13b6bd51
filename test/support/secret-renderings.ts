import { inspect } from 'node:util';

/** Every form in which a secret could leak from a URL or a serialiser. */
export function secretForms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    Buffer.from(secret).toString('base64').replace(/=+$/, ''),
  ];
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
