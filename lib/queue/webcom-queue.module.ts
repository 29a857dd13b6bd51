import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import { getWebcomQueueToken, WebcomQueue } from './webcom-queue.js';
import {
  resolveQueueOptions,
  WEBCOM_DEFAULT_QUEUE_NAME,
  type ResolvedWebcomQueueOptions,
  type WebcomQueueModuleExtras,
  type WebcomQueueModuleOptions,
} from './webcom-queue.options.js';
import { WebcomQueueWorker } from './webcom-queue.worker.js';

/** The token of a queue's options as given, inside its module. */
export const WEBCOM_QUEUE_MODULE_OPTIONS = 'WEBCOM_QUEUE_MODULE_OPTIONS';

/** The checked options with defaults, inside the module. */
const RESOLVED_OPTIONS = 'WEBCOM_QUEUE_RESOLVED_OPTIONS';

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<WebcomQueueModuleOptions>({
  moduleName: 'WebcomQueue',
  optionsInjectionToken: WEBCOM_QUEUE_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<WebcomQueueModuleExtras>(
    { isGlobal: false, queueName: WEBCOM_DEFAULT_QUEUE_NAME },
    (definition, { isGlobal, queueName = WEBCOM_DEFAULT_QUEUE_NAME }) => {
      const queueToken = getWebcomQueueToken(queueName);
      const bullQueueToken = getQueueToken(queueName);
      return {
        ...definition,
        global: isGlobal,
        providers: [
          ...(definition.providers ?? []),
          {
            provide: RESOLVED_OPTIONS,
            // Checked here, so bad options stop the application at boot.
            useFactory: (options: WebcomQueueModuleOptions) =>
              resolveQueueOptions(options, queueName),
            inject: [WEBCOM_QUEUE_MODULE_OPTIONS],
          },
          {
            provide: queueToken,
            useFactory: (options: ResolvedWebcomQueueOptions) => new WebcomQueue(options),
            inject: [RESOLVED_OPTIONS],
          },
          {
            provide: bullQueueToken,
            useFactory: (queue: WebcomQueue) => queue.queue,
            inject: [queueToken],
          },
          {
            provide: WebcomQueueWorker,
            useFactory: (options: ResolvedWebcomQueueOptions, moduleRef: ModuleRef) =>
              new WebcomQueueWorker(options, moduleRef),
            inject: [RESOLVED_OPTIONS, ModuleRef],
          },
        ],
        exports: [...(definition.exports ?? []), queueToken, bullQueueToken],
      };
    },
  )
  .build();

/**
 * Durable, rate-limited sending over BullMQ and Redis, shared by every instance of the app:
 * `WebcomQueueModule.forRoot({ connection, rateLimit, … })` or `forRootAsync({ useFactory })`
 * registers a `WebcomQueue` (inject it, or `@InjectWebcomQueue(queueName)`) and, unless
 * `runWorker` is false, a worker that sends through the app's `WebcomService`.
 */
@Module({})
export class WebcomQueueModule extends ConfigurableModuleClass {}
