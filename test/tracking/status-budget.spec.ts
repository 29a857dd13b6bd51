import { jest } from '@jest/globals';
import { lastValueFrom } from 'rxjs';
import { WebcomApiError } from '../../lib/errors/webcom-errors.js';
import type { DeliveryState, MessageStatus } from '../../lib/protocol/results.js';
import { StatusBudget } from '../../lib/tracking/status-budget.js';
import type { WebcomStatusLimiter } from '../../lib/tracking/status-limiter.js';
import { StatusPoller } from '../../lib/tracking/status-poller.js';
import { ShutdownSignal } from '../../lib/util/shutdown-signal.js';

const SETTLED = new Set<DeliveryState>(['deliver', 'read', 'not_deliver', 'expired']);
const status = (id: string, state: DeliveryState): MessageStatus => ({
  id,
  state,
  final: state !== 'send' && state !== 'deliver',
  settled: SETTLED.has(state),
});

/** A gateway in memory: every read logged with its time; `deliveredAt` flips messages. */
class Gateway {
  readonly reads: { id: string; at: number }[] = [];
  deliveredAt = Infinity;
  answer?: (id: string) => Error | undefined;

  readonly read = (id: string): Promise<MessageStatus> => {
    this.reads.push({ id, at: Date.now() });
    const error = this.answer?.(id);
    if (error) return Promise.reject(error);
    return Promise.resolve(status(id, Date.now() >= this.deliveredAt ? 'deliver' : 'send'));
  };

  /** The most reads in any window of `windowMs` starting at a read. */
  peak(windowMs = 1_000): number {
    let peak = 0;
    for (let i = 0, j = 0; i < this.reads.length; i++) {
      while (this.reads[i].at - this.reads[j].at >= windowMs) j++;
      peak = Math.max(peak, i - j + 1);
    }
    return peak;
  }
}

