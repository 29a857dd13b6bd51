import {
  Catch,
  HttpStatus,
  Optional,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  WebcomAmbiguousSendError,
  WebcomApiError,
  WebcomError,
  WebcomPartialSendError,
  WebcomTransportError,
  WebcomValidationError,
  type WebcomFieldError,
} from './errors/webcom-errors.js';
import type { SendResult, SentMessage } from './protocol/results.js';
import { WebcomTrackingTimeoutError } from './tracking/track-options.js';
import { SHUTDOWN_CODE } from './util/shutdown-signal.js';

/** What every answer of {@link WebcomExceptionFilter} holds. */
export interface WebcomErrorBody {
  /** The HTTP status, repeated in the body as Nest's own error answers do. */
  statusCode: number;
  /** The error's class name, such as `WebcomApiError`. */
  error: string;
  /** The error's message: it never holds a secret. */
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
  /** True only when the error says the message may have gone out despite the refusal. */
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
    /** The error's message, free of secrets. */
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
 * Whether the error says the message may have gone out. An error without the flag (a refusal,
 * a bad argument) means it did not.
 */
function possiblyDelivered(error: WebcomError): boolean {
  const flag = (error as { possiblyDelivered?: unknown }).possiblyDelivered;
  return typeof flag === 'boolean' ? flag : false;
}

/**
 * The status and the body a library error is answered with. Every body is built from the
 * error's whitelisted fields alone, never from the error object itself: no request URL, no
 * credential, no stack.
 */
export function webcomErrorResponse(error: WebcomError): WebcomErrorResponseBody {
  const base = (statusCode: number): WebcomErrorBody => ({
    statusCode,
    error: error.name,
    message: error.message,
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
      possiblyDelivered: error.possiblyDelivered,
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
          message: cause.message,
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

/** The reply of an HTTP platform, for a filter created with `new` outside Nest's injector. */
interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  json(body: unknown): unknown;
}
interface FastifyLikeResponse {
  code(code: number): { send(body: unknown): unknown };
}

/**
 * Answers the library's errors over HTTP, on Express and Fastify alike:
 *
 * | error | status |
 * | --- | --- |
 * | `WebcomValidationError` | 400, with `errors: [{ field, messages }]` |
 * | `WebcomApiError` | 502, with `gatewayStatus` and `possiblyDelivered` |
 * | `WebcomTransportError` | 504 on a timeout, 503 on `ESHUTDOWN`, else 502, with `code` and `possiblyDelivered` |
 * | `WebcomAmbiguousSendError` | 502, with `possiblyDelivered: true` and the `messages` listed |
 * | `WebcomPartialSendError` | 502, with `sent` and `failed: [{ to, error }]` |
 * | `WebcomTrackingTimeoutError` | 504, with `id` and `lastState` |
 *
 * Every body also holds `statusCode`, `error` (the class name) and `message`, and never a
 * secret. Register it for the whole app with `{ provide: APP_FILTER, useClass:
 * WebcomExceptionFilter }`, or on a controller with `@UseFilters(WebcomExceptionFilter)`.
 * Other errors pass on to the app's other filters.
 */
@Catch(WebcomError)
export class WebcomExceptionFilter implements ExceptionFilter<WebcomError> {
  /** Nest injects the adapter host; `new WebcomExceptionFilter()` works without it. */
  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  /** Replies with {@link webcomErrorResponse}'s status and body; Nest calls it. */
  catch(error: WebcomError, host: ArgumentsHost): void {
    // Outside HTTP, answer nothing: RPC and GraphQL then apply their own error handling.
    if (host.getType() !== 'http') return;
    const body = webcomErrorResponse(error);
    const response: unknown = host.switchToHttp().getResponse();
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter) {
      adapter.reply(response, body, body.statusCode);
    } else if (typeof (response as Partial<ExpressLikeResponse>).json === 'function') {
      (response as ExpressLikeResponse).status(body.statusCode).json(body);
    } else {
      (response as FastifyLikeResponse).code(body.statusCode).send(body);
    }
  }
}
