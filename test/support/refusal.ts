import type { ClassConstructor } from 'class-transformer';
import { validateDto } from '../../lib/dto/validate.js';
import { WebcomValidationError, type WebcomFieldError } from '../../lib/errors/webcom-errors.js';

/** The field errors `validateDto` throws; fails the test when it accepts the value. */
export function refusal(dto: ClassConstructor<object>, value: unknown): WebcomFieldError[] {
  try {
    validateDto(dto, value);
  } catch (error) {
    if (error instanceof WebcomValidationError) return error.errors;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}

/** The dotted paths of the refused fields, sorted. */
export const refusedFields = (dto: ClassConstructor<object>, value: unknown): string[] =>
  refusal(dto, value)
    .map((e) => e.field)
    .sort();
