import { unavailability, type StoredVerification } from './verification-store.js';
import type { Verification } from './verification.types.js';

/** A stored verification as the service reports it, with its number unsealed. */
export function toVerification(record: StoredVerification, to: string, now: number): Verification {
  const status = unavailability(record, now) ?? 'pending';
  return {
    id: record.id,
    to,
    channel: record.channel,
    step: record.step,
    status: status === 'not_found' ? 'expired' : status,
    expiresAt: new Date(record.expiresAt),
    attemptsLeft: status === 'pending' ? record.maxAttempts - record.attempts : 0,
    resendAvailableAt: new Date(record.resendAvailableAt),
  };
}
