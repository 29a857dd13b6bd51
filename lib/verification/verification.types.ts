/** The channels a verification step can send its code on. */
export type VerificationChannel = 'sms' | 'viber' | 'telegram' | 'whatsapp' | 'voice' | 'flashcall';

/** The channels whose code is generated here and sent as text through a template. */
export type TemplateChannel = Exclude<VerificationChannel, 'flashcall'>;

/** Every step channel, in the order the docs list them. */
export const VERIFICATION_CHANNELS: readonly VerificationChannel[] = Object.keys({
  sms: true,
  viber: true,
  telegram: true,
  whatsapp: true,
  voice: true,
  flashcall: true,
} satisfies Record<VerificationChannel, true>) as VerificationChannel[];

/** One step of a workflow: a channel, and how long it gets before `resend` may move on. */
export interface VerificationStep {
  /** The channel this step sends its code on; a flashcall's code is the gateway's. */
  channel: VerificationChannel;
  /** Seconds after the step's send before `resend` moves to the next step. Default 60. */
  timeoutSeconds?: number;
}

/** Where a verification is. `expired` and `too_many_attempts` are read off its clock and count. */
export type VerificationStatus =
  'pending' | 'approved' | 'expired' | 'too_many_attempts' | 'cancelled';

/** A verification as `start`, `resend` and `get` report it; never its code. */
export interface Verification {
  /** Opaque, unguessable id: what `check`, `resend`, `cancel` and `get` take. */
  id: string;
  /** The number, as international digits: the caller's own data, as `SendResult.messages[].to`. */
  to: string;
  /** The channel of the current step. */
  channel: VerificationChannel;
  /** The index of the current step in the workflow, from 0. */
  step: number;
  /** Where it is now. */
  status: VerificationStatus;
  /** After this, `check` answers `expired`. */
  expiresAt: Date;
  /** Wrong codes still allowed. */
  attemptsLeft: number;
  /** From this time on, `resend` is allowed. */
  resendAvailableAt: Date;
}

/** What `start` takes: exactly one number, and optionally this verification's own workflow. */
export interface StartVerificationInput {
  /** One phone number, in any usual notation (`+7 (999) 123-45-67`). */
  to: string;
  /** The steps, in order; default the module's `workflow`. */
  workflow?: VerificationStep[];
}

/** Options of one `start` call. */
export interface StartVerificationOptions {
  /**
   * A key the per-key limit counts starts under, e.g. the client's IP address: it bounds how
   * many numbers one client can have texted. Stored only as an HMAC.
   */
  rateLimitKey?: string;
}

/** What `check` answered. */
export type CheckStatus =
  'approved' | 'wrong_code' | 'expired' | 'too_many_attempts' | 'not_found' | 'cancelled';

/** What `check` answered, and how many wrong codes the verification still allows. */
export interface VerificationCheckResult {
  /** `approved` once; `wrong_code` while attempts are left; else why it cannot be approved. */
  status: CheckStatus;
  /** Wrong codes still allowed after this check (0 once it is decided). */
  attemptsLeft: number;
}
