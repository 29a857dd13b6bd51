import type { FakeFault } from './types.js';

interface QueuedFault {
  fault: FakeFault;
  remaining: number;
}

/** The faults queued with `FakeWebcomServer.fail`: each for its number of requests, in order. */
export class FaultQueue {
  private readonly queue: QueuedFault[] = [];

  add(fault: FakeFault, times: number): void {
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`times must be a positive integer, got ${times}`);
    }
    this.queue.push({ fault, remaining: times });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault the next request suffers, if any, used up by it. */
  take(): FakeFault | undefined {
    const next = this.queue[0];
    if (!next) return undefined;
    next.remaining -= 1;
    if (next.remaining === 0) this.queue.shift();
    return next.fault;
  }
}
