import { HttpStatus } from '@nestjs/common';
import {
  possiblyDelivered,
  WebcomAmbiguousSendError,
  WebcomApiError,
  WebcomError,
  WebcomPartialSendError,
  WebcomTransportError,
  WebcomValidationError,
  type WebcomFieldError,
} from './errors/webcom-errors.js';
import { maskPhoneNumbers } from './errors/phone-masking.js';
import type { SendResult, SentMessage } from './protocol/results.js';
import { WebcomTrackingTimeoutError } from './tracking/track-options.js';
import { SHUTDOWN_CODE } from './util/shutdown-signal.js';

/** What every answer of {@link WebcomExceptionFilter} holds. */
export interface WebcomErrorBody {
  /** The HTTP status, repeated in the body as Nest's own error answers do. */
  statusCode: number;
  /** The error's class name, such as `WebcomApiError`. */
  error: string;
  /**
   * Fixed words per error class (a validation error's names the invalid fields): never the
   * gateway's text, never a secret or a phone number.
   */
  message: string;
}

/** `WebcomValidationError`: 400. */
export interface WebcomValidationErrorBody extends WebcomErrorBody {
  /** Every invalid field, nested ones as dotted paths (`button.url`). */
  errors: WebcomFieldError[];
}

/** `WebcomApiError`: 502, the gateway answered but refused the call. */
export interface WebcomApiErrorBody extends WebcomErrorBody {
  /** The HTTP status the gateway answered with. */
  gatewayStatus: number;
  /** True when the message may have gone out despite the error: a send answered 5xx (D14). */
  possiblyDelivered: boolean;
}

/**
 * `WebcomTransportError`: no usable answer from the gateway. 504 on a timeout, 503 when the
 * service refused the call because it is shutting down (`ESHUTDOWN`, never sent), else 502.
 */
export interface WebcomTransportErrorBody extends WebcomErrorBody {
  /** Why there was no answer, such as `ETIMEDOUT`, `ECONNRESET` or `ESHUTDOWN`. */
  code: string;
  /** True when the request may have reached the gateway: do not blindly send it again. */
  possiblyDelivered: boolean;
}

/**
 * `WebcomAmbiguousSendError`: 502. The gateway accepted the send but did not answer one id per
 * recipient: the messages may have gone out and been billed; read their statuses before any
 * new try.
 */
export interface WebcomAmbiguousSendErrorBody extends WebcomErrorBody {
  /** Always true: the messages may have gone out. */
  possiblyDelivered: true;
  /** The messages the gateway listed, without recipients. */
  messages: Omit<SentMessage, 'to'>[];
}

/** One part of a split send that failed, within a {@link WebcomPartialSendErrorBody}. */
export interface WebcomFailedRecipients {
  /** The recipients of the failed part. */
  to: string[];
  /** Why the part failed, as the error's safe fields. */
  error: {
    /** The error's class name, such as `WebcomTransportError`. */
    name: string;
    /** Fixed words per error class, as the body's own `message`. */
    message: string;
    /** True when these recipients may have received the message anyway. */
    possiblyDelivered: boolean;
    /** The transport's code, when no usable answer came. */
    code?: string;
    /** The gateway's HTTP status, when it refused the call. */
    gatewayStatus?: number;
  };
}

/**
 * `WebcomPartialSendError`: 502. The messages in `sent` went out and are billed: only the
 * recipients in `failed` may need another try.
 */
export interface WebcomPartialSendErrorBody extends WebcomErrorBody {
  /** The messages that went out, with their ids and prices. */
  sent: SendResult;
  /** The failed parts: their recipients, and why. */
  failed: WebcomFailedRecipients[];
}

/**
 * `WebcomTrackingTimeoutError`: 504, a message did not reach the state waited for in time
 * (settled by default, final with `until: 'read'`).
 */
export interface WebcomTrackingTimeoutErrorBody extends WebcomErrorBody {
  /** The message still unfinished. */
  id: string;
  /** Its last state read, if any read succeeded. */
  lastState?: string;
}

/** Any body the filter answers with; `error` tells which. */
export type WebcomErrorResponseBody =
  | WebcomValidationErrorBody
  | WebcomApiErrorBody
  | WebcomTransportErrorBody
  | WebcomPartialSendErrorBody
  | WebcomAmbiguousSendErrorBody
  | WebcomTrackingTimeoutErrorBody
  | WebcomErrorBody;

/** Transport codes that mean the gateway did not answer in time. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

/** The status of a transport error: the gateway was slow (504), we refused (503), or it failed (502). */
function transportStatus(code: string): HttpStatus {
  if (TIMEOUT_CODES.has(code)) return HttpStatus.GATEWAY_TIMEOUT;
  // Our own refusal while shutting down, not the gateway's failure: another instance may serve it.
  if (code === SHUTDOWN_CODE) return HttpStatus.SERVICE_UNAVAILABLE;
  return HttpStatus.BAD_GATEWAY;
}

