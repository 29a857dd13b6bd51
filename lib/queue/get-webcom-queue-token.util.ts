import { WebcomQueue } from './webcom-queue.js';
import { WEBCOM_DEFAULT_QUEUE_NAME } from './webcom-queue.options.js';

/**
 * The injection token of the `WebcomQueue` of `queueName`: the class itself for the default
 * queue, a string for another. Use it with `moduleRef.get()` in tests.
 */
export function getWebcomQueueToken(queueName?: string): string | typeof WebcomQueue {
  return queueName && queueName !== WEBCOM_DEFAULT_QUEUE_NAME
    ? `WebcomQueue:${queueName}`
    : WebcomQueue;
}
