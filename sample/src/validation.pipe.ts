import { ValidationPipe } from '@nestjs/common';
import { toFieldErrors, WebcomValidationError } from 'nestjs-webcom';

/**
 * Validates request bodies against the library's DTOs, turning them into instances (phone
 * numbers normalised) and refusing unknown fields. A refusal is a `WebcomValidationError`, so
 * the exception filter answers it in the same shape as one the service throws.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => new WebcomValidationError(toFieldErrors(errors), 'request'),
  });
}
