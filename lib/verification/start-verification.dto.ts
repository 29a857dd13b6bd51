import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { IsPhone, normalizePhones } from '../dto/rules.js';
import { OptionRule } from '../options/validate-options.js';
import { isWorkflow, WORKFLOW_RULE } from './verification-options.schema.js';
import type { StartVerificationInput, VerificationStep } from './verification.types.js';

/**
 * What `start` checks its argument against, as every `WebcomService` method does: `to` is
 * exactly one number (an array, a list in one string or garbage is a `WebcomValidationError` on
 * `to`, never quoting it), normalised to international digits.
 */
export class StartVerificationDto implements StartVerificationInput {
  @Transform(({ value }) => (Array.isArray(value) ? value : normalizePhones(value)))
  @IsPhone()
  to!: string;

  @IsOptional()
  @OptionRule('isWorkflow', `$property ${WORKFLOW_RULE}`, isWorkflow)
  workflow?: VerificationStep[];
}
