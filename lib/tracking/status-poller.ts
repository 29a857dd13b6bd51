import { defer, Observable } from 'rxjs';
import { WebcomApiError, WebcomTransportError } from '../errors/webcom-errors.js';
import { validateOptions } from '../options/validate-options.js';
import type { MessageStatus } from '../protocol/results.js';
import { mapConcurrently } from '../util/map-concurrently.js';
import { shutdownError, type ShutdownSignal } from '../util/shutdown-signal.js';
import type { StatusBudget } from './status-budget.js';
import { Deadlines, StatusSchedule } from './status-schedule.js';
import { resolveTrackOptions, TrackOptionsSchema, type TrackOptions } from './track-options.js';
import { LastStatus, Tracking } from './tracking.js';

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
    try {
      return await this.read(id);
    } finally {
      this.budget.readEnded();
    }
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
