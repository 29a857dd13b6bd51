import { DueHeap, type DueEntry } from './due-heap.js';
import type { BackgroundReads, StatusBudget } from './status-budget.js';

/** A read waiting in the schedule: what to do when its slot comes. */
export interface ScheduledRead extends DueEntry {
  /** Starts the read; false when it declines the slot (it will be scheduled again later). */
  start(): boolean;
}

/**
 * The polling schedule of one account: every tracked message's next read, earliest due first,
 * handed the budget's slots that no direct read wants. 100,000 tracked messages cost one timer,
 * the budget's.
 */
export class StatusSchedule implements BackgroundReads {
  private readonly reads = new DueHeap<ScheduledRead>();

  constructor(private readonly budget: StatusBudget) {
    budget.serve(this);
  }

  /** Reads scheduled now. */
  get size(): number {
    return this.reads.size;
  }

  /** Schedules `read` at `dueAt` (the budget's clock). */
  add(read: ScheduledRead, dueAt: number): void {
    if (this.reads.add(read, dueAt)) this.budget.backgroundChanged();
  }

  /** Takes `read` out of the schedule, if it is in it. */
  remove(read: ScheduledRead): void {
    this.reads.remove(read);
    if (this.reads.size === 0) this.budget.backgroundChanged();
  }

  nextDueAt(): number {
    return this.reads.peek()?.dueAt ?? Infinity;
  }

  runDue(now: number): boolean {
    for (let read = this.reads.peek(); read && read.dueAt <= now; read = this.reads.peek()) {
      this.reads.remove(read);
      if (read.start()) return true;
    }
    return false;
  }
}

/** Something that expires at its `dueAt`. */
export interface Expiring extends DueEntry {
  expire(): void;
}

/** The deadlines of an account's waits: one timer for all of them, not one each. */
export class Deadlines {
  private readonly heap = new DueHeap<Expiring>();
  private timer?: ReturnType<typeof setTimeout>;
  private timerAt = Infinity;

  constructor(private readonly now: () => number) {}

  add(entry: Expiring, dueAt: number): void {
    if (this.heap.add(entry, dueAt)) this.arm();
  }

  remove(entry: Expiring): void {
    this.heap.remove(entry);
    if (this.heap.size === 0) this.arm();
  }

  private arm(): void {
    const next = this.heap.peek()?.dueAt ?? Infinity;
    if (next === this.timerAt) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = next;
    if (next === Infinity) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(next - this.now())));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.now();
    for (let entry = this.heap.peek(); entry && entry.dueAt <= now; entry = this.heap.peek()) {
      this.heap.remove(entry);
      entry.expire();
    }
    this.arm();
  }
}
