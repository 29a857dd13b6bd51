import { defer, lastValueFrom, Observable, type Subscriber } from 'rxjs';
import { WebcomApiError, WebcomTransportError } from '../errors/webcom-errors.js';
import { validateOptions } from '../options/validate-options.js';
import type { MessageStatus } from '../protocol/results.js';
import { mapConcurrently } from '../util/map-concurrently.js';
import { shutdownError, type ShutdownSignal } from '../util/shutdown-signal.js';
import type { StatusBudget } from './status-budget.js';
import { StatusSchedule, type ScheduledRead } from './status-schedule.js';
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

  constructor(
    private readonly readOnce: StatusReader,
    readonly budget: StatusBudget,
    /** How long a direct read may wait for its slot before it fails. */
    private readonly directWaitMs: number,
    private readonly shutdown?: ShutdownSignal,
  ) {
    this.schedule = new StatusSchedule(budget);
    shutdown?.onClose(() =>
      budget.close(() => shutdownError('the service shut down before the status was read')),
    );
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
  track(ids: readonly string[], options: TrackOptions = {}): Observable<MessageStatus> {
    return defer(() => {
      const resolved = resolveTrackOptions(options);
      return new Observable<MessageStatus>((subscriber) =>
        new Tracking(this, subscriber, [...new Set(ids)], resolved, this.shutdown).open(),
      );
    });
  }

  /** `track` of one id, resolving with its last status. */
  waitFor(id: string, options?: TrackOptions): Promise<MessageStatus> {
    return lastValueFrom(this.track([id], options));
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

/** One message of one subscription: its place in the schedule, its backoff, its last status. */
class TrackedMessage implements ScheduledRead {
  dueAt = 0;
  slot = -1;
  order = 0;
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

/** One subscription of `StatusPoller.track`. */
class Tracking {
  private readonly messages: TrackedMessage[];
  /** In the order given, so a timeout names the same id whatever the reads' timing. */
  private readonly unfinished: Set<TrackedMessage>;
  /** Came due while `concurrency` reads were in flight; scheduled again as one ends. */
  private readonly held: TrackedMessage[] = [];
  private inFlight = 0;

  constructor(
    private readonly poller: StatusPoller,
    private readonly subscriber: Subscriber<MessageStatus>,
    ids: string[],
    private readonly options: Required<TrackOptions>,
    private readonly shutdown: ShutdownSignal | undefined,
  ) {
    const firstWait = Math.min(options.intervalMs, options.maxIntervalMs);
    this.messages = ids.map((id) => new TrackedMessage(id, this, firstWait));
    this.unfinished = new Set(this.messages);
  }

  /** Schedules every message at once; returns the teardown. */
  open(): (() => void) | undefined {
    const { subscriber, options, shutdown } = this;
    if (shutdown?.closed) {
      subscriber.error(this.stoppedByShutdown());
      return undefined;
    }
    if (this.messages.length === 0) {
      subscriber.complete();
      return undefined;
    }
    // Its own timer rather than a check between reads, so a read that hangs cannot delay it.
    const deadline = setTimeout(() => {
      const [first] = this.unfinished;
      subscriber.error(
        new WebcomTrackingTimeoutError(first.id, options.timeoutMs, first.last, options.until),
      );
    }, options.timeoutMs);
    // Erroring runs the teardown below: out of the schedule, no read started after.
    const stopListening = shutdown?.onClose(() => subscriber.error(this.stoppedByShutdown()));
    const now = this.poller.budget.now();
    for (const message of this.messages) this.poller.schedule.add(message, now);
    return () => {
      clearTimeout(deadline);
      stopListening?.();
      for (const message of this.unfinished) this.poller.schedule.remove(message);
      this.held.length = 0;
    };
  }

  /** A slot for `message`: read it, unless this subscription has `concurrency` reads out. */
  start(message: TrackedMessage): boolean {
    if (this.subscriber.closed) return false;
    if (this.inFlight >= this.options.concurrency) {
      this.held.push(message);
      return false;
    }
    this.inFlight++;
    void this.readOne(message);
    return true;
  }

  private async readOne(message: TrackedMessage): Promise<void> {
    const { subscriber, options, poller } = this;
    let failure: unknown;
    try {
      await poller.budget.afterSlot();
      if (subscriber.closed) return;
      const status = await poller.read(message.id);
      if (subscriber.closed) return;
      const previous = message.last;
      message.last = status;
      if (isTrackedToEnd(status, options.until)) this.unfinished.delete(message);
      if (previous?.state !== status.state) subscriber.next(status);
    } catch (error) {
      failure = error;
    } finally {
      this.inFlight--;
    }
    if (subscriber.closed) return;
    if (failure !== undefined && !isTransient(failure)) {
      subscriber.error(failure);
      return;
    }
    if (this.unfinished.size === 0) {
      subscriber.complete();
      return;
    }
    const now = poller.budget.now();
    if (this.unfinished.has(message)) {
      poller.schedule.add(message, now + message.waitMs);
      message.waitMs = Math.min(Math.ceil(message.waitMs * BACKOFF_FACTOR), options.maxIntervalMs);
    }
    const next = this.held.shift();
    if (next) poller.schedule.add(next, next.dueAt);
  }

  private stoppedByShutdown() {
    const { messages, options } = this;
    return shutdownError(
      `the service shut down before ${messages.length === 1 ? `message ${messages[0].id}` : 'the messages'} ` +
        `${options.until === 'read' ? 'reached a final state' : 'settled'}`,
    );
  }
}
