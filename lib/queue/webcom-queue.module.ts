import { ConfigurableModuleBuilder, Module, type DynamicModule } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { BullModule, getQueueToken, getSharedConfigToken } from '@nestjs/bullmq';
import type { Queue, QueueOptions } from 'bullmq';
import type { SendResult } from '../protocol/results.js';
import { bullQueueOptions } from './bull-queue-options.js';
import type { WebcomJobData } from './job-planning.js';
import { getWebcomQueueToken } from './get-webcom-queue-token.util.js';
import { WebcomQueueTelemetry } from './queue-telemetry.js';
import { WebcomQueue } from './webcom-queue.js';
import {
  resolveQueueOptions,
  WEBCOM_DEFAULT_QUEUE_NAME,
  type ResolvedWebcomQueueOptions,
  type WebcomQueueModuleExtras,
  type WebcomQueueModuleOptions,
} from './webcom-queue.options.js';
import { createWebcomQueueWorker, WebcomQueueWorker } from './webcom-queue.worker.js';

/** The token of a queue's options as given, inside its module. */
export const WEBCOM_QUEUE_MODULE_OPTIONS = 'WEBCOM_QUEUE_MODULE_OPTIONS';

/** The checked options with defaults, inside the module. */
const RESOLVED_OPTIONS = 'WEBCOM_QUEUE_RESOLVED_OPTIONS';
/** The queue's name, inside the module; it also keeps two queues' settings modules apart. */
const QUEUE_NAME = 'WEBCOM_QUEUE_NAME';
/** What `BullModule.registerQueueAsync` builds the BullMQ queue with. */
const BULL_QUEUE_OPTIONS = 'WEBCOM_QUEUE_BULL_OPTIONS';

/**
 * Holds a queue's options, so that the options factory of `forRootAsync` runs once for both
 * the BullMQ queue (registered by `@nestjs/bullmq`) and this module's providers.
 */
@Module({})
class WebcomQueueSettingsModule {}

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<WebcomQueueModuleOptions>({
  moduleName: 'WebcomQueue',
  optionsInjectionToken: WEBCOM_QUEUE_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<WebcomQueueModuleExtras>(
    { isGlobal: false, queueName: WEBCOM_DEFAULT_QUEUE_NAME },
    (definition, { isGlobal, queueName = WEBCOM_DEFAULT_QUEUE_NAME, configKey }) => {
      const queueToken = getWebcomQueueToken(queueName);
      const settings: DynamicModule = {
        module: WebcomQueueSettingsModule,
        imports: definition.imports ?? [],
        providers: [
          ...(definition.providers ?? []),
          { provide: QUEUE_NAME, useValue: queueName },
          {
            provide: RESOLVED_OPTIONS,
            // Checked here, so bad options stop the application at boot.
            useFactory: (options: WebcomQueueModuleOptions, name: string) =>
              resolveQueueOptions(options, name),
            inject: [WEBCOM_QUEUE_MODULE_OPTIONS, QUEUE_NAME],
          },
          {
            provide: BULL_QUEUE_OPTIONS,
            useFactory: (
              options: ResolvedWebcomQueueOptions,
              defaultConfig?: QueueOptions,
              keyedConfig?: QueueOptions,
            ) => bullQueueOptions(options, configKey, defaultConfig, keyedConfig),
            inject: [
              RESOLVED_OPTIONS,
              { token: getSharedConfigToken(), optional: true },
              { token: getSharedConfigToken(configKey), optional: true },
            ],
          },
        ],
        exports: [WEBCOM_QUEUE_MODULE_OPTIONS, RESOLVED_OPTIONS, BULL_QUEUE_OPTIONS],
      };
      // The app's unnamed BullModule.forRoot configuration, if any, lies under these options:
      // bullQueueOptions decides what of it the queue takes.
      const bullQueue = BullModule.registerQueueAsync({
        name: queueName,
        imports: [settings],
        useFactory: (options: QueueOptions) => options,
        inject: [BULL_QUEUE_OPTIONS],
      });
      return {
        module: definition.module,
        global: isGlobal,
        imports: [settings, bullQueue],
        providers: [
          {
            // One for the queue's producer and its worker: the spans of both sides.
            provide: WebcomQueueTelemetry,
            useFactory: (options: ResolvedWebcomQueueOptions) =>
              new WebcomQueueTelemetry(options.queueName),
            inject: [RESOLVED_OPTIONS],
          },
          {
            provide: queueToken,
            useFactory: (
              queue: Queue<WebcomJobData, SendResult>,
              options: ResolvedWebcomQueueOptions,
              telemetry: WebcomQueueTelemetry,
            ) => new WebcomQueue(queue, options, telemetry),
            inject: [getQueueToken(queueName), RESOLVED_OPTIONS, WebcomQueueTelemetry],
          },
          {
            // With runWorker, a @Processor of the queue: @nestjs/bullmq builds its Worker.
            provide: WebcomQueueWorker,
            useFactory: createWebcomQueueWorker,
            inject: [RESOLVED_OPTIONS, ModuleRef, WebcomQueueTelemetry],
          },
        ],
        exports: [queueToken, bullQueue],
      };
    },
  )
  .build();

/**
 * Durable, rate-limited sending over BullMQ and Redis, shared by every instance of the app:
 * `WebcomQueueModule.forRoot({ connection, rateLimit, … })` or `forRootAsync({ useFactory })`
 * registers, through `BullModule.registerQueueAsync`, a BullMQ queue (`@InjectQueue(queueName)`)
 * and a `WebcomQueue` on it (inject it, or `@InjectWebcomQueue(queueName)`), and unless
 * `runWorker` is false a worker that sends through the app's `WebcomService`. Without a
 * `connection`, it reuses the app's `BullModule.forRoot` connection.
 */
@Module({})
export class WebcomQueueModule extends ConfigurableModuleClass {}
