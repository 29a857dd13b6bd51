import {
  type ArgumentMetadata,
  BadRequestException,
  Injectable,
  Optional,
  ValidationPipe,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { toFieldErrors, untransformable } from './dto/validate.js';
import { WebcomValidationError } from './errors/webcom-errors.js';
import { webcomErrorResponse } from './webcom-exception.filter.js';

/**
 * The recommended global pipe: Nest's `ValidationPipe` with `transform`, `whitelist` and
 * `forbidNonWhitelisted`, whose 400 has the body `WebcomExceptionFilter` answers for a
 * `WebcomValidationError`, so a bad request body and a bad argument that reaches the service
 * answer one shape. The body is the exception's own, so it needs no filter to reach the client.
 * `options` are passed on to `ValidationPipe` (say `{ transformOptions: … }`); the four above
 * are this pipe's and are not overridden.
 */
@Injectable()
export class WebcomValidationPipe extends ValidationPipe {
  constructor(@Optional() options: Omit<ValidationPipeOptions, 'exceptionFactory'> = {}) {
    super({
      ...options,
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      exceptionFactory: (errors) =>
        new BadRequestException(
          webcomErrorResponse(new WebcomValidationError(toFieldErrors(errors), 'request')),
        ),
    });
  }

  /** First what class-transformer would drop unseen (`constructor`, `__proto__` keys). */
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (typeof value === 'object' && value !== null && this.toValidate(metadata)) {
      const unsafe = untransformable(value, '', []);
      if (unsafe.length) {
        throw new BadRequestException(
          webcomErrorResponse(new WebcomValidationError(unsafe, 'request')),
        );
      }
    }
    return super.transform(value, metadata);
  }
}
