import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { validateDto } from '../dto/validate.js';
import { WebcomValidationError } from '../errors/webcom-errors.js';
import type { WebcomService } from '../webcom.service.js';
import { StartVerificationDto } from './start-verification.dto.js';
import { notPending, VerificationAdmission } from './verification-admission.js';
import {
  WebcomVerificationConflictError,
  WebcomVerificationRateLimitError,
} from './verification-errors.js';
import { VerificationReporter, type VerificationEvent } from './verification-events.js';
import { withStepDefaults, type ResolvedVerificationOptions } from './verification-options.js';
import { VerificationSecrets } from './verification-secrets.js';
import { VerificationSender } from './verification-sender.js';
import {
  unavailability,
  type StoredVerification,
  type Unavailable,
  type VerificationStore,
} from './verification-store.js';
import { toVerification } from './verification-view.js';
import type {
  StartVerificationInput,
  StartVerificationOptions,
  Verification,
  VerificationChannel,
  VerificationCheckResult,
} from './verification.types.js';

/** Longest code `check` looks at; anything longer is wrong without further work. */
const MAX_CODE_LENGTH = 64;

/**
 * One-time codes over the account's channels: `start` sends a code, `check` approves it once,
 * `resend` goes on through the workflow. Codes are stored only as HMACs, numbers only as HMACs
 * and sealed; no error, event or metric carries either.
 */
export class WebcomVerificationService implements OnModuleInit, OnApplicationShutdown {
  private readonly secrets: VerificationSecrets;
  private readonly sender: VerificationSender;
  private readonly admission: VerificationAdmission;
  private readonly reporter = new VerificationReporter();

  /** started, approved and failed verifications, by channel and outcome: no code, no number. */
  readonly events$: Observable<VerificationEvent> = this.reporter.events$;

  constructor(
    /** The account's `WebcomService`, or how to find it once the app's providers exist. */
    webcom: WebcomService | (() => WebcomService),
    private readonly store: VerificationStore,
    private readonly options: ResolvedVerificationOptions,
    /** Epoch milliseconds; a test may pass its own clock. */
    private readonly now: () => number = Date.now,
  ) {
    this.secrets = new VerificationSecrets(options.secret);
    this.sender = new VerificationSender(webcom, options.templates);
    this.admission = new VerificationAdmission(options, this.secrets);
  }

  /**
   * Sends the first step's code to `to` (exactly one number). Throws
   * `WebcomVerificationConflictError` when the number has a pending verification,
   * `WebcomVerificationRateLimitError` over a limit, `WebcomValidationError` for a bad `to` or
   * a number outside `allowedCountries`; a failed send rejects with the gateway's error and
   * leaves no pending verification.
   */
  async start(
    input: StartVerificationInput,
    { rateLimitKey }: StartVerificationOptions = {},
  ): Promise<Verification> {
    const { to, workflow: own } = validateDto(StartVerificationDto, input);
    this.admission.check(to, rateLimitKey);
    const workflow = own ? withStepDefaults(own) : this.options.workflow;
    const { channel } = workflow[0];
    const now = this.now();
    const id = VerificationSecrets.newId();
    const code = this.newCode(channel);
    const record: StoredVerification = {
      id,
      numberKey: this.secrets.lookup('number', to),
      sealedTo: this.secrets.seal(id, to),
      workflow,
      step: 0,
      channel,
      codeDigest: code === undefined ? '' : this.secrets.codeDigest(id, code),
      messageId: '',
      state: 'pending',
      attempts: 0,
      maxAttempts: this.options.maxCheckAttempts,
      expiresAt: now + this.options.ttlSeconds * 1000,
      stepStartedAt: now,
      resendAvailableAt: now + this.options.resendCooldownSeconds * 1000,
    };
    const created = await this.store.create(record, this.admission.limits(to, rateLimitKey), now);
    if (created.outcome === 'conflict') {
      this.reporter.report('conflict', channel);
      throw new WebcomVerificationConflictError(created.id);
    }
    if (created.outcome === 'rate_limited') {
      this.reporter.report('rate_limited', channel);
      throw new WebcomVerificationRateLimitError(created.retryAfterSeconds, 'starts');
    }
    record.messageId = await this.sendStep(record, to, code, now, false);
    return toVerification(record, to, now);
  }

  /**
   * Checks `code`. Every check of a pending verification counts, across every instance sharing
   * the store: the n-th wrong one answers `wrong_code` with `maxCheckAttempts − n` left, every
   * later one `too_many_attempts`. Once `approved`, the verification is spent: later checks
   * answer `not_found`. A flashcall's code is the one the gateway reports for its call.
   */
  async check(id: string, code: string): Promise<VerificationCheckResult> {
    if (typeof code !== 'string') {
      throw new WebcomValidationError([{ field: 'code', messages: ['code must be a string'] }]);
    }
    if (typeof id !== 'string' || id === '') return { status: 'not_found', attemptsLeft: 0 };
    const now = this.now();
    const reserved = await this.store.reserveAttempt(id, now);
    if (reserved.outcome !== 'reserved') return this.unavailable(id, reserved.outcome);
    const { record } = reserved;
    const matches = code.length <= MAX_CODE_LENGTH && (await this.codeMatches(record, code));
    if (matches && (await this.store.approve(id, now))) {
      this.reporter.report('approved', record.channel, {
        type: 'approved',
        verificationId: id,
        channel: record.channel,
        attempts: record.attempts,
      });
      return { status: 'approved', attemptsLeft: 0 };
    }
    // Approved by a concurrent check, or expired meanwhile: spent either way.
    if (matches) return { status: 'not_found', attemptsLeft: 0 };
    const attemptsLeft = record.maxAttempts - record.attempts;
    this.fail(id, 'wrong_code', record.channel);
    if (attemptsLeft === 0) this.fail(id, 'too_many_attempts', record.channel);
    return { status: 'wrong_code', attemptsLeft };
  }

