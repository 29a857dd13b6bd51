import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  WebcomApiError,
  WebcomError,
  WebcomPartialSendError,
  WebcomTransportError,
  WebcomValidationError,
} from 'nestjs-webcom';

/**
 * The status a gateway failure is answered with:
 * - invalid input: 400, with the fields;
 * - the gateway refused the call: 502;
 * - no usable answer: 504, with `possiblyDelivered` (true: do not blindly send again);
 * - a split send that partly went through: 207, with what was sent and what failed, since
 *   the messages sent are billed and must not be sent again.
 */
export function statusFor(error: WebcomError): number {
  if (error instanceof WebcomValidationError) return HttpStatus.BAD_REQUEST;
  if (error instanceof WebcomApiError) return HttpStatus.BAD_GATEWAY;
  if (error instanceof WebcomTransportError) return HttpStatus.GATEWAY_TIMEOUT;
  if (error instanceof WebcomPartialSendError) return HttpStatus.MULTI_STATUS;
  return HttpStatus.INTERNAL_SERVER_ERROR;
}

/**
 * Answers every error of the library with its safe rendering (`toJSON`: never a secret):
 * `{ statusCode, error, message, ...its fields }`.
 */
@Catch(WebcomError)
export class WebcomExceptionFilter implements ExceptionFilter<WebcomError> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: WebcomError, host: ArgumentsHost): void {
    const { name, message, ...fields } = error.toJSON();
    const statusCode = statusFor(error);
    const response: unknown = host.switchToHttp().getResponse();
    this.adapterHost.httpAdapter.reply(
      response,
      { statusCode, error: name, message, ...fields },
      statusCode,
    );
  }
}
