import type { BackgroundReads, StatusBudget } from './status-budget.js';

/** A read waiting in the schedule: when it is due, and what to do when its slot comes. */
export interface ScheduledRead {
  dueAt: number;
  /** Its place in the heap; -1 while not scheduled. */
  slot: number;
  /** Order of scheduling: of two reads due at once, the earlier scheduled goes first. */
  order: number;
  /** Starts the read; false when it declines the slot (it will be scheduled again later). */
  start(): boolean;
}

function before(a: ScheduledRead, b: ScheduledRead): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.order < b.order);
}

/**
 * The polling schedule of one account: every tracked message's next read, earliest due first (a
 * binary heap), handed the budget's slots that no direct read wants. Adding, removing and taking
 * the earliest are O(log n), so 100,000 tracked messages cost one timer, the budget's.
 */
export class StatusSchedule implements BackgroundReads {
  private readonly heap: ScheduledRead[] = [];
  private order = 0;

  constructor(private readonly budget: StatusBudget) {
    budget.serve(this);
  }

  /** Reads scheduled now. */
  get size(): number {
    return this.heap.length;
  }

  /** Schedules `read` at `dueAt` (the budget's clock). */
  add(read: ScheduledRead, dueAt: number): void {
    read.dueAt = dueAt;
    read.order = this.order++;
    read.slot = this.heap.length;
    this.heap.push(read);
    this.up(read.slot);
    if (read.slot === 0) this.budget.backgroundChanged();
  }

  /** Takes `read` out of the schedule, if it is in it. */
  remove(read: ScheduledRead): void {
    this.take(read);
    if (this.heap.length === 0) this.budget.backgroundChanged();
  }

  nextDueAt(): number {
    return this.heap.length > 0 ? this.heap[0].dueAt : Infinity;
  }

  runDue(now: number): boolean {
    while (this.heap.length > 0 && this.heap[0].dueAt <= now) {
      const read = this.heap[0];
      this.take(read);
      if (read.start()) return true;
    }
    return false;
  }

  private take(read: ScheduledRead): void {
    const at = read.slot;
    if (at < 0) return;
    read.slot = -1;
    const last = this.heap.pop()!;
    if (at === this.heap.length) return;
    this.heap[at] = last;
    last.slot = at;
    this.down(at);
    this.up(last.slot);
  }

  private up(at: number): void {
    const { heap } = this;
    const read = heap[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(read, heap[parent])) break;
      heap[at] = heap[parent];
      heap[at].slot = at;
      at = parent;
    }
    heap[at] = read;
    read.slot = at;
  }

  private down(at: number): void {
    const { heap } = this;
    const read = heap[at];
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right], heap[left]) ? right : left;
      if (!before(heap[child], read)) break;
      heap[at] = heap[child];
      heap[at].slot = at;
      at = child;
    }
    heap[at] = read;
    read.slot = at;
  }
}