  /**
   * Sends a new code: on the next step once the current one has had its `timeoutSeconds` or
   * its message is known to have failed, else on the same step again. Before
   * `resendAvailableAt`, a `WebcomVerificationRateLimitError`; a verification that is not
   * pending, a `WebcomValidationError` on `id`. The previous code stops working.
   */
  async resend(id: string): Promise<Verification> {
    const now = this.now();
    const found = typeof id === 'string' && id !== '' ? await this.store.find(id) : undefined;
    const why = unavailability(found, now);
    if (why) throw notPending(why);
    const record = found!;
    if (now < record.resendAvailableAt) throw this.cooldown(record.resendAvailableAt - now);
    const step = record.workflow[record.step];
    const moveOn =
      record.step < record.workflow.length - 1 &&
      (now >= record.stepStartedAt + step.timeoutSeconds * 1000 ||
        (await this.sender.failed(record.messageId)));
    const toStep = moveOn ? record.step + 1 : record.step;
    const { channel } = record.workflow[toStep];
    const code = this.newCode(channel);
    const claim = await this.store.claimResend(
      id,
      {
        fromStep: record.step,
        toStep,
        channel,
        codeDigest: code === undefined ? '' : this.secrets.codeDigest(id, code),
        cooldownMs: this.options.resendCooldownSeconds * 1000,
      },
      now,
    );
    if (claim.outcome === 'too_early') throw this.cooldown(claim.retryAfterMs);
    if (claim.outcome === 'moved') throw this.cooldown(this.options.resendCooldownSeconds * 1000);
    if (claim.outcome !== 'claimed') throw notPending(claim.outcome);
    const to = this.secrets.unseal(id, claim.record.sealedTo);
    claim.record.messageId = await this.sendStep(claim.record, to, code, now, true);
    return toVerification(claim.record, to, now);
  }

  /** Cancels a pending verification (its code stops working); false if it was not pending. */
  async cancel(id: string): Promise<boolean> {
    if (typeof id !== 'string' || id === '') return false;
    const result = await this.store.cancel(id, this.now());
    if (result.outcome !== 'done') return false;
    this.fail(id, 'cancelled');
    return true;
  }

  /** The verification as it is now; `undefined` once the store has dropped it. */
  async get(id: string): Promise<Verification | undefined> {
    if (typeof id !== 'string' || id === '') return undefined;
    const record = await this.store.find(id);
    return record && toVerification(record, this.secrets.unseal(id, record.sealedTo), this.now());
  }

  /** Finds the account now, so that a missing or unsafe one stops the boot. */
  onModuleInit(): void {
    void this.sender.webcom;
  }

  /** Completes `events$`. */
  onApplicationShutdown(): void {
    this.reporter.complete();
  }

  /** A generated code, except on a flashcall step, whose code the gateway makes. */
  private newCode(channel: VerificationChannel): string | undefined {
    return channel === 'flashcall'
      ? undefined
      : VerificationSecrets.newCode(this.options.codeLength);
  }

  /** Sends the record's current step and records its message id; on failure, ends the record. */
  private async sendStep(
    record: StoredVerification,
    to: string,
    code: string | undefined,
    now: number,
    resend: boolean,
  ): Promise<string> {
    let messageId: string;
    try {
      messageId = await this.sender.send(record.channel, to, code);
    } catch (error) {
      this.fail(record.id, 'send_failed', record.channel);
      // A first code that never left must not hold the number: it could not be checked.
      if (!resend) await this.store.cancel(record.id, now).catch(() => undefined);
      throw error;
    }
    await this.store.attachMessage(record.id, record.step, messageId);
    this.reporter.report('started', record.channel, {
      type: 'started',
      verificationId: record.id,
      channel: record.channel,
      step: record.step,
      resend,
    });
    return messageId;
  }

  private async codeMatches(record: StoredVerification, code: string): Promise<boolean> {
    if (record.channel !== 'flashcall') {
      return this.secrets.codeMatches(record.id, code, record.codeDigest);
    }
    const reported = await this.sender.flashcallCode(record.messageId).catch(() => undefined);
    return reported !== undefined && this.secrets.codesEqual(record.id, code, reported);
  }

  private unavailable(id: string, why: Unavailable): VerificationCheckResult {
    // An approved verification is spent: to a check, it no longer exists.
    if (why === 'approved') return { status: 'not_found', attemptsLeft: 0 };
    if (why === 'expired' || why === 'too_many_attempts') this.fail(id, why);
    return { status: why, attemptsLeft: 0 };
  }

  private fail(
    verificationId: string,
    outcome: 'wrong_code' | 'expired' | 'too_many_attempts' | 'cancelled' | 'send_failed',
    channel?: VerificationChannel,
  ): void {
    this.reporter.report(outcome, channel, {
      type: 'failed',
      verificationId,
      outcome,
      ...(channel ? { channel } : {}),
    });
  }

  private cooldown(waitMs: number): WebcomVerificationRateLimitError {
    return new WebcomVerificationRateLimitError(
      Math.max(1, Math.ceil(waitMs / 1000)),
      'resend_cooldown',
    );
  }
}
