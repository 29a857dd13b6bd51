import { maskingEchoes, SecretRedactor } from '../errors/redaction.js';
import { WebcomApiError } from '../errors/webcom-errors.js';
import type { Registration } from '../protocol/encode.js';
import type { RegistrationResult } from '../protocol/results.js';
import type { ResolvedWebcomOptions } from '../webcom-options.js';
import { credentialSecrets, type WebcomGatewayClient } from './gateway-client.js';

const MAX_MESSAGE_CHARS = 500;

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&nbsp;': ' ',
};

/**
 * The visible text of an HTML page: no head, script or style, no tags, one space between words.
 * No scan goes past the next `<` that opens such an element, nor a tag past the next `<`: a
 * page of unclosed tags costs linear time.
 */
export function pageText(html: string): string {
  return html
    .replace(/<(head|script|style)\b[^<>]*>(?:[^<]|<(?!\/?\1\b))*<\/\1\s*>/gi, ' ')
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity])
    .replace(/\s+/g, ' ')
    .trim();
}

/** Opens accounts (docs/protocol.md §4). */
export class WebcomRegistration {
  constructor(
    private readonly options: ResolvedWebcomOptions,
    private readonly gateway: WebcomGatewayClient,
  ) {}

  /**
   * Sends a registration `WebcomService` validated, at most once. A 2xx page is `accepted`; a
   * 4xx page is a refusal, `accepted: false`; anything else (5xx, network) throws, as it may
   * have been processed.
   */
  async register(registration: Registration): Promise<RegistrationResult> {
    const redactor = new SecretRedactor([
      ...credentialSecrets(this.options),
      registration.password,
    ]);
    try {
      // The new account's password is a secret too: whatever the transport makes of an echo
      // (an error's body, a warning) is scrubbed of it.
      const page = await maskingEchoes([registration.password], '[REDACTED]', () =>
        this.gateway.register(registration),
      );
      return result(true, page.status, page.body, redactor);
    } catch (error) {
      if (error instanceof WebcomApiError && error.status >= 400 && error.status < 500) {
        return result(false, error.status, error.body, redactor);
      }
      throw error;
    }
  }
}

function result(
  accepted: boolean,
  status: number,
  body: string,
  redactor: SecretRedactor,
): RegistrationResult {
  const text = redactor.redact(pageText(redactor.redact(body)));
  const message = text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
  return { accepted, status, ...(message ? { message } : {}) };
}
