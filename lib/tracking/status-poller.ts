import { defer, Observable } from 'rxjs';
import { WebcomApiError, WebcomTransportError } from '../errors/webcom-errors.js';
import { validateOptions } from '../options/validate-options.js';
import type { MessageStatus } from '../protocol/results.js';
import { mapConcurrently } from '../util/map-concurrently.js';
import { shutdownError, type ShutdownSignal } from '../util/shutdown-signal.js';
import type { StatusBudget } from './status-budget.js';
import { Deadlines, StatusSchedule, type Expiring, type ScheduledRead } from './status-schedule.js';
import {
  BACKOFF_FACTOR,
  isTrackedToEnd,
  isTransient,
  resolveTrackOptions,
  TrackOptionsSchema,
  WebcomTrackingTimeoutError,
  type TrackOptions,
} from './track-options.js';

/** Reads one message's status from the gateway, once. */
export type StatusReader = (id: string) => Promise<MessageStatus>;

/**
 * Every status read of one account, under its budget: direct reads (`getStatus`, `getStatuses`)
 * wait for a slot before any polling; tracked messages wait in one schedule, earliest due first.
 * A 429 to any read slows the whole account (`StatusBudget.pushback`).
 */
export class StatusPoller {
  readonly schedule: StatusSchedule;
  /** The waits' deadlines, on one timer. */
  readonly deadlines: Deadlines;
  /** Every tracking under way: one shutdown listener ends them all. */
  private readonly active = new Set<Tracking>();

  constructor(
    private readonly readOnce: StatusReader,
    readonly budget: StatusBudget,
    /** How long a direct read may wait for its slot before it fails. */
    private readonly directWaitMs: number,
    private readonly shutdown?: ShutdownSignal,
  ) {
    this.schedule = new StatusSchedule(budget);
    this.deadlines = new Deadlines(budget.now);
    shutdown?.onClose(() => {
      budget.close(() => shutdownError('the service shut down before the status was read'));
      for (const tracking of [...this.active]) tracking.stopByShutdown();
    });
  }

  /** One read, as soon as the budget allows, before any polling. */
  async getStatus(id: string): Promise<MessageStatus> {
    this.shutdown?.throwIfClosed();
    await this.budget.takeDirect(this.directWaitMs, () => this.noSlot());
    return this.read(id);
  }

  /**
   * Reads many statuses with at most `concurrency` reads in flight, in the order of `ids`. Every
   * read is attempted, even after one fails; the rejection is that of the earliest failed id.
   */
  async getStatuses(
    ids: readonly string[],
    concurrency: number,
    readOne: StatusReader = (id) => this.getStatus(id),
  ): Promise<MessageStatus[]> {
    validateOptions(TrackOptionsSchema, { concurrency }, 'argument');
    const outcomes = await mapConcurrently(ids, concurrency, readOne);
    return outcomes.map((outcome) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    });
  }

  /**
   * Polls the statuses of `ids` until each is settled (or, with `until: 'read'`, final),
   * emitting every change; see `WebcomService.trackDelivery`. Cold: each subscription polls
   * anew. Each message has its own backoff (first read at once, then `intervalMs`, ×1.5 up to
   * `maxIntervalMs`, each wait from the end of its last read) and leaves the schedule as soon as
   * it is done, the subscription ends, or the time runs out.
   */
  track(
    ids: readonly string[],
    options?: TrackOptions,
    concurrency?: number,
  ): Observable<MessageStatus> {
    return defer(() => {
      const resolved = resolveTrackOptions(options, concurrency);
      return new Observable<MessageStatus>((subscriber) =>
        this.open(new Tracking(this, subscriber, [...new Set(ids)], resolved)),
      );
    });
  }

  /**
   * `track` of one id, resolving with its last status; no observable in between, so that a
   * wait in flight costs a few hundred bytes.
   */
  waitFor(id: string, options?: TrackOptions, concurrency?: number): Promise<MessageStatus> {
    return new Promise<MessageStatus>((resolve, reject) => {
      const resolved = resolveTrackOptions(options, concurrency);
      const sink = new LastStatus(resolve, reject);
      const teardown = this.open(new Tracking(this, sink, [id], resolved));
      if (sink.closed) teardown();
      else sink.teardown = teardown;
    });
  }

  /** Starts `tracking`: every message due now. Returns its teardown. */
  private open(tracking: Tracking): () => void {
    if (this.shutdown?.closed) {
      tracking.stopByShutdown();
      return () => undefined;
    }
    this.active.add(tracking);
    tracking.open();
    return () => {
      this.active.delete(tracking);
      tracking.close();
    };
  }

  /** A read whose slot is taken: the gateway's pushback slows the account for every read. */
  async read(id: string): Promise<MessageStatus> {
    try {
      return await this.readOnce(id);
    } catch (error) {
      if (error instanceof WebcomApiError && error.status === 429) this.budget.pushback();
      throw error;
    }
  }

  private noSlot(): WebcomTransportError {
    return new WebcomTransportError(
      'ETIMEDOUT',
      false,
      `no status read was free within ${this.directWaitMs} ms (statusRequestsPerSecond)`,
    );
  }
}

