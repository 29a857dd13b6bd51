import { inspect } from 'node:util';
import type { SendResult, SentMessage } from '../protocol/results.js';

/** One invalid field: `field` is a dotted path such as `button.url`. */
export interface WebcomFieldError {
  /** The invalid field's dotted path, e.g. `fallback.text`; the root object is `argument`. */
  field: string;
  /** What is wrong with it, one sentence each. */
  messages: string[];
}

/**
 * Base of every error the module throws.
 *
 * Only whitelisted fields are ever attached, so `JSON.stringify`, `util.inspect` and log
 * serialisers cannot reach a request URL (which carries the password) or an AxiosError.
 */
export abstract class WebcomError extends Error {
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  /** The fields that are safe to render, besides `name` and `message`. */
  protected abstract details(): Record<string, unknown>;

  /** `name`, `message` and the error's whitelisted fields: what `JSON.stringify` renders. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...this.details() };
  }

  /** What `util.inspect` and `console.log` show: the stack and the whitelisted fields. */
  [inspect.custom](): string {
    return `${this.stack ?? `${this.name}: ${this.message}`}\n${inspect(this.details(), { depth: 4 })}`;
  }
}

/** The argument or the options are invalid; no request was made. */
export class WebcomValidationError extends WebcomError {
  constructor(
    /** Every invalid field, with what is wrong with it. */
    readonly errors: WebcomFieldError[],
    subject = 'argument',
  ) {
    super(
      `Invalid ${subject}: ${errors.map((e) => `${e.field} (${e.messages.join('; ')})`).join(', ')}`,
    );
  }

  protected details() {
    return { errors: this.errors };
  }
}

/** The gateway answered, but not with success. */
export class WebcomApiError extends WebcomError {
  constructor(
    /** The gateway's HTTP status (2xx when the body was not an answer it gives). */
    readonly status: number,
    /** The gateway's answer, shortened and scrubbed of every secret (docs/protocol.md §3). */
    readonly body: string,
  ) {
    super(`Webcom gateway refused the call (HTTP ${status})${body ? `: ${body}` : ''}`);
  }

  protected details() {
    return { status: this.status, body: this.body };
  }
}

/** No usable answer: refused, reset, timed out or unreadable. */
export class WebcomTransportError extends WebcomError {
  constructor(
    /** What went wrong: a socket error such as `ECONNREFUSED` or `ECONNRESET`, `ETIMEDOUT` for the request deadline, `ERESPONSETOOLARGE`, `EUNDECODABLE` for a 2xx answer that cannot be read, or `EUNKNOWN`. */
    readonly code: string,
    /**
     * True when the request may have reached the gateway (it was sent and no answer came back):
     * the message may have gone out, so sending again may send it twice.
     */
    readonly possiblyDelivered: boolean,
    reason: string,
  ) {
    super(
      `Webcom gateway unreachable (${code}): ${reason}` +
        (possiblyDelivered ? '; the message may have been delivered' : ''),
    );
  }

  protected details() {
    return { code: this.code, possiblyDelivered: this.possiblyDelivered };
  }
}

/**
 * The gateway accepted a send (its 2xx answer carries message ids) but not one id per recipient,
 * so which recipient got which id is unknown. Messages may have gone out and been billed: do
 * not send again blindly; read the statuses of `messages` first. Not a `WebcomApiError`: that
 * one means the gateway refused, and nothing was sent (docs/protocol.md §3, D12).
 */
export class WebcomAmbiguousSendError extends WebcomError {
  /** Always true: the gateway accepted the request, so its messages may have gone out. */
  readonly possiblyDelivered = true;

  constructor(
    /** The messages the answer listed, in its order, without recipients. */
    readonly messages: Omit<SentMessage, 'to'>[],
    /** How many recipients the request carried. */
    readonly recipients: number,
    /** What is left on the account, when the gateway said. */
    readonly balance?: number,
  ) {
    super(
      `Webcom gateway accepted the send but answered ${messages.length} message id(s) for ` +
        `${recipients} recipient(s); the messages may have been delivered`,
    );
  }

  protected details() {
    return {
      possiblyDelivered: this.possiblyDelivered,
      messages: this.messages,
      recipients: this.recipients,
      ...(this.balance === undefined ? {} : { balance: this.balance }),
    };
  }
}

/**
 * True when the call the error ended may still have reached the recipients: a transport error
 * after the request left, or an ambiguous acceptance. Resending then may message and bill twice.
 */
export function possiblyDelivered(error: unknown): boolean {
  return (
    (error instanceof WebcomTransportError || error instanceof WebcomAmbiguousSendError) &&
    error.possiblyDelivered
  );
}

/** Some requests of a split send failed: every recipient is either in `sent` or in `failed`. */
export class WebcomPartialSendError extends WebcomError {
  constructor(
    /** The messages of the requests that succeeded. */
    readonly sent: SendResult,
    /** The requests that failed: their recipients, and why. */
    readonly failed: {
      /** The recipients of the failed request, as international digits. */
      to: string[];
      /** Why it failed; a `WebcomTransportError` may still have delivered. */
      error: WebcomError;
    }[],
  ) {
    const failedCount = failed.reduce((n, f) => n + f.to.length, 0);
    super(
      `Webcom send partly failed: ${sent.messages.length} message(s) sent, ${failedCount} recipient(s) failed`,
    );
  }

  protected details() {
    return {
      sent: this.sent,
      failed: this.failed.map((f) => ({ to: f.to, error: f.error.toJSON() })),
    };
  }
}
