import type { WebcomStatusLimiter } from './status-limiter.js';

/**
 * A timer cannot fire once per slot below ~10 ms, nor on time on a busy loop, so slots that came due while the timer was
 * late are granted together, but never more than this much of the past: an event-loop stall
 * adds at most `CATCH_UP_MS` worth of reads to a second, not the whole stall's.
 */
const CATCH_UP_MS = 50;
/** A 429 or 503 with no Retry-After pauses the account this long. */
const DEFAULT_PUSHBACK_MS = 1_000;
/** Several reads in flight answered 429 together are one pushback, not one halving each. */
const PUSHBACK_COOLDOWN_MS = 1_000;
/** After a pushback the rate grows back by a tenth of the budget per second without one. */
const RECOVERY_STEP_MS = 1_000;
const RECOVERY_FRACTION = 0.1;

/** What the budget hands a slot to when no direct read waits: the account's polling schedule. */
export interface BackgroundReads {
  /** When its earliest read is due (ms, the budget's clock); `Infinity` for none. */
  nextDueAt(): number;
  /** Starts its earliest read if due by `now`; false when none was due (the slot is not used). */
  runDue(now: number): boolean;
}

interface DirectWaiter {
  grant(): void;
  fail(error: Error): void;
}

/**
 * Reads in flight at most, as a share of a second's budget: a gateway (or a socket pool) that
 * stalls holds at most this many reads back, so its recovery releases no burst past the budget.
 */
const IN_FLIGHT_SHARE = 0.1;

/**
 * The status-read budget of one account on one instance: reads go out on evenly spaced slots,
 * `ratePerSecond` of them a second, a direct read (a caller waiting on `getStatus`) before the
 * background polling. A gateway's pushback (429, 503) halves the rate and pauses it for the
 * Retry-After; the rate then grows back. One timer, whatever the number of waiting reads.
 */
export class StatusBudget {
  private readonly direct = new Set<DirectWaiter>();
  /** Retries of reads in flight: they hold their read's place already, so no cap stops them. */
  private readonly retries = new Set<DirectWaiter>();
  private inFlight = 0;
  private readonly maxInFlight: number;
  private background?: BackgroundReads;
  private timer?: ReturnType<typeof setTimeout>;
  private timerAt = Infinity;
  private nextSlotAt = 0;
  private pausedUntil = 0;
  private rate: number;
  private lastPushbackAt = -Infinity;
  private lastRecoveryAt = 0;
  private closed = false;

  constructor(
    /** Status reads a second at most: `statusRequestsPerSecond`. */
    readonly ratePerSecond: number,
    /** A limiter every read passes after this budget, e.g. one shared by a fleet. */
    private readonly limiter?: WebcomStatusLimiter,
    private readonly account = 'default',
    /** The clock of slots and due times, in ms. */
    readonly now: () => number = () => performance.now(),
  ) {
    this.rate = ratePerSecond;
    this.maxInFlight = Math.max(1, Math.ceil(ratePerSecond * IN_FLIGHT_SHARE));
  }

  /** Reads a second now: the budget, or less while the gateway pushes back. */
  get currentRate(): number {
    return this.rate;
  }

  /** The polling schedule that takes the slots no direct read wants. */
  serve(background: BackgroundReads): void {
    this.background = background;
  }

  /** The schedule has a new earliest due read: the timer may need to fire sooner. */
  backgroundChanged(): void {
    this.pump();
  }