/** Where a tracking's statuses go: an rxjs subscriber, or the promise of `waitFor`. */
interface TrackingSink {
  readonly closed: boolean;
  next(status: MessageStatus): void;
  error(error: unknown): void;
  complete(): void;
}

/** The sink of `waitFor`: keeps the last status, settles the promise once, then tears down. */
class LastStatus implements TrackingSink {
  closed = false;
  teardown?: () => void;
  private last?: MessageStatus;

  constructor(
    private readonly resolve: (status: MessageStatus) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  next(status: MessageStatus): void {
    this.last = status;
  }

  error(error: unknown): void {
    if (this.end()) this.reject(error);
  }

  complete(): void {
    if (this.end()) this.resolve(this.last!);
  }

  private end(): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.teardown?.();
    return true;
  }
}

/** One message of one tracking: its place in the schedule, its backoff, its last status. */
class TrackedMessage implements ScheduledRead {
  dueAt = 0;
  slot = -1;
  order = 0;
  done = false;
  last?: MessageStatus;

  constructor(
    readonly id: string,
    private readonly tracking: Tracking,
    public waitMs: number,
  ) {}

  start(): boolean {
    return this.tracking.start(this);
  }
}

/** One subscription of `StatusPoller.track`, or one `waitFor`; expires at its deadline. */
class Tracking implements Expiring {
  dueAt = 0;
  slot = -1;
  order = 0;
  /** In the order given, so a timeout names the same id whatever the reads' timing. */
  private readonly messages: TrackedMessage[];
  private unfinished: number;
  /** Came due while `concurrency` reads were in flight; scheduled again as one ends. */
  private held?: TrackedMessage[];
  private inFlight = 0;

  constructor(
    private readonly poller: StatusPoller,
    private readonly sink: TrackingSink,
    ids: string[],
    private readonly options: Required<TrackOptions>,
  ) {
    const firstWait = Math.min(options.intervalMs, options.maxIntervalMs);
    this.messages = ids.map((id) => new TrackedMessage(id, this, firstWait));
    this.unfinished = this.messages.length;
  }

  /** Schedules every message at once. */
  open(): void {
    const { sink, options } = this;
    if (this.messages.length === 0) {
      sink.complete();
      return;
    }
    const now = this.poller.budget.now();
    // On a timer rather than a check between reads, so a read that hangs cannot delay it.
    this.poller.deadlines.add(this, now + options.timeoutMs);
    for (const message of this.messages) this.poller.schedule.add(message, now);
  }

  /** The time ran out: errors with the first unfinished message, in the order given. */
  expire(): void {
    const { options } = this;
    const first = this.messages.find((message) => !message.done)!;
    this.sink.error(
      new WebcomTrackingTimeoutError(first.id, options.timeoutMs, first.last, options.until),
    );
  }

  /** Out of the schedule, no read started after; a read in flight is dropped. */
  close(): void {
    this.poller.deadlines.remove(this);
    for (const message of this.messages) this.poller.schedule.remove(message);
    this.held = undefined;
  }

  stopByShutdown(): void {
    const { messages, options } = this;
    this.sink.error(
      shutdownError(
        `the service shut down before ${messages.length === 1 ? `message ${messages[0].id}` : 'the messages'} ` +
          `${options.until === 'read' ? 'reached a final state' : 'settled'}`,
      ),
    );
  }

  /** A slot for `message`: read it, unless this tracking has `concurrency` reads out. */
  start(message: TrackedMessage): boolean {
    if (this.sink.closed) return false;
    if (this.inFlight >= this.options.concurrency) {
      (this.held ??= []).push(message);
      return false;
    }
    this.inFlight++;
    void this.readOne(message);
    return true;
  }

  private async readOne(message: TrackedMessage): Promise<void> {
    const { sink, options, poller } = this;
    let failure: unknown;
    try {
      await poller.budget.afterSlot();
      if (sink.closed) return;
      const status = await poller.read(message.id);
      if (sink.closed) return;
      const previous = message.last;
      message.last = status;
      if (isTrackedToEnd(status, options.until)) {
        message.done = true;
        this.unfinished--;
      }
      if (previous?.state !== status.state) sink.next(status);
    } catch (error) {
      failure = error;
    } finally {
      this.inFlight--;
    }
    if (sink.closed) return;
    if (failure !== undefined && !isTransient(failure)) {
      sink.error(failure);
      return;
    }
    if (this.unfinished === 0) {
      sink.complete();
      return;
    }
    const now = poller.budget.now();
    if (!message.done) {
      poller.schedule.add(message, now + message.waitMs);
      message.waitMs = Math.min(Math.ceil(message.waitMs * BACKOFF_FACTOR), options.maxIntervalMs);
    }
    const next = this.held?.shift();
    if (next) poller.schedule.add(next, next.dueAt);
  }
}
