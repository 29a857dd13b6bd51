const MASK = '[REDACTED]';

/**
 * Scrubs credentials from text that came from outside (a gateway's error page may echo the
 * query string back). Each secret is removed raw and in the encodings a URL or a log could
 * carry it in.
 */
export class SecretRedactor {
  private readonly forms: string[];

  constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (!secret) continue;
      forms.add(secret);
      forms.add(encodeURIComponent(secret));
      forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
      forms.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
    }
    // Longest first, so that a form containing another is removed whole.
    this.forms = [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let result = text;
    for (const form of this.forms) {
      if (result.includes(form)) result = result.split(form).join(MASK);
    }
    return result;
  }
}
