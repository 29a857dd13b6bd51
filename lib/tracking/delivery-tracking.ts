import { defer, lastValueFrom, Observable } from 'rxjs';
import { WebcomApiError, WebcomError, WebcomTransportError } from '../errors/webcom-errors.js';
import {
  IfGiven,
  IsWholeNumber,
  OptionRule,
  validateOptions,
} from '../options/validate-options.js';
import type { MessageStatus } from '../protocol/results.js';
import { mapConcurrently } from '../util/map-concurrently.js';
import { isShutdownError, shutdownError, type ShutdownSignal } from '../util/shutdown-signal.js';

/** Reads one message's status, e.g. `WebcomService.getStatus`. */
export type StatusReader = (id: string) => Promise<MessageStatus>;

/**
 * When waiting for a message ends (docs/protocol.md §5, D11):
 * - `'settled'`: at `deliver` or a final state (`MessageStatus.settled`). An SMS, a voice call
 *   or a flashcall never goes past `deliver`, so this is the one to use for them.
 * - `'read'`: only at a final state (`MessageStatus.final`): `read` on Viber, Telegram or
 *   WhatsApp, or a failure for good. Messages that cannot report reading end at their timeout.
 */
export type TrackUntil = 'settled' | 'read';

/** How long and how often to poll; every number is a whole number. */
export interface TrackOptions {
  /** Where waiting ends: `'settled'` (default) or `'read'`; see {@link TrackUntil}. */
  until?: TrackUntil;
  /** Time allowed for every message to get there; default 10 minutes. */
  timeoutMs?: number;
  /** Wait after the first read before the second; default 2000. */
  intervalMs?: number;
  /** Cap on every wait between reads, the first included; default 60000. */
  maxIntervalMs?: number;
  /** Most status reads in flight at once; default 8. */
  concurrency?: number;
}

const DEFAULTS: Required<TrackOptions> = {
  until: 'settled',
  timeoutMs: 600_000,
  intervalMs: 2_000,
  maxIntervalMs: 60_000,
  concurrency: 8,
};

/** `setTimeout` fires at once for longer delays, so no wait may exceed it. */
const MAX_TIMER_MS = 2_147_483_647;

const TRACK_UNTIL: readonly TrackUntil[] = ['settled', 'read'];

/** Whether `status` is where waiting `until` ends. */
export function isTrackedToEnd(status: MessageStatus, until: TrackUntil): boolean {
  return until === 'read' ? status.final : status.settled;
}

/** The rules of `TrackOptions`. */
class TrackOptionsSchema implements Required<TrackOptions> {
  @IfGiven()
  @OptionRule('isTrackUntil', "must be 'settled' or 'read'", (value) =>
    TRACK_UNTIL.includes(value as TrackUntil),
  )
  until!: TrackUntil;

  @IsWholeNumber(1, MAX_TIMER_MS)
  timeoutMs!: number;

  @IsWholeNumber(1, MAX_TIMER_MS)
  intervalMs!: number;

  @IsWholeNumber(1, MAX_TIMER_MS)
  maxIntervalMs!: number;

  @IsWholeNumber(1)
  concurrency!: number;
}

/** Growth of the wait per poll: a status that lingers is asked about less and less often. */
const BACKOFF_FACTOR = 1.5;

/** A message was not settled (or, with `until: 'read'`, not final) in the time allowed. */
export class WebcomTrackingTimeoutError extends WebcomError {
  constructor(
    /** The message still unfinished; with several, the first of them in the order given. */
    readonly id: string,
    /** The time that was allowed, in milliseconds. */
    readonly timeoutMs: number,
    /** Its last status read, if any read succeeded. */
    readonly lastStatus?: MessageStatus,
    /** What the wait was for. */
    readonly until: TrackUntil = 'settled',
  ) {
    super(
      `Webcom message ${id} ${until === 'read' ? 'reached no final state' : 'was not settled'} ` +
        `within ${timeoutMs} ms (last state: ${lastStatus?.state ?? 'none read'})`,
    );
  }

  protected details() {
    return {
      id: this.id,
      timeoutMs: this.timeoutMs,
      until: this.until,
      lastStatus: this.lastStatus,
    };
  }
}

/**
 * Reads many statuses with at most `concurrency` reads in flight, in the order of `ids`.
 *
 * Every read is attempted, even after one fails, so that the error reported is always the
 * same: the rejection is the error of the earliest failed id in the order of `ids`.
 *
 * @throws {WebcomValidationError} when `concurrency` is not a whole number of at least 1.
 */
export async function getStatuses(
  read: StatusReader,
  ids: readonly string[],
  concurrency: number,
): Promise<MessageStatus[]> {
  validateOptions(TrackOptionsSchema, { concurrency }, 'argument');
  const outcomes = await mapConcurrently(ids, concurrency, (id) => read(id));
  return outcomes.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });
}