  /**
   * Resolves once a direct read may go, before any background one; rejects with `expired()`'s
   * error after `waitMs`, or with `closed()`'s at shutdown.
   */
  takeDirect(waitMs: number, expired: () => Error, retry = false): Promise<void> {
    const queue = retry ? this.retries : this.direct;
    return new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => {
        queue.delete(waiter);
        reject(expired());
      }, waitMs);
      const waiter: DirectWaiter = {
        grant: () => {
          clearTimeout(deadline);
          resolve();
        },
        fail: (error) => {
          clearTimeout(deadline);
          reject(error);
        },
      };
      queue.add(waiter);
      this.pump();
    }).then(() =>
      this.limiter?.acquire(this.account).catch((error: unknown) => {
        // Refused by the fleet's limiter: this read never goes, so it frees its place.
        if (!retry) this.readEnded();
        throw error;
      }),
    );
  }

  /** A read granted a slot (not a retry's) has ended: its place in flight is free. */
  readEnded(): void {
    this.inFlight--;
    this.pump();
  }

  /** Passes a background read through the fleet limiter, if any; the slot is already taken. */
  afterSlot(): Promise<void> | undefined {
    return this.limiter?.acquire(this.account);
  }

  /**
   * The gateway answered a status read 429 (or 503): halve the rate (once per burst of such
   * answers) and pause every read of the account for `retryAfterMs` (default 1 s).
   */
  pushback(retryAfterMs?: number): void {
    const now = this.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + (retryAfterMs ?? DEFAULT_PUSHBACK_MS));
    if (now - this.lastPushbackAt >= PUSHBACK_COOLDOWN_MS) {
      this.rate = Math.max(this.rate / 2, Math.min(1, this.ratePerSecond));
      this.lastPushbackAt = now;
    }
    this.lastRecoveryAt = this.pausedUntil;
    this.reschedule();
  }

  /** At shutdown: every direct read still waiting fails with `error`, and no slot is handed out. */
  close(error: () => Error): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const waiter of [...this.direct, ...this.retries]) waiter.fail(error());
    this.direct.clear();
    this.retries.clear();
  }

  private reschedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.pump();
  }

  /** Sets the one timer for the next slot someone wants, if it is not already set as soon. */
  private pump(): void {
    if (this.closed) return;
    const now = this.now();
    const full = this.inFlight >= this.maxInFlight;
    const wantedAt =
      this.retries.size > 0 || (this.direct.size > 0 && !full)
        ? now
        : full
          ? Infinity
          : (this.background?.nextDueAt() ?? Infinity);
    if (wantedAt === Infinity) {
      // Nothing waits: no timer keeps the process (or a test's fake clock) busy.
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    const at = Math.max(wantedAt, this.nextSlotAt, this.pausedUntil, now);
    if (this.timer !== undefined && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.ceil(at - now));
  }

  /** Hands out every slot due by now, direct reads first, then sets the timer again. */
  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    this.recover(now);
    const interval = 1000 / this.rate;
    this.nextSlotAt = Math.max(this.nextSlotAt, interval < CATCH_UP_MS ? now - CATCH_UP_MS : now);
    // Timers fire in whole milliseconds: slots shorter than that go out together.
    const horizon = interval < 1 ? now + 1 - interval : now;
    while (!this.closed && this.nextSlotAt <= horizon && this.pausedUntil <= now) {
      const [retry] = this.retries;
      const [waiter] = this.direct;
      if (retry) {
        this.retries.delete(retry);
        retry.grant();
      } else if (this.inFlight >= this.maxInFlight) {
        break;
      } else if (waiter) {
        this.direct.delete(waiter);
        this.inFlight++;
        waiter.grant();
      } else if (this.background?.runDue(now)) {
        this.inFlight++;
      } else {
        break;
      }
      this.nextSlotAt += interval;
    }
    this.pump();
  }

  private recover(now: number): void {
    if (this.rate >= this.ratePerSecond || now < this.pausedUntil) return;
    const steps = Math.floor((now - this.lastRecoveryAt) / RECOVERY_STEP_MS);
    if (steps <= 0) return;
    this.rate = Math.min(
      this.ratePerSecond,
      this.rate + steps * RECOVERY_FRACTION * this.ratePerSecond,
    );
    this.lastRecoveryAt += steps * RECOVERY_STEP_MS;
  }
}
