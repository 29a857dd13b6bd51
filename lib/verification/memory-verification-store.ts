import {
  recordLifetimeMs,
  unavailability,
  type AttemptOutcome,
  type CancelOutcome,
  type CreateOutcome,
  type ResendOutcome,
  type StepChange,
  type StoredVerification,
  type StoreLimit,
  type VerificationStore,
} from './verification-store.js';

interface Counter {
  count: number;
  resetAt: number;
}

/**
 * The default store: one process's memory. Right for one instance; a fleet needs a shared store
 * (`store: { redis }`), or each instance would count attempts and limits of its own. Every
 * method runs to completion without awaiting, so each is atomic within the process.
 */
export class MemoryVerificationStore implements VerificationStore {
  private readonly records = new Map<string, { record: StoredVerification; dropAt: number }>();
  /** numberKey → id of its latest verification. */
  private readonly numbers = new Map<string, string>();
  private readonly counters = new Map<string, Counter>();

  create(record: StoredVerification, limits: StoreLimit[], now: number): Promise<CreateOutcome> {
    this.sweep(now);
    const current = this.numbers.get(record.numberKey);
    if (current !== undefined && unavailability(this.live(current, now), now) === undefined) {
      return Promise.resolve({ outcome: 'conflict', id: current });
    }
    const counters = limits.map((limit) => {
      const counter = this.counters.get(limit.key);
      return counter && counter.resetAt > now
        ? counter
        : { count: 0, resetAt: now + limit.windowSeconds * 1000 };
    });
    const full = counters.filter((counter, i) => counter.count >= limits[i].max);
    if (full.length) {
      const resetAt = Math.max(...full.map((counter) => counter.resetAt));
      return Promise.resolve({
        outcome: 'rate_limited',
        retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)),
      });
    }
    counters.forEach((counter, i) => {
      // A new window goes to the end of the map, where the sweep expects the latest ones.
      if (counter.count === 0) this.counters.delete(limits[i].key);
      counter.count += 1;
      this.counters.set(limits[i].key, counter);
    });
    this.records.set(record.id, {
      record: { ...record },
      dropAt: now + recordLifetimeMs(record, now),
    });
    this.numbers.set(record.numberKey, record.id);
    return Promise.resolve({ outcome: 'created' });
  }

  find(id: string): Promise<StoredVerification | undefined> {
    const record = this.live(id);
    return Promise.resolve(record && { ...record });
  }

  reserveAttempt(id: string, now: number): Promise<AttemptOutcome> {
    const record = this.live(id, now);
    const why = unavailability(record, now);
    if (why) return Promise.resolve({ outcome: why });
    record!.attempts += 1;
    return Promise.resolve({ outcome: 'reserved', record: { ...record! } });
  }

  approve(id: string, now: number): Promise<boolean> {
    const record = this.live(id, now);
    if (!record || record.state !== 'pending' || now >= record.expiresAt) {
      return Promise.resolve(false);
    }
    record.state = 'approved';
    this.release(record);
    return Promise.resolve(true);
  }

  claimResend(id: string, change: StepChange, now: number): Promise<ResendOutcome> {
    const record = this.live(id, now);
    const why = unavailability(record, now);
    if (why) return Promise.resolve({ outcome: why });
    if (record!.step !== change.fromStep) return Promise.resolve({ outcome: 'moved' });
    if (now < record!.resendAvailableAt) {
      return Promise.resolve({
        outcome: 'too_early',
        retryAfterMs: record!.resendAvailableAt - now,
      });
    }
    Object.assign(record!, {
      step: change.toStep,
      channel: change.channel,
      codeDigest: change.codeDigest,
      messageId: '',
      // A repeated step keeps its start: its time runs from its first send.
      stepStartedAt: change.toStep === change.fromStep ? record!.stepStartedAt : now,
      resendAvailableAt: now + change.cooldownMs,
    });
    return Promise.resolve({ outcome: 'claimed', record: { ...record! } });
  }

  attachMessage(id: string, step: number, messageId: string): Promise<boolean> {
    const record = this.live(id);
    if (!record || record.step !== step) return Promise.resolve(false);
    record.messageId = messageId;
    return Promise.resolve(true);
  }

  cancel(id: string, now: number): Promise<CancelOutcome> {
    const record = this.live(id, now);
    const why = unavailability(record, now);
    if (why) return Promise.resolve({ outcome: why });
    record!.state = 'cancelled';
    this.release(record!);
    return Promise.resolve({ outcome: 'done' });
  }

  /** The record, unless its time in the store is over. */
  private live(id: string, now = Date.now()): StoredVerification | undefined {
    const entry = this.records.get(id);
    if (entry && entry.dropAt <= now) {
      this.records.delete(id);
      return undefined;
    }
    return entry?.record;
  }

  private release(record: StoredVerification): void {
    if (this.numbers.get(record.numberKey) === record.id) this.numbers.delete(record.numberKey);
  }

  /**
   * Drops what is past its time, oldest first: records are inserted in order of creation, so
   * with one `ttlSeconds` the first live one ends the walk and a sweep costs what it removes.
   */
  private sweep(now: number): void {
    for (const [id, entry] of this.records) {
      if (entry.dropAt > now) break;
      this.records.delete(id);
      this.release(entry.record);
    }
    for (const [key, counter] of this.counters) {
      if (counter.resetAt > now) break;
      this.counters.delete(key);
    }
  }
}
