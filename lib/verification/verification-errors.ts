import { WebcomError } from '../errors/webcom-errors.js';

/**
 * `start` for a number that already has a pending verification. `verificationId` is that one:
 * check or resend it rather than start another (which would text the number again).
 */
export class WebcomVerificationConflictError extends WebcomError {
  constructor(
    /** The pending verification of the number. */
    readonly verificationId: string,
  ) {
    super('The number already has a pending verification');
  }

  protected details() {
    return { verificationId: this.verificationId };
  }
}

/** Which limit refused the call. */
export type VerificationLimitKind =
  /** `resend` before `resendAvailableAt`. */
  | 'resend_cooldown'
  /** `start` over the per-number or the per-key limit of its window. */
  | 'starts';

/**
 * A limit refused `start` or `resend`: nothing was sent. Try again after `retryAfterSeconds`
 * (an HTTP API answers 429 with `Retry-After`).
 */
export class WebcomVerificationRateLimitError extends WebcomError {
  constructor(
    /** Seconds until the call may succeed. */
    readonly retryAfterSeconds: number,
    /** The limit reached. */
    readonly limit: VerificationLimitKind,
  ) {
    super(`Too many verification requests: try again in ${retryAfterSeconds} s`);
  }

  protected details() {
    return { retryAfterSeconds: this.retryAfterSeconds, limit: this.limit };
  }
}