/**
 * Polls the statuses of `ids` until each is settled (or, with `until: 'read'`, final),
 * emitting every change.
 *
 * - Cold: each subscription polls anew, and its time counts from the subscription.
 * - Polls in rounds over the messages not yet done: the first round at once, the next after
 *   `intervalMs`, each later wait ×1.5 up to `maxIntervalMs`; a wait runs from the end of one
 *   round to the start of the next. A message that is done is never read again.
 * - Emits a status whenever its `state` differs from the last one emitted for that id; the
 *   first read of each id is emitted. A repeated id is tracked once.
 * - Completes once every message is done (at once for no ids).
 * - Errors with {@link WebcomTrackingTimeoutError} when `timeoutMs` runs out first, carrying
 *   the first unfinished id in the order of `ids` and the last status read for it: ending in an
 *   error, not a completion, means a caller cannot take a timeout for success.
 * - A read failing with a {@link WebcomTransportError}, or a {@link WebcomApiError} of status
 *   429 or 5xx, is passed over until the next round: the read has already retried on its own.
 *   Any other error (e.g. a {@link WebcomValidationError}) ends the stream with that error.
 * - Unsubscribing, like completing or erroring, clears every timer and starts no further read;
 *   the outcome of a read already in flight is dropped.
 * - When `shutdown` closes (the service shuts down), the stream errors at once with a
 *   `WebcomTransportError` of code `ESHUTDOWN` (`possiblyDelivered: false`) and reads no more;
 *   subscribing after it closed errors so without a read.
 *
 * Invalid options make the stream error with a {@link WebcomValidationError} on subscription.
 */
export function trackDelivery(
  read: StatusReader,
  ids: readonly string[],
  options: TrackOptions = {},
  shutdown?: ShutdownSignal,
): Observable<MessageStatus> {
  return defer(() => poll(read, ids, resolveTrackOptions(options), shutdown));
}

/**
 * Polls one message's status until it is settled (or, with `until: 'read'`, final), as
 * {@link trackDelivery} does, and resolves with that status.
 *
 * Rejects with {@link WebcomTrackingTimeoutError} (carrying the last status read) when
 * `timeoutMs` runs out, with a {@link WebcomValidationError} for invalid options, with a
 * `WebcomTransportError` of code `ESHUTDOWN` when `shutdown` closes first, and with the read's
 * error when it is not a transient one (transport, 429 or 5xx). `concurrency` has no effect here.
 */
export function waitForFinalStatus(
  read: StatusReader,
  id: string,
  options: TrackOptions = {},
  shutdown?: ShutdownSignal,
): Promise<MessageStatus> {
  return lastValueFrom(trackDelivery(read, [id], options, shutdown));
}

function poll(
  read: StatusReader,
  ids: readonly string[],
  options: Required<TrackOptions>,
  shutdown: ShutdownSignal | undefined,
): Observable<MessageStatus> {
  return new Observable<MessageStatus>((subscriber) => {
    const stoppedByShutdown = () =>
      shutdownError(
        `the service shut down before ${ids.length === 1 ? `message ${ids[0]}` : 'the messages'} ` +
          `${options.until === 'read' ? 'reached a final state' : 'settled'}`,
      );
    if (shutdown?.closed) {
      subscriber.error(stoppedByShutdown());
      return;
    }
    const latest = new Map<string, MessageStatus>();
    // A set keeps the order given, so a timeout names the same id whatever the reads' timing.
    const unfinished = new Set(ids);
    let pollTimer: ReturnType<typeof setTimeout> | undefined;

    // Its own timer rather than a check between rounds, so a read that hangs cannot delay it.
    const deadline = setTimeout(() => {
      const [id] = unfinished;
      subscriber.error(
        new WebcomTrackingTimeoutError(id, options.timeoutMs, latest.get(id), options.until),
      );
    }, options.timeoutMs);
    // Erroring runs the teardown below: both timers cleared, no read started after.
    const stopListening = shutdown?.onClose(() => subscriber.error(stoppedByShutdown()));

    const readOne = async (id: string): Promise<void> => {
      if (subscriber.closed) return;
      try {
        const status = await read(id);
        if (subscriber.closed) return;
        const previous = latest.get(id);
        latest.set(id, status);
        if (isTrackedToEnd(status, options.until)) unfinished.delete(id);
        if (previous?.state !== status.state) subscriber.next(status);
      } catch (error) {
        if (!subscriber.closed && !isTransient(error)) subscriber.error(error);
      }
    };

    const round = async (nextWaitMs: number): Promise<void> => {
      await mapConcurrently([...unfinished], options.concurrency, readOne);
      if (subscriber.closed) return;
      if (unfinished.size === 0) {
        subscriber.complete();
        return;
      }
      const grown = Math.min(Math.ceil(nextWaitMs * BACKOFF_FACTOR), options.maxIntervalMs);
      pollTimer = setTimeout(() => void round(grown), nextWaitMs);
    };

    void round(Math.min(options.intervalMs, options.maxIntervalMs));

    return () => {
      clearTimeout(deadline);
      clearTimeout(pollTimer);
      stopListening?.();
    };
  });
}

/**
 * Failures the reader has already retried, which a later poll may well get past. A shutdown
 * is none: no later poll would be answered.
 */
function isTransient(error: unknown): boolean {
  if (isShutdownError(error)) return false;
  return (
    error instanceof WebcomTransportError ||
    (error instanceof WebcomApiError && (error.status === 429 || error.status >= 500))
  );
}

/** The options with defaults filled in; messages name the option, as the module's do. */
function resolveTrackOptions(options: TrackOptions): Required<TrackOptions> {
  validateOptions(TrackOptionsSchema, options, 'tracking options');
  const given = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as TrackOptions;
  return { ...DEFAULTS, ...given };
}
