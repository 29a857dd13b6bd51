import { jest } from '@jest/globals';
import { lastValueFrom, toArray } from 'rxjs';
import {
  WebcomApiError,
  WebcomError,
  WebcomTransportError,
  WebcomValidationError,
} from '../../lib/errors/webcom-errors.js';
import type { DeliveryState, MessageStatus } from '../../lib/protocol/results.js';
import { StatusBudget } from '../../lib/tracking/status-budget.js';
import { StatusPoller, type StatusReader } from '../../lib/tracking/status-poller.js';
import { WebcomTrackingTimeoutError, type TrackOptions } from '../../lib/tracking/track-options.js';
import { ShutdownSignal } from '../../lib/util/shutdown-signal.js';
import { settle } from '../support/settle.js';

/** A budget so large it never holds a read back: these tests are about polling itself. */
const UNBOUNDED = 1_000_000;

function pollerOf(read: StatusReader, shutdown?: ShutdownSignal): StatusPoller {
  return new StatusPoller(read, new StatusBudget(UNBOUNDED), 60_000, shutdown);
}

function trackDelivery(
  read: StatusReader,
  ids: readonly string[],
  options?: TrackOptions,
  shutdown?: ShutdownSignal,
) {
  return pollerOf(read, shutdown).track(ids, options);
}

function waitForFinalStatus(
  read: StatusReader,
  id: string,
  options?: TrackOptions,
  shutdown?: ShutdownSignal,
) {
  return pollerOf(read, shutdown).waitFor(id, options);
}

function getStatuses(read: StatusReader, ids: readonly string[], concurrency: number) {
  return pollerOf(read).getStatuses(ids, concurrency);
}

const FINAL = new Set<DeliveryState>(['read', 'not_deliver', 'expired', 'partly_deliver']);
const SETTLED = new Set<DeliveryState>(['deliver', ...FINAL]);

/** What the n-th read of an id gives; past the end of its script, the last step repeats. */
type Step = DeliveryState | Error;

/** An in-memory status reader whose answers advance by one step per read of an id. */
class FakeReader {
  readonly calls = new Map<string, number>();
  readonly readTimes = new Map<string, number[]>();
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly script: Record<string, Step[]>,
    private readonly latencyMs: (id: string) => number = () => 0,
  ) {}

  readonly read = async (id: string): Promise<MessageStatus> => {
    const n = this.count(id);
    this.calls.set(id, n + 1);
    this.readTimes.set(id, [...(this.readTimes.get(id) ?? []), Date.now()]);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const latency = this.latencyMs(id);
      await (latency > 0 ? new Promise((resolve) => setTimeout(resolve, latency)) : undefined);
      const steps = this.script[id];
      const step = steps[Math.min(n, steps.length - 1)];
      if (step instanceof Error) throw step;
      return { id, state: step, final: FINAL.has(step), settled: SETTLED.has(step) };
    } finally {
      this.inFlight--;
    }
  };

  count(id: string): number {
    return this.calls.get(id) ?? 0;
  }

  totalCount(): number {
    return [...this.calls.values()].reduce((sum, n) => sum + n, 0);
  }

  /** The waits between successive reads of `id`. */
  gaps(id: string): number[] {
    const times = this.readTimes.get(id) ?? [];
    return times.slice(1).map((time, i) => time - times[i]);
  }
}

const status = (id: string, state: DeliveryState): MessageStatus => ({
  id,
  state,
  final: FINAL.has(state),
  settled: SETTLED.has(state),
});

const transportError = () => new WebcomTransportError('ECONNRESET', false, 'socket hang up');
const validationError = () =>
  new WebcomValidationError([{ field: 'id', messages: ['must be a message id'] }]);

const FAST = { intervalMs: 10, maxIntervalMs: 40, timeoutMs: 1_000 };
const FAST_TO_READ = { ...FAST, until: 'read' } as const;

/** What a shutdown does to a wait: nothing was sent for it, so nothing may have been delivered. */
const SHUTDOWN = { name: 'WebcomTransportError', code: 'ESHUTDOWN', possiblyDelivered: false };

