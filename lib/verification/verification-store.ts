import type { VerificationChannel, VerificationStep } from './verification.types.js';

/**
 * The token of the `VerificationStore` a `WebcomVerificationModule` uses, as `ThrottlerStorage`
 * is `@nestjs/throttler`'s: override it (`overrideProvider(VERIFICATION_STORE)`) or pass a store
 * of your own as the `store` option.
 */
export const VERIFICATION_STORE = Symbol('WebcomVerificationStore');

/**
 * A verification as stored: no code (only its HMAC, `codeDigest`) and no number (only its HMAC,
 * `numberKey`, and the number sealed under the module's secret, `sealedTo`).
 */
export interface StoredVerification {
  /** The verification's id. */
  id: string;
  /** The HMAC of the number: the key "one pending verification per number" is kept under. */
  numberKey: string;
  /** The number, AES-GCM sealed: what lets any instance resend. */
  sealedTo: string;
  /** Its steps, with their timeouts. */
  workflow: Required<VerificationStep>[];
  /** The current step's index in `workflow`. */
  step: number;
  /** The current step's channel. */
  channel: VerificationChannel;
  /** The HMAC of the current step's code; empty for a flashcall, whose code the gateway keeps. */
  codeDigest: string;
  /** The gateway's id of the current step's message, once sent; empty before. */
  messageId: string;
  /** Where the verification is; `expired` and `too_many_attempts` follow from the fields below. */
  state: 'pending' | 'approved' | 'cancelled';
  /** Checks counted so far (wrong ones, and the one that approved). */
  attempts: number;
  /** Checks allowed (`maxCheckAttempts` when it started). */
  maxAttempts: number;
  /** When it expires, epoch milliseconds (as the other times). */
  expiresAt: number;
  /** When the current step was first sent: its `timeoutSeconds` run from here. */
  stepStartedAt: number;
  /** When `resend` is allowed next. */
  resendAvailableAt: number;
}

/** A rate-limit counter a `create` increments: `key` is already an HMAC. */
export interface StoreLimit {
  /** The counter's key: an HMAC of the number or of the rate-limit key. */
  key: string;
  /** Starts allowed per window. */
  max: number;
  /** The window, from the first start it counts. */
  windowSeconds: number;
}

/** What `create` did. */
export type CreateOutcome =
  | {
      /** Stored, and the counters incremented. */
      outcome: 'created';
    }
  | {
      /** The number has a live verification. */
      outcome: 'conflict';
      /** That verification's id. */
      id: string;
    }
  | {
      /** A counter is at its max; nothing was stored or counted. */
      outcome: 'rate_limited';
      /** Seconds until its window ends. */
      retryAfterSeconds: number;
    };

/** Why an operation found no live verification to act on. */
export type Unavailable = 'not_found' | 'expired' | 'cancelled' | 'approved' | 'too_many_attempts';

/** What an operation answers when the verification is not live. */
export interface NotLive {
  /** Why not. */
  outcome: Unavailable;
}

/** What `reserveAttempt` did. */
export type AttemptOutcome =
  | {
      /** The attempt is counted: compare the code now. */
      outcome: 'reserved';
      /** The record, its `attempts` including this one. */
      record: StoredVerification;
    }
  | NotLive;

/** A step change `claimResend` installs: the step, its channel and its code's digest. */
export interface StepChange {
  /** The step the caller saw: the change applies only if it still is the current one. */
  fromStep: number;
  /** The step to send now (the same one, or the next). */
  toStep: number;
  /** Its channel. */
  channel: VerificationChannel;
  /** The HMAC of its new code; empty for a flashcall. */
  codeDigest: string;
  /** How long until the next resend is allowed. */
  cooldownMs: number;
}

/** What `cancel` did. */
export type CancelOutcome =
  | {
      /** It was live and is cancelled now. */
      outcome: 'done';
    }
  | NotLive;

/** What `claimResend` did. */
export type ResendOutcome =
  | {
      /** The change is installed: send its step now. */
      outcome: 'claimed';
      /** The record after the change. */
      record: StoredVerification;
    }
  | {
      /** The cooldown is not over. */
      outcome: 'too_early';
      /** Milliseconds until it is. */
      retryAfterMs: number;
    }
  | {
      /** Another resend changed the step first. */
      outcome: 'moved';
    }
  | NotLive;

/**
 * Where verifications live. Every method is one atomic operation (one round trip to a remote
 * store), so that instances sharing a store never count an attempt twice or approve twice.
 * `now` is epoch milliseconds. Records disappear some time after `expiresAt`; a live number key
 * and the counters disappear with their verification and window.
 */
export interface VerificationStore {
  /** Stores `record` unless its number has a live verification or a limit is reached. */
  create(record: StoredVerification, limits: StoreLimit[], now: number): Promise<CreateOutcome>;
  /** The record, whatever its state; `undefined` once it is gone. */
  find(id: string): Promise<StoredVerification | undefined>;
  /** Counts one check of a live verification with attempts left, and returns it. */
  reserveAttempt(id: string, now: number): Promise<AttemptOutcome>;
  /** Marks a live verification approved (spent) and frees its number; false if it was not live. */
  approve(id: string, now: number): Promise<boolean>;
  /** Installs `change` if the cooldown is over and the step is still `fromStep`. */
  claimResend(id: string, change: StepChange, now: number): Promise<ResendOutcome>;
  /** Records the message of `step` once sent; false if the step changed meanwhile. */
  attachMessage(id: string, step: number, messageId: string): Promise<boolean>;
  /** Cancels a live verification and frees its number. */
  cancel(id: string, now: number): Promise<CancelOutcome>;
  /** Releases what the store holds (a connection it opened). */
  close?(): Promise<void>;
}

/** How long a record is kept after it expires, so that a late `check` answers `expired`. */
export function recordLifetimeMs(record: StoredVerification, now: number): number {
  return Math.max(1, record.expiresAt - now) * 2;
}

/** Why `record` is not live at `now`; `undefined` when it is. */
export function unavailability(
  record: StoredVerification | undefined,
  now: number,
): Unavailable | undefined {
  if (!record) return 'not_found';
  if (record.state !== 'pending') return record.state;
  if (now >= record.expiresAt) return 'expired';
  if (record.attempts >= record.maxAttempts) return 'too_many_attempts';
  return undefined;
}
