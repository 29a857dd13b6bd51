import type { WebcomService } from '../webcom.service.js';
import { renderTemplate } from './verification-templates.js';
import type { TemplateChannel, VerificationChannel } from './verification.types.js';

/**
 * The mark the verification module leaves, not enumerable, on the argument of each send it
 * makes: the code in it. `WebcomTestingModule`'s recorder reads it (`lastCode(to)`), so that an
 * app's tests can complete a verification; nothing serialises it (`JSON.stringify` skips
 * symbols, `util.inspect` non-enumerable properties).
 */
export const VERIFICATION_CODE_MARK = Symbol.for('nestjs-webcom.verification-code');

/** States after which a message will never arrive (PROTOCOL §3). */
const UNDELIVERED = new Set(['not_deliver', 'expired', 'partly_deliver']);

/** A step's message through the account's `WebcomService`, and what the gateway says of it. */
export class VerificationSender {
  private account?: WebcomService;

  constructor(
    /** The account's service, or how to find it once every provider of the app exists. */
    private readonly resolve: WebcomService | (() => WebcomService),
    private readonly templates: Readonly<Record<TemplateChannel, string>>,
  ) {}

  /** The account's service, found on first use (`WebcomVerificationService.onModuleInit`). */
  get webcom(): WebcomService {
    this.account ??= typeof this.resolve === 'function' ? this.resolve() : this.resolve;
    return this.account;
  }

  /**
   * Sends one step to `to` and answers its message id. `code` is the step's code; a flashcall
   * carries none of ours: the gateway makes its code.
   */
  async send(channel: VerificationChannel, to: string, code: string | undefined): Promise<string> {
    const dto: Record<string, unknown> =
      channel === 'flashcall'
        ? { to }
        : { to, text: renderTemplate(this.templates[channel], channel, code!) };
    if (code !== undefined) Object.defineProperty(dto, VERIFICATION_CODE_MARK, { value: code });
    const result = await this.webcom.send(channel, dto as never);
    // One recipient: every id is this number's (D13); the first names the message.
    return result.messages[0]?.id ?? '';
  }

  /** The code the gateway reports for a flashcall (`MessageStatus.code`), if it has one yet. */
  async flashcallCode(messageId: string): Promise<string | undefined> {
    if (!messageId) return undefined;
    return (await this.webcom.getStatus(messageId)).code;
  }

  /** True when the gateway reports the message will never arrive. */
  async failed(messageId: string): Promise<boolean> {
    if (!messageId) return false;
    try {
      return UNDELIVERED.has((await this.webcom.getStatus(messageId)).state);
    } catch {
      // No answer is no proof of failure: the step keeps its time.
      return false;
    }
  }
}
