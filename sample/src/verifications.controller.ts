import {
  Body,
  Catch,
  Controller,
  HttpCode,
  HttpStatus,
  Ip,
  Param,
  Post,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { HttpAdapterHost } from '@nestjs/core';
import {
  WebcomVerificationConflictError,
  WebcomVerificationRateLimitError,
  WebcomVerificationService,
  type Verification,
  type VerificationCheckResult,
} from 'nestjs-webcom/verification';

/** The body of `POST /verifications`: the service itself checks `to` (one number). */
class StartVerificationBody {
  @ApiProperty({ example: '+7 999 123-45-67', description: 'Exactly one phone number' })
  @Allow()
  to!: string;
}

/** The body of `POST /verifications/:id/check`. */
class CheckVerificationBody {
  @ApiProperty({ example: '482193', description: 'The code the user received' })
  @Allow()
  code!: string;
}

/**
 * A pending verification is a 409 naming it; a limit is a 429 with `Retry-After`. Through the
 * HTTP adapter, so it answers on Express and Fastify alike.
 */
@Catch(WebcomVerificationConflictError, WebcomVerificationRateLimitError)
class VerificationErrorFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(
    error: WebcomVerificationConflictError | WebcomVerificationRateLimitError,
    host: ArgumentsHost,
  ): void {
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    if (error instanceof WebcomVerificationConflictError) {
      const body = { message: error.message, verificationId: error.verificationId };
      adapter.reply(response, { statusCode: HttpStatus.CONFLICT, ...body }, HttpStatus.CONFLICT);
      return;
    }
    adapter.setHeader(response, 'Retry-After', String(error.retryAfterSeconds));
    const body = { message: error.message, retryAfterSeconds: error.retryAfterSeconds };
    adapter.reply(
      response,
      { statusCode: HttpStatus.TOO_MANY_REQUESTS, ...body },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * One-time codes: start a verification (an SMS, then a voice call on resend after a minute),
 * check the code the user typed. The code is never logged nor answered: on the sandbox, where no
 * SMS reaches a phone, `/docs` shows the rest of the flow (wrong codes, attempts, limits).
 */
@ApiTags('verifications')
@Controller('verifications')
@UseFilters(VerificationErrorFilter)
export class VerificationsController {
  constructor(private readonly verification: WebcomVerificationService) {}

  @Post()
  @ApiOperation({ summary: 'Send a one-time code to a number' })
  @ApiBody({ type: StartVerificationBody })
  @ApiConflictResponse({ description: 'The number has a pending verification: `verificationId`.' })
  @ApiTooManyRequestsResponse({ description: 'Too many codes for this number or this client.' })
  start(@Body() body: StartVerificationBody, @Ip() ip: string): Promise<Verification> {
    // The client's address bounds how many numbers one client can have texted.
    return this.verification.start({ to: body.to }, { rateLimitKey: ip });
  }

  @Post(':id/check')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Check the code the user typed' })
  @ApiBody({ type: CheckVerificationBody })
  @ApiOkResponse({ description: '`status`: approved, wrong_code, expired, too_many_attempts, …' })
  check(
    @Param('id') id: string,
    @Body() body: CheckVerificationBody,
  ): Promise<VerificationCheckResult> {
    return this.verification.check(id, body.code);
  }

  @Post(':id/resend')
  @ApiOperation({
    summary: 'Send a new code, on the next channel once the current one had its time',
  })
  @ApiTooManyRequestsResponse({ description: 'Before the resend cooldown is over.' })
  resend(@Param('id') id: string): Promise<Verification> {
    return this.verification.resend(id);
  }
}
