import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { WebcomValidationError, type WebcomFieldError } from '../errors/webcom-errors.js';

function flatten(errors: ValidationError[], prefix: string, into: WebcomFieldError[]) {
  for (const error of errors) {
    const field = `${prefix}${error.property}`;
    if (error.constraints) into.push({ field, messages: Object.values(error.constraints) });
    if (error.children?.length) flatten(error.children, `${field}.`, into);
  }
  return into;
}

/** class-validator's errors as dotted paths (`button.url`), each with its messages. */
export function toFieldErrors(errors: ValidationError[]): WebcomFieldError[] {
  return flatten(errors, '', []);
}

/**
 * The argument as an instance of `dtoClass`, transformed and checked; a plain object is fine.
 * Unknown properties are refused, so a misspelt field is an error rather than silently dropped.
 */
export function validateDto<T extends object>(dtoClass: ClassConstructor<T>, value: unknown): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebcomValidationError([{ field: '(argument)', messages: ['must be an object'] }]);
  }
  const instance = plainToInstance(dtoClass, value);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length) throw new WebcomValidationError(toFieldErrors(errors));
  return instance;
}
