import { WebcomValidationError } from '../errors/webcom-errors.js';
import { countryOfInternationalDigits } from '../protocol/phone.js';
import type { ResolvedVerificationOptions } from './verification-options.js';
import type { VerificationSecrets } from './verification-secrets.js';
import type { StoreLimit, Unavailable } from './verification-store.js';

/**
 * What `start` asks before it stores anything: the number's country, the rate-limit key's
 * form, and the counters the store increments. Refusals name the field, never its value.
 */
export class VerificationAdmission {
  constructor(
    private readonly options: ResolvedVerificationOptions,
    private readonly secrets: VerificationSecrets,
  ) {}

  /** Throws a `WebcomValidationError` for a number outside `allowedCountries` or a bad key. */
  check(to: string, rateLimitKey: unknown): void {
    const allowed = this.options.allowedCountries;
    if (allowed) {
      const country = countryOfInternationalDigits(to);
      if (country === undefined || !allowed.includes(country)) {
        throw new WebcomValidationError([
          { field: 'to', messages: ['to must be a number of an allowed country'] },
        ]);
      }
    }
    if (rateLimitKey !== undefined && (typeof rateLimitKey !== 'string' || rateLimitKey === '')) {
      throw new WebcomValidationError([
        { field: 'rateLimitKey', messages: ['rateLimitKey must be a non-empty string'] },
      ]);
    }
  }

  /** The per-number counter, and the per-key one when `start` names a key: HMACs both. */
  limits(to: string, rateLimitKey: string | undefined): StoreLimit[] {
    const { perNumber, perKey } = this.options.limits;
    return [
      { key: this.secrets.lookup('number-limit', to), ...perNumber },
      ...(rateLimitKey === undefined
        ? []
        : [{ key: this.secrets.lookup('key-limit', rateLimitKey), ...perKey }]),
    ];
  }
}

/** The refusal of `resend` for a verification that is not pending. */
export function notPending(why: Unavailable): WebcomValidationError {
  return new WebcomValidationError([
    { field: 'id', messages: [`id names no pending verification (${why.replace(/_/g, ' ')})`] },
  ]);
}
