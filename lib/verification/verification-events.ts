import type { Counter } from '@opentelemetry/api';
import { Subject, type Observable } from 'rxjs';
import { INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION, otel } from '../telemetry/otel-api.js';
import type { VerificationChannel } from './verification.types.js';

/** How a verification (or one call on it) ended, the metric's `outcome`. */
export type VerificationOutcome =
  | 'started'
  | 'approved'
  | 'wrong_code'
  | 'expired'
  | 'too_many_attempts'
  | 'cancelled'
  | 'send_failed'
  | 'conflict'
  | 'rate_limited';

/** A code went out: on `start`, or on `resend` (`resend: true`). */
export interface VerificationStartedEvent {
  /** Tells this event from the other `VerificationEvent`s. */
  type: 'started';
  /** The verification's id. */
  verificationId: string;
  /** The channel the code went out on. */
  channel: VerificationChannel;
  /** The step's index in the workflow. */
  step: number;
  /** True for a `resend`, false for the `start`. */
  resend: boolean;
}

/** The right code was checked: the verification is spent. */
export interface VerificationApprovedEvent {
  /** Tells this event from the other `VerificationEvent`s. */
  type: 'approved';
  /** The verification's id. */
  verificationId: string;
  /** The channel of the step whose code was approved. */
  channel: VerificationChannel;
  /** Checks it took, the approving one included. */
  attempts: number;
}

/** A check or a send did not succeed. */
export interface VerificationFailedEvent {
  /** Tells this event from the other `VerificationEvent`s. */
  type: 'failed';
  /** The verification's id. */
  verificationId: string;
  /** The current step's channel, where the failure concerns one. */
  channel?: VerificationChannel;
  /** What failed: a wrong code, the last attempt used up, expiry, cancel, or a send. */
  outcome: Exclude<VerificationOutcome, 'started' | 'approved' | 'conflict' | 'rate_limited'>;
}

/**
 * What `WebcomVerificationService.events$` emits: ids, channels and outcomes, never a code or
 * a number.
 */
export type VerificationEvent =
  VerificationStartedEvent | VerificationApprovedEvent | VerificationFailedEvent;

/** The counter's name: verifications by `webcom.channel` and `webcom.verification.outcome`. */
export const VERIFICATION_METRIC = 'webcom.verifications';

/**
 * The events of one module and its OpenTelemetry counter, kept apart from the service so that
 * every report goes through one place. With `@opentelemetry/api` absent, only the events.
 */
export class VerificationReporter {
  private readonly subject = new Subject<VerificationEvent>();
  readonly events$: Observable<VerificationEvent> = this.subject.asObservable();
  private counter?: { provider: unknown; add: Counter['add'] };

  /** Counts `outcome` on `channel` (none when the call never reached one) and emits `event`. */
  report(
    outcome: VerificationOutcome,
    channel: VerificationChannel | undefined,
    event?: VerificationEvent,
  ): void {
    this.counterNow()?.add(1, {
      'webcom.verification.outcome': outcome,
      ...(channel ? { 'webcom.channel': channel } : {}),
    });
    if (event) this.subject.next(event);
  }

  /**
   * The counter on the current global meter provider: the metrics API has no proxy provider,
   * so it is created again when the app registers its provider after the module was built.
   */
  private counterNow(): Pick<Counter, 'add'> | undefined {
    if (!otel) return undefined;
    const provider = otel.metrics.getMeterProvider();
    if (this.counter?.provider !== provider) {
      const counter = provider
        .getMeter(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION)
        .createCounter(VERIFICATION_METRIC, {
          description: 'Verifications started, approved and failed, by channel and outcome',
          unit: '{verification}',
        });
      this.counter = { provider, add: counter.add.bind(counter) };
    }
    return this.counter;
  }

  complete(): void {
    this.subject.complete();
  }
}
