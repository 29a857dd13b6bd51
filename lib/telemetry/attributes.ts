import {
  WebcomAmbiguousSendError,
  WebcomApiError,
  WebcomPartialSendError,
  WebcomTransportError,
  WebcomValidationError,
} from '../errors/webcom-errors.js';

/**
 * Every attribute name the module ever puts on a span, an event or a metric. The values come
 * from the module itself (enumerations, counts, the gateway's host name and port, HTTP status
 * codes, error codes checked against a pattern), never from a call's arguments, the request URL
 * or a gateway's answer: no credential, phone number, message text or query can get in.
 */
export const ATTR = {
  // OpenTelemetry messaging semantic conventions.
  messagingSystem: 'messaging.system',
  messagingOperationName: 'messaging.operation.name',
  messagingOperationType: 'messaging.operation.type',
  messagingBatchMessageCount: 'messaging.batch.message_count',
  messagingDestinationName: 'messaging.destination.name',
  // OpenTelemetry general and HTTP semantic conventions.
  serverAddress: 'server.address',
  serverPort: 'server.port',
  httpResponseStatusCode: 'http.response.status_code',
  httpRequestResendCount: 'http.request.resend_count',
  errorType: 'error.type',
  // The module's own.
  channel: 'webcom.channel',
  account: 'webcom.account',
  possiblyDelivered: 'webcom.possibly_delivered',
  requestIndex: 'webcom.request.index',
  requestCount: 'webcom.request.count',
  retryAttempt: 'webcom.retry.attempt',
  retryReason: 'webcom.retry.reason',
  retryDelayMs: 'webcom.retry.delay_ms',
  messageOutcome: 'webcom.message.outcome',
  operationOutcome: 'webcom.operation.outcome',
  jobPart: 'webcom.job.part',
  jobParts: 'webcom.job.parts',
  jobAttempt: 'webcom.job.attempt',
} as const;

export const MESSAGING_SYSTEM = 'webcom';

/** Error codes as Node and HTTP clients spell them (ECONNRESET, UND_ERR_SOCKET, ETIMEDOUT). */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

/** The other value of `error.type` the conventions define, for an error we cannot classify. */
const OTHER = '_OTHER';

/**
 * `error.type`, after the HTTP conventions: the status code of an error answer, the system error
 * code of a failed connection, else the module's error class. Nothing from an error's message.
 */
export function errorType(error: unknown): string {
  if (error instanceof WebcomApiError) {
    return error.status >= 400 && error.status <= 599 ? String(error.status) : error.name;
  }
  if (error instanceof WebcomTransportError) {
    return ERROR_CODE.test(error.code) ? error.code : error.name;
  }
  if (
    error instanceof WebcomAmbiguousSendError ||
    error instanceof WebcomPartialSendError ||
    error instanceof WebcomValidationError
  ) {
    return error.name;
  }
  return OTHER;
}

/**
 * A retry's reason: the status code that is retried, or the error code. Anything else (which the
 * transport does not produce) is reported as `_OTHER`.
 */
export function retryReason(reason: string | number): string {
  if (typeof reason === 'number') return Number.isInteger(reason) ? String(reason) : OTHER;
  return ERROR_CODE.test(reason) ? reason : OTHER;
}

/** D14: the error's own judgement, the one events, the filter and the queue use too. */
export { possiblyDelivered } from '../errors/webcom-errors.js';

/** The HTTP status of the answer behind an error, when there was one. */
export function errorStatus(error: unknown): number | undefined {
  return error instanceof WebcomApiError && Number.isInteger(error.status)
    ? error.status
    : undefined;
}
