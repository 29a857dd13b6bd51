// Warns when another copy of the package (the other build, another version) is loaded too.
import '../util/single-copy.js';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { getWebcomQueueToken } from './get-webcom-queue-token.util.js';
import type { WebcomQueue, WebcomQueueCounts } from './webcom-queue.js';
import { withTimeout } from '../util/with-timeout.js';

/** What `WebcomQueueHealthIndicator.isHealthy` checks. */
export interface WebcomQueueHealthOptions {
  /** The queue registered with this `queueName`; by default `'webcom'`. */
  queueName?: string;
  /** Longest wait for Redis to answer, in ms, before the indicator reports `down`. Default 2000. */
  timeoutMs?: number;
}

class RedisTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`);
    this.name = 'RedisTimeout';
  }
}

/**
 * The Redis server behind a `WebcomQueue`, as a `@nestjs/terminus` health indicator: provide it
 * next to `TerminusModule` and call `isHealthy()` inside `HealthCheckService.check([...])`.
 *
 * Each check reads the job counts, which proves a round trip to Redis and puts the counts in the
 * details. It never throws: an unreachable or slow Redis is `down` with the reason.
 */
@Injectable()
export class WebcomQueueHealthIndicator {
  constructor(
    private readonly healthIndicatorService: HealthIndicatorService,
    // Looked up at check time and across modules, so the health module needs no import of
    // WebcomQueueModule.
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Reads the queue's job counts: `up` with the counts in the details, or `down` with why. */
  async isHealthy<const Key extends string = 'webcomQueue'>(
    key: Key = 'webcomQueue' as Key,
    options: WebcomQueueHealthOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.healthIndicatorService.check(key);
    const { queueName, timeoutMs = 2000 } = options;
    if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
      return indicator.down({ message: 'timeoutMs must be a positive whole number' });
    }
    let counts: WebcomQueueCounts;
    try {
      counts = await withTimeout(
        this.queue(queueName).counts(),
        timeoutMs,
        () => new RedisTimeout(timeoutMs),
      );
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      return indicator.down({ message: `queue unavailable: ${message}`, error: name });
    }
    return indicator.up({ ...counts });
  }

  private queue(queueName: string | undefined): WebcomQueue {
    try {
      return this.moduleRef.get<WebcomQueue>(getWebcomQueueToken(queueName), { strict: false });
    } catch {
      throw new Error(`no WebcomQueue is registered as "${queueName ?? 'webcom'}"`);
    }
  }
}