/**
 * The `message` of each body: fixed words per error class, never the error's own message, which
 * may quote the gateway (a PHP fatal with its file and line, an HTML page, echoed data). That
 * text goes to the server's log instead (`WebcomExceptionFilter`).
 */
const WEBCOM_ERROR_MESSAGES = {
  WebcomApiError: 'The SMS gateway refused the call',
  WebcomTransportError: 'The SMS gateway gave no usable answer',
  timeout: 'The SMS gateway did not answer in time',
  shutdown: 'The service is shutting down; the call was not sent',
  WebcomAmbiguousSendError:
    'The SMS gateway accepted the send but did not answer one message id per recipient; ' +
    'the messages may have been delivered',
  WebcomPartialSendError: 'Some requests of the send failed',
  WebcomTrackingTimeoutError: 'The message did not reach the awaited state in time',
} as const;

function transportMessage(code: string): string {
  if (TIMEOUT_CODES.has(code)) return WEBCOM_ERROR_MESSAGES.timeout;
  if (code === SHUTDOWN_CODE) return WEBCOM_ERROR_MESSAGES.shutdown;
  return WEBCOM_ERROR_MESSAGES.WebcomTransportError;
}

/** Added to the message of a refusal or a failure after which the message may have gone out. */
const MAY_HAVE_GONE_OUT = '; the message may have been delivered';

/** The fixed message of an error, by its class (and a transport error's code). */
function fixedMessage(error: WebcomError): string {
  if (error instanceof WebcomValidationError) return error.message;
  const outcome = possiblyDelivered(error) ? MAY_HAVE_GONE_OUT : '';
  if (error instanceof WebcomApiError) return WEBCOM_ERROR_MESSAGES.WebcomApiError + outcome;
  if (error instanceof WebcomTransportError) return transportMessage(error.code) + outcome;
  if (error instanceof WebcomAmbiguousSendError) {
    return WEBCOM_ERROR_MESSAGES.WebcomAmbiguousSendError;
  }
  if (error instanceof WebcomPartialSendError) return WEBCOM_ERROR_MESSAGES.WebcomPartialSendError;
  if (error instanceof WebcomTrackingTimeoutError) {
    return WEBCOM_ERROR_MESSAGES.WebcomTrackingTimeoutError;
  }
  // A class of the library without a mapping: its own words, which quote no gateway.
  return maskPhoneNumbers(error.message);
}

/**
 * The status and the body a library error is answered with. Every body is built from the
 * error's whitelisted fields and a fixed message per class, never from the error object itself
 * nor the gateway's text: no request URL, no credential, no stack, no echoed data.
 * `WebcomValidationError` keeps its message: it names the invalid fields, never their values.
 */
export function webcomErrorResponse(error: WebcomError): WebcomErrorResponseBody {
  const base = (statusCode: number): WebcomErrorBody => ({
    statusCode,
    error: error.name,
    message: fixedMessage(error),
  });
  if (error instanceof WebcomValidationError) {
    return {
      ...base(HttpStatus.BAD_REQUEST),
      errors: error.errors.map(({ field, messages }) => ({ field, messages: [...messages] })),
    } satisfies WebcomValidationErrorBody;
  }
  if (error instanceof WebcomApiError) {
    return {
      ...base(HttpStatus.BAD_GATEWAY),
      gatewayStatus: error.status,
      possiblyDelivered: possiblyDelivered(error),
    } satisfies WebcomApiErrorBody;
  }
  if (error instanceof WebcomTransportError) {
    return {
      ...base(transportStatus(error.code)),
      code: error.code,
      possiblyDelivered: possiblyDelivered(error),
    } satisfies WebcomTransportErrorBody;
  }
  if (error instanceof WebcomAmbiguousSendError) {
    return {
      ...base(HttpStatus.BAD_GATEWAY),
      possiblyDelivered: true,
      messages: error.messages.map((message) => ({ ...message })),
    } satisfies WebcomAmbiguousSendErrorBody;
  }
  if (error instanceof WebcomPartialSendError) {
    return {
      ...base(HttpStatus.BAD_GATEWAY),
      sent: error.sent,
      failed: error.failed.map(({ to, error: cause }) => ({
        to: [...to],
        error: {
          name: cause.name,
          message: fixedMessage(cause),
          possiblyDelivered: possiblyDelivered(cause),
          ...(cause instanceof WebcomTransportError ? { code: cause.code } : {}),
          ...(cause instanceof WebcomApiError ? { gatewayStatus: cause.status } : {}),
        },
      })),
    } satisfies WebcomPartialSendErrorBody;
  }
  if (error instanceof WebcomTrackingTimeoutError) {
    return {
      ...base(HttpStatus.GATEWAY_TIMEOUT),
      id: error.id,
      ...(error.lastStatus ? { lastState: error.lastStatus.state } : {}),
    } satisfies WebcomTrackingTimeoutErrorBody;
  }
  return base(HttpStatus.INTERNAL_SERVER_ERROR);
}
