import { defer, lastValueFrom, Observable } from 'rxjs';
import { WebcomApiError, WebcomError, WebcomTransportError } from '../errors/webcom-errors.js';
import { IsWholeNumber, validateOptions } from '../options/validate-options.js';
import type { MessageStatus } from '../protocol/results.js';
import { mapConcurrently } from '../util/map-concurrently.js';

/** Reads one message's status, e.g. `WebcomService.getStatus`. */
export type StatusReader = (id: string) => Promise<MessageStatus>;

/** How long and how often to poll; every value is a whole number. */
export interface TrackOptions {
  /** Time allowed for every message to reach a final state; default 10 minutes. */
  timeoutMs?: number;
  /** Wait after the first read before the second; default 2000. */
  intervalMs?: number;
  /** Cap on every wait between reads, the first included; default 60000. */
  maxIntervalMs?: number;
  /** Most status reads in flight at once; default 8. */
  concurrency?: number;
}

const DEFAULTS: Required<TrackOptions> = {
  timeoutMs: 600_000,
  intervalMs: 2_000,
  maxIntervalMs: 60_000,
  concurrency: 8,
};

/** `setTimeout` fires at once for longer delays, so no wait may exceed it. */
const MAX_TIMER_MS = 2_147_483_647;

/** The rules of `TrackOptions`. */
class TrackOptionsSchema implements Required<TrackOptions> {
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

/** A message did not reach a final state in the time allowed. */
export class WebcomTrackingTimeoutError extends WebcomError {
  constructor(
    /** The message still unfinished; with several, the first of them in the order given. */
    readonly id: string,
    /** The time that was allowed, in milliseconds. */
    readonly timeoutMs: number,
    /** Its last status read, if any read succeeded. */
    readonly lastStatus?: MessageStatus,
  ) {
    super(
      `Webcom message ${id} reached no final state within ${timeoutMs} ms ` +
        `(last state: ${lastStatus?.state ?? 'none read'})`,
    );
  }

  protected details() {
    return { id: this.id, timeoutMs: this.timeoutMs, lastStatus: this.lastStatus };
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
 * Polls the statuses of `ids` until each is final, emitting every change.
 *
 * - Cold: each subscription polls anew, and its time counts from the subscription.
 * - Polls in rounds over the messages not yet final: the first round at once, the next after
 *   `intervalMs`, each later wait ×1.5 up to `maxIntervalMs`; a wait runs from the end of one
 *   round to the start of the next. A message whose status is final is never read again.
 * - Emits a status whenever its `state` or `final` differs from the last one emitted for that
 *   id; the first read of each id is emitted. A repeated id is tracked once.
 * - Completes once every status is final (at once for no ids).
 * - Errors with {@link WebcomTrackingTimeoutError} when `timeoutMs` runs out first, carrying
 *   the first unfinished id in the order of `ids` and the last status read for it: ending in an
 *   error, not a completion, means a caller cannot take a timeout for success.
 * - A read failing with a {@link WebcomTransportError}, or a {@link WebcomApiError} of status
 *   429 or 5xx, is passed over until the next round: the read has already retried on its own.
 *   Any other error (e.g. a {@link WebcomValidationError}) ends the stream with that error.
 * - Unsubscribing, like completing or erroring, clears every timer and starts no further read;
 *   the outcome of a read already in flight is dropped.
 *
 * Invalid options make the stream error with a {@link WebcomValidationError} on subscription.
 */
export function trackDelivery(
  read: StatusReader,
  ids: readonly string[],
  options: TrackOptions = {},
): Observable<MessageStatus> {
  return defer(() => poll(read, ids, resolveTrackOptions(options)));
}

/**
 * Polls one message's status until it is final, as {@link trackDelivery} does, and resolves
 * with that final status.
 *
 * Rejects with {@link WebcomTrackingTimeoutError} (carrying the last status read) when
 * `timeoutMs` runs out, with a {@link WebcomValidationError} for invalid options, and with the
 * read's error when it is not a transient one (transport, 429 or 5xx). `concurrency` has no
 * effect here.
 */
export function waitForFinalStatus(
  read: StatusReader,
  id: string,
  options: TrackOptions = {},
): Promise<MessageStatus> {
  return lastValueFrom(trackDelivery(read, [id], options));
}

function poll(
  read: StatusReader,
  ids: readonly string[],
  options: Required<TrackOptions>,
): Observable<MessageStatus> {
  return new Observable<MessageStatus>((subscriber) => {
    const latest = new Map<string, MessageStatus>();
    // A set keeps the order given, so a timeout names the same id whatever the reads' timing.
    const unfinished = new Set(ids);
    let pollTimer: ReturnType<typeof setTimeout> | undefined;

    // Its own timer rather than a check between rounds, so a read that hangs cannot delay it.
    const deadline = setTimeout(() => {
      const [id] = unfinished;
      subscriber.error(new WebcomTrackingTimeoutError(id, options.timeoutMs, latest.get(id)));
    }, options.timeoutMs);

    const readOne = async (id: string): Promise<void> => {
      if (subscriber.closed) return;
      try {
        const status = await read(id);
        if (subscriber.closed) return;
        const previous = latest.get(id);
        latest.set(id, status);
        if (status.final) unfinished.delete(id);
        if (previous?.state !== status.state || previous.final !== status.final) {
          subscriber.next(status);
        }
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
    };
  });
}

/** Failures the reader has already retried, which a later poll may well get past. */
function isTransient(error: unknown): boolean {
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
