import { Catch, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { maskPhoneNumbers } from './errors/phone-masking.js';
import {
  WebcomError,
  WebcomPartialSendError,
  WebcomValidationError,
} from './errors/webcom-errors.js';
import { webcomErrorResponse } from './webcom-error-response.js';

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
 * Every body also holds `statusCode`, `error` (the class name) and `message`: fixed words per
 * class, never the gateway's text, a secret or a phone number. The error's own message (the
 * gateway's answer, redacted and masked) goes to the server's log, as a warning.
 *
 * Register it for the whole app with `{ provide: APP_FILTER, useClass: WebcomExceptionFilter }`,
 * or on a controller with `@UseFilters(WebcomExceptionFilter)`. Other errors pass on to the
 * app's other filters.
 */
@Catch(WebcomError)
export class WebcomExceptionFilter implements ExceptionFilter<WebcomError> {
  private readonly logger = new Logger('WebcomExceptionFilter');

  /** Nest injects the adapter host; `new WebcomExceptionFilter()` works without it. */
  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  /** Replies with {@link webcomErrorResponse}'s status and body; Nest calls it. */
  catch(error: WebcomError, host: ArgumentsHost): void {
    // Outside HTTP, answer nothing: RPC and GraphQL then apply their own error handling.
    if (host.getType() !== 'http') return;
    const body = webcomErrorResponse(error);
    this.log(error, body.statusCode);
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

  /**
   * What the body leaves out, for the operator: the error's message (the gateway's answer,
   * already redacted and masked when the error was built; masked again for errors from
   * elsewhere), and each failed part's of a split send. A bad request is the client's, not logged.
   */
  private log(error: WebcomError, status: number): void {
    if (error instanceof WebcomValidationError) return;
    const causes =
      error instanceof WebcomPartialSendError
        ? error.failed.map(
            ({ to, error: cause }) => `; ${to.length} recipient(s): ${cause.message}`,
          )
        : [];
    this.logger.warn(
      maskPhoneNumbers(`HTTP ${status} for ${error.name}: ${error.message}${causes.join('')}`),
    );
  }
}
