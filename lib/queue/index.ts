// Decorator metadata must exist before the DTO classes this entry validates with are declared.
import 'reflect-metadata';
// Warns when another copy of the package (the other build, another version) is loaded too.
import '../util/single-copy.js';
export type {
  WebcomJobData,
  WebcomJobFailure,
  WebcomQueueChannel,
  WebcomQueueDtos,
} from './job-planning.js';
export type { JobTraceContext } from './queue-telemetry.js';
export { getWebcomQueueToken } from './get-webcom-queue-token.util.js';
export { InjectWebcomQueue } from './inject-webcom-queue.decorator.js';
export {
  WebcomQueue,
  type WebcomEnqueueItem,
  type WebcomEnqueueOptions,
  type WebcomJobReport,
  type WebcomQueueCounts,
} from './webcom-queue.js';
export { WEBCOM_QUEUE_MODULE_OPTIONS, WebcomQueueModule } from './webcom-queue.module.js';
export {
  WEBCOM_DEFAULT_QUEUE_NAME,
  type WebcomQueueModuleExtras,
  type WebcomQueueModuleOptions,
  type WebcomRateLimit,
  type WebcomWorkerTuning,
} from './webcom-queue.options.js';
