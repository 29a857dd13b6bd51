import type { QueueOptions } from 'bullmq';
import { WebcomValidationError } from '../errors/webcom-errors.js';
import type { ResolvedWebcomQueueOptions } from './webcom-queue.options.js';

/**
 * The options `BullModule.registerQueueAsync` builds the queue with. `@nestjs/bullmq` lays them
 * over the app's unnamed `BullModule.forRoot` configuration, key by key; every key of that
 * configuration is therefore set here, so that what the queue uses is exactly:
 * - with a `connection` of its own: that connection and `prefix`, nothing of the app's
 *   configuration (a queue keeps its keys when the app adds `BullModule.forRoot`);
 * - without one: the configuration `forRoot` gave under `configKey` (or the unnamed one), with
 *   `prefix` when set.
 * Either way the job defaults are the queue's own: retries and removal are part of its delivery
 * guarantees.
 */
export function bullQueueOptions(
  options: ResolvedWebcomQueueOptions,
  configKey: string | undefined,
  defaultConfig: QueueOptions | undefined,
  keyedConfig: QueueOptions | undefined,
): Omit<QueueOptions, 'connection'> & Partial<Pick<QueueOptions, 'connection'>> {
  const overridden = Object.fromEntries(
    Object.keys(defaultConfig ?? {}).map((key) => [key, undefined]),
  );
  const { connection, prefix } = options;
  let base: Partial<QueueOptions>;
  if (connection !== undefined) {
    base = { connection, prefix };
  } else {
    const app = configKey === undefined ? defaultConfig : keyedConfig;
    if (!app?.connection) {
      const forRoot =
        configKey === undefined ? 'BullModule.forRoot(…)' : `BullModule.forRoot('${configKey}', …)`;
      throw new WebcomValidationError(
        [
          {
            field: 'connection',
            messages: [`is required unless the app imports ${forRoot} with a connection`],
          },
        ],
        'Webcom queue options',
      );
    }
    base = { ...app, ...(prefix === undefined ? {} : { prefix }) };
  }
  return {
    ...overridden,
    ...base,
    defaultJobOptions: {
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
      removeOnComplete: options.removeOnComplete,
      removeOnFail: options.removeOnFail,
    },
  };
}
