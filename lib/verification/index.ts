// Decorator metadata must exist before the DTO classes this entry validates with are declared.
import 'reflect-metadata';
export { WebcomVerificationModule } from './webcom-verification.module.js';
export type { WebcomVerificationModuleExtras } from './webcom-verification.module.js';
export { WebcomVerificationService } from './webcom-verification.service.js';
export {
  WebcomVerificationConflictError,
  WebcomVerificationRateLimitError,
  type VerificationLimitKind,
} from './verification-errors.js';
export {
  VERIFICATION_METRIC,
  type VerificationApprovedEvent,
  type VerificationEvent,
  type VerificationFailedEvent,
  type VerificationOutcome,
  type VerificationStartedEvent,
} from './verification-events.js';
export type {
  VerificationLimit,
  VerificationLimits,
  VerificationRedisClient,
  VerificationRedisConnection,
  VerificationRedisStoreOptions,
  WebcomVerificationModuleOptions,
} from './verification-options.js';
export {
  VERIFICATION_STORE,
  type AttemptOutcome,
  type CancelOutcome,
  type CreateOutcome,
  type NotLive,
  type ResendOutcome,
  type StepChange,
  type StoredVerification,
  type StoreLimit,
  type Unavailable,
  type VerificationStore,
} from './verification-store.js';
export { CODE_PLACEHOLDER, DEFAULT_TEMPLATES } from './verification-templates.js';
export type * from './verification.types.js';
export { VERIFICATION_CHANNELS } from './verification.types.js';
