/** An entry of a `DueHeap`: when it is due, and the heap's bookkeeping. */
export interface DueEntry {
  dueAt: number;
  /** Its place in the heap; -1 while not in it. */
  slot: number;
  /** Order of adding: of two entries due at once, the earlier added comes first. */
  order: number;
}

function before(a: DueEntry, b: DueEntry): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.order < b.order);
}

/**
 * Entries by due time, earliest first: a binary heap whose entries know their place, so adding,
 * removing any entry and taking the earliest are O(log n).
 */
export class DueHeap<T extends DueEntry> {
  private readonly heap: T[] = [];
  private order = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The earliest entry, if any. */
  peek(): T | undefined {
    return this.heap[0];
  }

  /** Adds `entry` due at `dueAt`; true when it is now the earliest. */
  add(entry: T, dueAt: number): boolean {
    entry.dueAt = dueAt;
    entry.order = this.order++;
    entry.slot = this.heap.length;
    this.heap.push(entry);
    this.up(entry.slot);
    return entry.slot === 0;
  }

  /** Takes `entry` out, if it is in. */
  remove(entry: T): void {
    const at = entry.slot;
    if (at < 0) return;
    entry.slot = -1;
    const last = this.heap.pop()!;
    if (at === this.heap.length) return;
    this.heap[at] = last;
    last.slot = at;
    this.down(at);
    this.up(last.slot);
  }

  private up(at: number): void {
    const { heap } = this;
    const entry = heap[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(entry, heap[parent])) break;
      heap[at] = heap[parent];
      heap[at].slot = at;
      at = parent;
    }
    heap[at] = entry;
    entry.slot = at;
  }

  private down(at: number): void {
    const { heap } = this;
    const entry = heap[at];
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right], heap[left]) ? right : left;
      if (!before(heap[child], entry)) break;
      heap[at] = heap[child];
      heap[at].slot = at;
      at = child;
    }
    heap[at] = entry;
    entry.slot = at;
  }
}