describe('with fake timers', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('waitForFinalStatus', () => {
    it('resolves at deliver by default: an SMS is settled there, and is never read again', async () => {
      const reader = new FakeReader({ a: ['send', 'deliver', 'read'] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', FAST));
      await jest.advanceTimersByTimeAsync(10);
      expect(outcome).toEqual({ done: true, value: status('a', 'deliver') });
      expect(outcome.value).toMatchObject({ settled: true, final: false });
      expect(reader.count('a')).toBe(2);

      await jest.advanceTimersByTimeAsync(10_000);
      expect(reader.count('a')).toBe(2);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('with until settled, says so and behaves as the default', async () => {
      const reader = new FakeReader({ a: ['send', 'deliver', 'read'] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', { ...FAST, until: 'settled' }));
      await jest.advanceTimersByTimeAsync(100);
      expect(outcome).toEqual({ done: true, value: status('a', 'deliver') });
      expect(reader.count('a')).toBe(2);
    });

    it('with until read, reads on past deliver, resolves with the final status, then never reads again', async () => {
      const reader = new FakeReader({ a: ['send', 'deliver', 'read'] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', FAST_TO_READ));
      await jest.advanceTimersByTimeAsync(0);
      expect(reader.count('a')).toBe(1);

      await jest.advanceTimersByTimeAsync(100);
      expect(outcome).toEqual({ done: true, value: status('a', 'read') });
      expect(reader.count('a')).toBe(3);

      await jest.advanceTimersByTimeAsync(10_000);
      expect(reader.count('a')).toBe(3);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('resolves after a single read when the status is already final', async () => {
      const reader = new FakeReader({ a: ['not_deliver'] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', FAST));
      await jest.advanceTimersByTimeAsync(0);
      expect(outcome).toEqual({ done: true, value: status('a', 'not_deliver') });
      expect(reader.count('a')).toBe(1);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('backs off by ×1.5 per poll up to maxIntervalMs', async () => {
      const reader = new FakeReader({ a: ['send'] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', { ...FAST, timeoutMs: 300 }));
      await jest.advanceTimersByTimeAsync(300);
      expect(outcome.error).toBeInstanceOf(WebcomTrackingTimeoutError);
      const gaps = reader.gaps('a');
      expect(gaps.slice(0, 7)).toEqual([10, 15, 23, 35, 40, 40, 40]);
      expect(gaps.every((gap) => gap <= FAST.maxIntervalMs)).toBe(true);
    });

    it('uses the defaults: 2 s first, then growing up to 60 s', async () => {
      const reader = new FakeReader({ a: ['send'] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a'));
      await jest.advanceTimersByTimeAsync(10 * 60_000);
      expect(outcome.error).toBeInstanceOf(WebcomTrackingTimeoutError);
      const gaps = reader.gaps('a');
      expect(gaps.slice(0, 3)).toEqual([2_000, 3_000, 4_500]);
      expect(gaps.at(-1)).toBe(60_000);
      expect(Math.max(...gaps)).toBe(60_000);
    });

    it('caps the first wait too when intervalMs exceeds maxIntervalMs', async () => {
      const reader = new FakeReader({ a: ['send'] });
      settle(waitForFinalStatus(reader.read, 'a', { intervalMs: 500, maxIntervalMs: 30 }));
      await jest.advanceTimersByTimeAsync(200);
      expect(new Set(reader.gaps('a'))).toEqual(new Set([30]));
    });

    it('rejects on timeout with the last status seen, and stops polling', async () => {
      const reader = new FakeReader({ a: ['send', 'deliver'] });
      const outcome = settle(
        waitForFinalStatus(reader.read, 'a', { ...FAST_TO_READ, timeoutMs: 100 }),
      );
      await jest.advanceTimersByTimeAsync(99);
      expect(outcome.done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);

      const error = outcome.error as WebcomTrackingTimeoutError;
      expect(error).toBeInstanceOf(WebcomTrackingTimeoutError);
      expect(error).toBeInstanceOf(WebcomError);
      expect(error.id).toBe('a');
      expect(error.timeoutMs).toBe(100);
      expect(error.lastStatus).toEqual(status('a', 'deliver'));
      expect(error.message).toBe(
        'Webcom message a reached no final state within 100 ms (last state: deliver)',
      );
      expect(error.until).toBe('read');
      expect(error.toJSON()).toEqual({
        name: 'WebcomTrackingTimeoutError',
        message: error.message,
        id: 'a',
        timeoutMs: 100,
        until: 'read',
        lastStatus: status('a', 'deliver'),
      });

      const reads = reader.count('a');
      await jest.advanceTimersByTimeAsync(10_000);
      expect(reader.count('a')).toBe(reads);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('by default, a timeout says the message was not settled', async () => {
      const reader = new FakeReader({ a: ['send'] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', { ...FAST, timeoutMs: 100 }));
      await jest.advanceTimersByTimeAsync(100);
      const error = outcome.error as WebcomTrackingTimeoutError;
      expect(error).toBeInstanceOf(WebcomTrackingTimeoutError);
      expect(error.until).toBe('settled');
      expect(error.message).toBe(
        'Webcom message a was not settled within 100 ms (last state: send)',
      );
    });

    it('times out on schedule even while a read hangs', async () => {
      const reader = new FakeReader({ a: ['send'] }, () => 1_000_000);
      const outcome = settle(waitForFinalStatus(reader.read, 'a', { ...FAST, timeoutMs: 50 }));
      await jest.advanceTimersByTimeAsync(50);
      expect(outcome.error).toBeInstanceOf(WebcomTrackingTimeoutError);
      expect((outcome.error as WebcomTrackingTimeoutError).lastStatus).toBeUndefined();
      expect((outcome.error as Error).message).toContain('(last state: none read)');
    });

    it('tolerates transport errors, 429 and 5xx, and keeps polling', async () => {
      const reader = new FakeReader({
        a: [
          transportError(),
          new WebcomApiError(503, 'busy'),
          'send',
          new WebcomApiError(429, 'slow down'),
          new WebcomApiError(500, ''),
          'read',
        ],
      });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', { ...FAST, timeoutMs: 5_000 }));
      await jest.advanceTimersByTimeAsync(2_000);
      expect(outcome).toEqual({ done: true, value: status('a', 'read') });
      expect(reader.count('a')).toBe(6);
      // The 429 (the 4th read) paused the account's reads for a second.
      expect(reader.gaps('a')[3]).toBeGreaterThanOrEqual(1_000);
    });

    it('reports no status on timeout when every read failed transiently', async () => {
      const reader = new FakeReader({ a: [transportError()] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', { ...FAST, timeoutMs: 100 }));
      await jest.advanceTimersByTimeAsync(100);
      expect(outcome.error).toBeInstanceOf(WebcomTrackingTimeoutError);
      expect((outcome.error as WebcomTrackingTimeoutError).lastStatus).toBeUndefined();
      expect(reader.count('a')).toBeGreaterThan(1);
    });

    it.each([
      ['a validation error', validationError()],
      ['a 4xx API error', new WebcomApiError(401, 'unauthorised')],
      ['an unexpected error', new TypeError('bug')],
    ])('rejects at once on %s, and stops polling', async (_name, failure) => {
      const reader = new FakeReader({ a: ['send', failure] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', FAST));
      await jest.advanceTimersByTimeAsync(10);
      expect(outcome).toEqual({ done: true, error: failure });
      expect(reader.count('a')).toBe(2);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(reader.count('a')).toBe(2);
      expect(jest.getTimerCount()).toBe(0);
    });

    it.each([
      ['intervalMs', { intervalMs: 0 }],
      ['timeoutMs', { timeoutMs: 1.5 }],
      ['maxIntervalMs', { maxIntervalMs: 2 ** 31 }],
      ['concurrency', { concurrency: -1 }],
      ['timeoutMs', { timeoutMs: Number.NaN }],
      ['until', { until: 'deliver' }],
      ['until', { until: null }],
    ])('rejects a bad %s without reading', async (field, options) => {
      const reader = new FakeReader({ a: ['read'] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', options as TrackOptions));
      await jest.advanceTimersByTimeAsync(0);
      expect(outcome.error).toBeInstanceOf(WebcomValidationError);
      expect((outcome.error as WebcomValidationError).errors.map((e) => e.field)).toEqual([field]);
      expect((outcome.error as Error).message).toMatch(/^Invalid tracking options: /);
      expect(reader.totalCount()).toBe(0);
    });
  });

  describe('trackDelivery', () => {
    it('by default, completes once each message is settled, and reads a settled one no more', async () => {
      const reader = new FakeReader({
        a: ['send', 'send', 'deliver', 'read'],
        b: ['expired'],
        c: ['deliver', 'partly_deliver'],
      });
      const outcome = settle(
        lastValueFrom(trackDelivery(reader.read, ['a', 'b', 'c'], FAST).pipe(toArray())),
      );
      await jest.advanceTimersByTimeAsync(1_000);
      expect(outcome.value?.map((s) => `${s.id}:${s.state}:${s.settled}`)).toEqual([
        'a:send:false',
        'b:expired:true',
        'c:deliver:true',
        'a:deliver:true',
      ]);
      expect([reader.count('a'), reader.count('b'), reader.count('c')]).toEqual([3, 1, 1]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('with until read, emits each change of each state, stops reading final ones, and completes', async () => {
      const reader = new FakeReader({
        a: ['send', 'send', 'deliver', 'deliver', 'read'],
        b: ['expired'],
        c: ['deliver', 'deliver', 'partly_deliver'],
      });
      const seen: MessageStatus[] = [];
      let completed = false;
      trackDelivery(reader.read, ['a', 'b', 'c'], FAST_TO_READ).subscribe({
        next: (value) => seen.push(value),
        complete: () => (completed = true),
      });
      await jest.advanceTimersByTimeAsync(1_000);

      expect(completed).toBe(true);
      expect(seen.filter((s) => s.id === 'a').map((s) => s.state)).toEqual([
        'send',
        'deliver',
        'read',
      ]);
      expect(seen.filter((s) => s.id === 'b').map((s) => s.state)).toEqual(['expired']);
      expect(seen.filter((s) => s.id === 'c').map((s) => s.state)).toEqual([
        'deliver',
        'partly_deliver',
      ]);
      expect(seen.slice(0, 3).map((s) => s.id)).toEqual(['a', 'b', 'c']);
      expect([reader.count('a'), reader.count('b'), reader.count('c')]).toEqual([5, 1, 3]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('completes at once for no ids', async () => {
      const reader = new FakeReader({});
      const outcome = settle(lastValueFrom(trackDelivery(reader.read, []).pipe(toArray())));
      await jest.advanceTimersByTimeAsync(0);
      expect(outcome).toEqual({ done: true, value: [] });
      expect(jest.getTimerCount()).toBe(0);
    });

    it('tracks a repeated id once', async () => {
      const reader = new FakeReader({ a: ['send', 'read'] });
      const outcome = settle(
        lastValueFrom(trackDelivery(reader.read, ['a', 'a', 'a'], FAST).pipe(toArray())),
      );
      await jest.advanceTimersByTimeAsync(100);
      expect(outcome.value).toEqual([status('a', 'send'), status('a', 'read')]);
      expect(reader.count('a')).toBe(2);
    });

    it('stops all polling on unsubscribe, leaving no timer behind', async () => {
      const reader = new FakeReader({ a: ['send'], b: ['send', 'deliver'] });
      const seen: MessageStatus[] = [];
      const subscription = trackDelivery(reader.read, ['a', 'b'], FAST).subscribe((value) =>
        seen.push(value),
      );
      await jest.advanceTimersByTimeAsync(50);
      subscription.unsubscribe();
      const reads = reader.totalCount();
      const emitted = seen.length;
      expect(reads).toBeGreaterThan(2);
      expect(jest.getTimerCount()).toBe(0);

      await jest.advanceTimersByTimeAsync(60_000);
      expect(reader.totalCount()).toBe(reads);
      expect(seen).toHaveLength(emitted);
    });

    it('drops a read in flight at unsubscribe and starts no other', async () => {
      const reader = new FakeReader({ a: ['send'], b: ['send'], c: ['send'] }, () => 20);
      const seen: MessageStatus[] = [];
      const subscription = trackDelivery(reader.read, ['a', 'b', 'c'], {
        ...FAST,
        concurrency: 1,
      }).subscribe((value) => seen.push(value));
      await jest.advanceTimersByTimeAsync(5);
      expect(reader.inFlight).toBe(1);
      subscription.unsubscribe();

      await jest.advanceTimersByTimeAsync(60_000);
      expect(reader.totalCount()).toBe(1);
      expect(seen).toEqual([]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('errors on timeout with the first unfinished id, in the order given, and its last state', async () => {
      const reader = new FakeReader({
        a: ['read'],
        b: ['send', 'deliver'],
        c: ['send'],
      });
      const seen: MessageStatus[] = [];
      let failure: unknown;
      trackDelivery(reader.read, ['a', 'b', 'c'], { ...FAST_TO_READ, timeoutMs: 100 }).subscribe({
        next: (value) => seen.push(value),
        error: (error: unknown) => (failure = error),
      });
      await jest.advanceTimersByTimeAsync(100);

      expect(failure).toBeInstanceOf(WebcomTrackingTimeoutError);
      expect((failure as WebcomTrackingTimeoutError).id).toBe('b');
      expect((failure as WebcomTrackingTimeoutError).lastStatus).toEqual(status('b', 'deliver'));
      expect(seen.map((s) => `${s.id}:${s.state}`)).toEqual([
        'a:read',
        'b:send',
        'c:send',
        'b:deliver',
      ]);
      expect(reader.count('a')).toBe(1);
      const reads = reader.totalCount();
      await jest.advanceTimersByTimeAsync(10_000);
      expect(reader.totalCount()).toBe(reads);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('names an id unfinished at the deadline even while its round is under way', async () => {
      const reader = new FakeReader({ a: ['read'], b: ['send'] }, (id) =>
        id === 'a' ? 1 : 1_000_000,
      );
      let failure: unknown;
      trackDelivery(reader.read, ['a', 'b'], { ...FAST, timeoutMs: 50 }).subscribe({
        error: (error: unknown) => (failure = error),
      });
      await jest.advanceTimersByTimeAsync(50);
      expect((failure as WebcomTrackingTimeoutError).id).toBe('b');
      expect((failure as WebcomTrackingTimeoutError).lastStatus).toBeUndefined();
    });

    it('errors at once on a non-transient error and stops polling every id', async () => {
      const failure = validationError();
      const reader = new FakeReader({ a: ['send'], b: [transportError(), failure], c: ['send'] });
      let error: unknown;
      trackDelivery(reader.read, ['a', 'b', 'c'], FAST).subscribe({
        error: (e: unknown) => (error = e),
      });
      await jest.advanceTimersByTimeAsync(10);
      expect(error).toBe(failure);
      const reads = reader.totalCount();
      await jest.advanceTimersByTimeAsync(10_000);
      expect(reader.totalCount()).toBe(reads);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('keeps at most `concurrency` reads in flight', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const reader = new FakeReader(
        Object.fromEntries(ids.map((id) => [id, ['send', 'read'] as Step[]])),
        () => 5,
      );
      const outcome = settle(
        lastValueFrom(trackDelivery(reader.read, ids, { ...FAST, concurrency: 3 }).pipe(toArray())),
      );
      await jest.advanceTimersByTimeAsync(1_000);
      expect(outcome.value).toHaveLength(40);
      expect(reader.maxInFlight).toBe(3);
      expect(reader.totalCount()).toBe(40);
    });

    it('is cold: each subscription polls on its own', async () => {
      const reader = new FakeReader({ a: ['send', 'read'] });
      const tracking = trackDelivery(reader.read, ['a'], FAST);
      expect(reader.totalCount()).toBe(0);
      const first = settle(lastValueFrom(tracking));
      await jest.advanceTimersByTimeAsync(100);
      const second = settle(lastValueFrom(tracking));
      await jest.advanceTimersByTimeAsync(100);
      expect(first.value).toEqual(status('a', 'read'));
      expect(second.value).toEqual(status('a', 'read'));
      expect(reader.count('a')).toBe(3);
    });
  });

  describe('when the service shuts down', () => {
    it('a pending wait rejects at once, reads no more and leaves no timer', async () => {
      const shutdown = new ShutdownSignal();
      const reader = new FakeReader({ a: ['send'] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', {}, shutdown));
      await jest.advanceTimersByTimeAsync(5_000);
      const reads = reader.count('a');
      expect(reads).toBeGreaterThan(1);
      expect(outcome.done).toBe(false);

      shutdown.close();
      await jest.advanceTimersByTimeAsync(0);
      expect(outcome.error).toMatchObject(SHUTDOWN);
      expect(outcome.error).toBeInstanceOf(WebcomTransportError);
      expect((outcome.error as Error).message).toBe(
        'Webcom gateway unreachable (ESHUTDOWN): the service shut down before message a settled',
      );
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(20 * 60_000);
      expect(reader.count('a')).toBe(reads);
    });

    it('tracking errors at once, dropping a read in flight, and every subscription ends', async () => {
      const shutdown = new ShutdownSignal();
      const reader = new FakeReader({ a: ['send'], b: ['send'] }, () => 30);
      const first = settle(lastValueFrom(trackDelivery(reader.read, ['a', 'b'], FAST, shutdown)));
      const second = settle(
        lastValueFrom(trackDelivery(reader.read, ['a'], FAST_TO_READ, shutdown)),
      );
      await jest.advanceTimersByTimeAsync(10);
      expect(reader.inFlight).toBe(3);

      shutdown.close();
      await jest.advanceTimersByTimeAsync(0);
      expect(first.error).toMatchObject(SHUTDOWN);
      expect((first.error as Error).message).toContain('before the messages settled');
      expect(second.error).toMatchObject(SHUTDOWN);
      expect((second.error as Error).message).toContain('before message a reached a final state');
      await jest.advanceTimersByTimeAsync(60_000);
      expect(reader.totalCount()).toBe(3);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('a wait started after the shutdown rejects without a read', async () => {
      const shutdown = new ShutdownSignal();
      shutdown.close();
      const reader = new FakeReader({ a: ['read'] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', FAST, shutdown));
      await jest.advanceTimersByTimeAsync(0);
      expect(outcome.error).toMatchObject(SHUTDOWN);
      expect(reader.totalCount()).toBe(0);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('a read refused by a shut-down transport ends the wait, not passed over as transient', async () => {
      const refused = new WebcomTransportError('ESHUTDOWN', false, 'the client is closed');
      const reader = new FakeReader({ a: ['send', refused] });
      const outcome = settle(waitForFinalStatus(reader.read, 'a', FAST));
      await jest.advanceTimersByTimeAsync(10);
      expect(outcome).toEqual({ done: true, error: refused });
      await jest.advanceTimersByTimeAsync(10_000);
      expect(reader.count('a')).toBe(2);
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('getStatuses', () => {
    it('returns statuses in input order with at most `concurrency` reads in flight', async () => {
      const ids = Array.from({ length: 12 }, (_, i) => `m${i}`);
      const states: DeliveryState[] = ['send', 'deliver', 'read', 'expired'];
      const reader = new FakeReader(
        Object.fromEntries(ids.map((id, i) => [id, [states[i % states.length]]])),
        (id) => 50 - Number(id.slice(1)) * 4,
      );
      const outcome = settle(getStatuses(reader.read, ids, 4));
      await jest.advanceTimersByTimeAsync(1_000);
      expect(outcome.value).toEqual(ids.map((id, i) => status(id, states[i % states.length])));
      expect(reader.maxInFlight).toBe(4);
      expect(reader.totalCount()).toBe(12);
    });

    it('reads every id, then rejects with the first error in input order', async () => {
      const second = new WebcomApiError(400, 'bad id');
      const third = transportError();
      const reader = new FakeReader({ a: ['send'], b: [second], c: [third], d: ['read'] }, (id) =>
        id === 'b' ? 30 : 1,
      );
      const outcome = settle(getStatuses(reader.read, ['a', 'b', 'c', 'd'], 4));
      await jest.advanceTimersByTimeAsync(100);
      expect(outcome).toEqual({ done: true, error: second });
      expect(reader.totalCount()).toBe(4);
    });

    it('resolves to nothing for no ids', async () => {
      await expect(getStatuses(new FakeReader({}).read, [], 1)).resolves.toEqual([]);
    });

    it.each([0, 2.5, Number.NaN])('rejects concurrency %p without reading', async (bad) => {
      const reader = new FakeReader({ a: ['read'] });
      await expect(getStatuses(reader.read, ['a'], bad)).rejects.toThrow(
        'Invalid argument: concurrency (must be a whole number of at least 1)',
      );
      expect(reader.totalCount()).toBe(0);
    });
  });
});

describe('with real timers', () => {
  it('polls to a final status with short intervals', async () => {
    const reader = new FakeReader({ a: ['send', transportError(), 'deliver', 'read'] });
    await expect(
      waitForFinalStatus(reader.read, 'a', { intervalMs: 5, maxIntervalMs: 20, until: 'read' }),
    ).resolves.toEqual(status('a', 'read'));
    expect(reader.count('a')).toBe(4);
    // Node may fire a timer up to a millisecond early.
    expect(reader.gaps('a').every((gap) => gap >= 4)).toBe(true);
  });

  it('reads no more after unsubscribe', async () => {
    const reader = new FakeReader({ a: ['send'] });
    const subscription = trackDelivery(reader.read, ['a'], {
      intervalMs: 5,
      maxIntervalMs: 5,
    }).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 40));
    subscription.unsubscribe();
    const reads = reader.count('a');
    expect(reads).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(reader.count('a')).toBe(reads);
  });
});
