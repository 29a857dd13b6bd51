import { WebcomApiError, WebcomError, WebcomTransportError } from '../errors/webcom-errors.js';
import {
  IfGiven,
  IsWholeNumber,
  OptionRule,
  validateOptions,
} from '../options/validate-options.js';
import type { MessageStatus } from '../protocol/results.js';
import { isShutdownError } from '../util/shutdown-signal.js';

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
  /**
   * Most status reads of this wait in flight at once; default 8. All reads of the account also
   * share its budget, `statusRequestsPerSecond`.
   */
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
export class TrackOptionsSchema implements Required<TrackOptions> {
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
export const BACKOFF_FACTOR = 1.5;

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
 * Failures the reader has already retried, which a later poll may well get past. A shutdown
 * is none: no later poll would be answered.
 */
export function isTransient(error: unknown): boolean {
  if (isShutdownError(error)) return false;
  return (
    error instanceof WebcomTransportError ||
    (error instanceof WebcomApiError && (error.status === 429 || error.status >= 500))
  );
}

/** The options with defaults filled in; messages name the option, as the module's do. */
export function resolveTrackOptions(
  options: TrackOptions | undefined,
  concurrency = DEFAULTS.concurrency,
): Required<TrackOptions> {
  // The common case, shared: 100,000 waits with default options hold one object, not 100,000.
  if (options === undefined) return defaultsWith(concurrency);
  validateOptions(TrackOptionsSchema, options, 'tracking options');
  const given = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as TrackOptions;
  return { ...DEFAULTS, concurrency, ...given };
}

const sharedDefaults = new Map<number, Required<TrackOptions>>();

function defaultsWith(concurrency: number): Required<TrackOptions> {
  let defaults = sharedDefaults.get(concurrency);
  if (!defaults) sharedDefaults.set(concurrency, (defaults = { ...DEFAULTS, concurrency }));
  return defaults;
}