const ids = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const FAST = { intervalMs: 1, maxIntervalMs: 1, timeoutMs: 600_000 };

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('the status budget of an account', () => {
  it('holds every read of many tracked messages to statusRequestsPerSecond', async () => {
    const gateway = new Gateway();
    const poller = new StatusPoller(gateway.read, new StatusBudget(10), 10_000);
    // 200 messages, each polled every millisecond if nothing held it back.
    const subscriptions = ids(200).map((id) => poller.track([id], FAST).subscribe());
    await jest.advanceTimersByTimeAsync(10_000);
    expect(gateway.reads.length).toBeGreaterThanOrEqual(95);
    expect(gateway.reads.length).toBeLessThanOrEqual(101);
    expect(gateway.peak()).toBeLessThanOrEqual(10);
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  it('reads the earliest due message first, each with its own backoff', async () => {
    const gateway = new Gateway();
    const poller = new StatusPoller(gateway.read, new StatusBudget(1), 10_000);
    poller.track(['late'], { intervalMs: 5_000, maxIntervalMs: 5_000 }).subscribe();
    await jest.advanceTimersByTimeAsync(0);
    poller.track(['early'], { intervalMs: 1_000, maxIntervalMs: 1_000 }).subscribe();
    await jest.advanceTimersByTimeAsync(12_000);
    // One read a second: `early` (due every second) fills the slots between `late`'s reads.
    // One read a second: `early` (due every second) fills the slots between `late`'s reads; at a
    // tie, the one scheduled first goes first.
    expect(gateway.reads.map((read) => read.id).slice(0, 7)).toEqual([
      'late',
      'early',
      'early',
      'early',
      'early',
      'late',
      'early',
    ]);
    expect(gateway.reads.filter((read) => read.id === 'late').length).toBe(3);
  });

  it('gives a direct getStatus the next slot, before the background polling', async () => {
    const gateway = new Gateway();
    const poller = new StatusPoller(gateway.read, new StatusBudget(5), 10_000);
    poller.track(ids(50), FAST).subscribe();
    await jest.advanceTimersByTimeAsync(1_000);
    const direct = poller.getStatus('direct');
    await jest.advanceTimersByTimeAsync(200);
    await expect(direct).resolves.toEqual(status('direct', 'send'));
    const at = gateway.reads.findIndex((read) => read.id === 'direct');
    expect(gateway.reads.length - at).toBe(1);
  });

  it('makes a direct read wait its turn and fail, never sent, past its own deadline', async () => {
    const gateway = new Gateway();
    const poller = new StatusPoller(gateway.read, new StatusBudget(1), 1_500);
    const reads = ids(4).map((id) => poller.getStatus(id).catch((error: unknown) => error));
    await jest.advanceTimersByTimeAsync(3_000);
    const outcomes = await Promise.all(reads);
    expect(outcomes.slice(0, 2)).toEqual([status('m0', 'send'), status('m1', 'send')]);
    expect(outcomes[3]).toMatchObject({ code: 'ETIMEDOUT', possiblyDelivered: false });
    expect(gateway.reads.map((read) => read.id)).toEqual(['m0', 'm1']);
  });

  it('lets a settled message leave the schedule at once, and never reads it again', async () => {
    const gateway = new Gateway();
    gateway.deliveredAt = Date.now() + 2_000;
    const poller = new StatusPoller(gateway.read, new StatusBudget(100), 10_000);
    const done = Promise.all(ids(50).map((id) => poller.waitFor(id, FAST)));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(poller.schedule.size).toBe(50);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(poller.schedule.size).toBe(0);
    await expect(done).resolves.toHaveLength(50);
    const settledAt = new Map<string, number>();
    for (const read of gateway.reads) {
      expect(settledAt.has(read.id)).toBe(false);
      if (read.at >= gateway.deliveredAt) settledAt.set(read.id, read.at);
    }
    expect(settledAt.size).toBe(50);
  });

  it('takes a timed-out or unsubscribed message out of the schedule at once', async () => {
    const gateway = new Gateway();
    const poller = new StatusPoller(gateway.read, new StatusBudget(10), 10_000);
    const timedOut = poller.waitFor('a', { ...FAST, timeoutMs: 500 }).catch((e: unknown) => e);
    const subscription = poller.track(ids(20), FAST).subscribe();
    await jest.advanceTimersByTimeAsync(600);
    expect(await timedOut).toMatchObject({ name: 'WebcomTrackingTimeoutError', id: 'a' });
    expect(poller.schedule.size).toBe(20);
    subscription.unsubscribe();
    expect(poller.schedule.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('slows the whole account on a 429, and recovers', async () => {
    const gateway = new Gateway();
    const budget = new StatusBudget(20);
    const poller = new StatusPoller(gateway.read, budget, 10_000);
    poller.track(ids(100), FAST).subscribe();
    await jest.advanceTimersByTimeAsync(2_000);
    gateway.answer = () => new WebcomApiError(429, 'too many requests');
    await jest.advanceTimersByTimeAsync(50);
    gateway.answer = undefined;
    const pushedAt = Date.now();
    expect(budget.currentRate).toBe(10);
    await jest.advanceTimersByTimeAsync(900);
    // Paused for a second: nothing was read since the 429.
    expect(gateway.reads.filter((read) => read.at > pushedAt)).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(2_100);
    const slowed = gateway.reads.filter((r) => r.at > pushedAt + 1_000 && r.at <= pushedAt + 2_000);
    expect(slowed.length).toBeLessThanOrEqual(11);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(budget.currentRate).toBe(20);
  });

  it('pauses for the Retry-After a status read was answered with', () => {
    const budget = new StatusBudget(20);
    budget.pushback(5_000);
    expect(budget.currentRate).toBe(10);
    // A burst of 429s from reads in flight together halves the rate once.
    budget.pushback(5_000);
    expect(budget.currentRate).toBe(10);
  });

  it('passes every read through a fleet limiter after its own budget', async () => {
    const gateway = new Gateway();
    const acquired: string[] = [];
    const limiter: WebcomStatusLimiter = {
      acquire: (account) => {
        acquired.push(account);
        return Promise.resolve();
      },
    };
    gateway.deliveredAt = Date.now();
    const poller = new StatusPoller(gateway.read, new StatusBudget(100, limiter, 'shop'), 1_000);
    const reads = Promise.all([poller.getStatus('a'), lastValueFrom(poller.track(['b'], FAST))]);
    await jest.advanceTimersByTimeAsync(100);
    await reads;
    expect(acquired).toEqual(['shop', 'shop']);
  });

  it('at shutdown empties the schedule and fails waiting reads with ESHUTDOWN, sending none', async () => {
    const gateway = new Gateway();
    const shutdown = new ShutdownSignal();
    const poller = new StatusPoller(gateway.read, new StatusBudget(1), 60_000, shutdown);
    const tracked = poller.waitFor('t', FAST).catch((error: unknown) => error);
    const direct = ids(3).map((id) => poller.getStatus(id).catch((error: unknown) => error));
    await jest.advanceTimersByTimeAsync(0);
    const readsBefore = gateway.reads.length;
    shutdown.close();
    const SHUTDOWN = { code: 'ESHUTDOWN', possiblyDelivered: false };
    expect(await tracked).toMatchObject(SHUTDOWN);
    for (const outcome of await Promise.all(direct.slice(1)))
      expect(outcome).toMatchObject(SHUTDOWN);
    expect(poller.schedule.size).toBe(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(gateway.reads.length).toBe(readsBefore);
    expect(jest.getTimerCount()).toBe(0);
  });
});
