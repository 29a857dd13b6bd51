import type { MessageStatus } from '../protocol/results.js';
import { shutdownError } from '../util/shutdown-signal.js';
import type { StatusPoller } from './status-poller.js';
import type { Expiring, ScheduledRead } from './status-schedule.js';
import {
  BACKOFF_FACTOR,
  isTrackedToEnd,
  isTransient,
  WebcomTrackingTimeoutError,
  type TrackOptions,
} from './track-options.js';

/** Where a tracking's statuses go: an rxjs subscriber, or the promise of `waitFor`. */
export interface TrackingSink {
  readonly closed: boolean;
  next(status: MessageStatus): void;
  error(error: unknown): void;
  complete(): void;
}

/** The sink of `waitFor`: keeps the last status, settles the promise once, then tears down. */
export class LastStatus implements TrackingSink {
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
export class Tracking implements Expiring {
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
      poller.budget.readEnded();
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
