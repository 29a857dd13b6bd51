import { ConfigModule, ConfigService, ConditionalModule } from '@nestjs/config';
import { WebcomQueueModule, type WebcomQueueModuleOptions } from 'nestjs-webcom/queue';
import { readNumber, readSetting } from './settings.js';

/** Queued sending is on when this variable names a Redis server. */
export const QUEUE_REDIS_URL = 'WEBCOM_QUEUE_REDIS_URL';

export function createQueueOptions(config: ConfigService): WebcomQueueModuleOptions {
  const rateLimit = readNumber(config, 'WEBCOM_QUEUE_RATE_LIMIT');
  const prefix = readSetting(config, 'WEBCOM_QUEUE_PREFIX');
  return {
    connection: { url: readSetting(config, QUEUE_REDIS_URL)! },
    runWorker: readSetting(config, 'WEBCOM_QUEUE_WORKER') !== 'false',
    ...(rateLimit === undefined ? {} : { rateLimit: { max: rateLimit } }),
    ...(prefix === undefined ? {} : { prefix }),
  };
}

/**
 * With `WEBCOM_QUEUE_REDIS_URL` set, sends go through `nestjs-webcom/queue` (BullMQ on Redis):
 * the send endpoints answer with job ids, and this process also works the queue unless
 * `WEBCOM_QUEUE_WORKER=false`. Without it, nothing of BullMQ is started.
 */
export const QueuedSendingModule = ConditionalModule.registerWhen(
  WebcomQueueModule.forRootAsync({
    imports: [ConfigModule],
    inject: [ConfigService],
    useFactory: createQueueOptions,
  }),
  // A function: a bare variable name would count as true whenever it is not 'false'.
  (env) => Boolean(env[QUEUE_REDIS_URL]?.trim()),
);
