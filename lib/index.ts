// Decorator metadata must exist before the DTO classes below are declared.
import 'reflect-metadata';
// Warns when another copy of the package (the other build, another version) is loaded too.
import './util/single-copy.js';
export * from './dto/index.js';
export * from './errors/webcom-errors.js';
export type * from './events.js';
export { smsSegments, type SmsEncoding, type SmsSegments } from './protocol/sms-segments.js';
export {
  WEBCOM_INDIVIDUAL_CODE,
  type Channel,
  type ChannelTrait,
  type ContentKind,
  type ContentChannel,
  type RichChannel,
  type SenderChannel,
  type TypeSend,
} from './protocol/channels.js';
export type { Button, ChannelContent, Credentials, Senders } from './protocol/messages.js';
export { toInternationalDigits } from './protocol/phone.js';
export { tokenHash } from './protocol/encode.js';
export type * from './protocol/results.js';
export {
  WebcomTrackingTimeoutError,
  type TrackOptions,
  type TrackUntil,
} from './tracking/track-options.js';
export type { WebcomStatusLimiter } from './tracking/status-limiter.js';
export { getWebcomToken } from './get-webcom-token.util.js';
export { getWebcomProviderToken, type WebcomProvider } from './get-webcom-provider-token.util.js';
export { InjectWebcom } from './inject-webcom.decorator.js';
export type {
  CallKind,
  GatewayResponse,
  GatewayTransport,
  RetryHooks,
} from './transport/gateway-transport.js';
export type { SendKind, DtoOf } from './channel-registry.js';
export {
  WEBCOM_MODULE_OPTIONS,
  type WebcomModuleExtras,
  type WebcomOptionsFactory,
} from './webcom.module-definition.js';
export { WebcomModule } from './webcom.module.js';
export { WEBCOM_DEFAULT_BASE_URL, type WebcomModuleOptions } from './webcom-options.js';
export {
  WebcomTelemetry,
  type TelemetryOperation,
  type TelemetryRequest,
  type TelemetryRetry,
  type TelemetryScope,
} from './telemetry/webcom-telemetry.js';
export { WebcomService } from './webcom.service.js';
export { WebcomExceptionFilter } from './webcom-exception.filter.js';
export { WebcomValidationPipe } from './webcom-validation.pipe.js';
export {
  webcomErrorResponse,
  type WebcomAmbiguousSendErrorBody,
  type WebcomApiErrorBody,
  type WebcomErrorBody,
  type WebcomErrorResponseBody,
  type WebcomFailedRecipients,
  type WebcomPartialSendErrorBody,
  type WebcomTrackingTimeoutErrorBody,
  type WebcomTransportErrorBody,
  type WebcomValidationErrorBody,
} from './webcom-error-response.js';
