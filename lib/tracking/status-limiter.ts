/**
 * A limiter every status read of an account passes after the instance's own budget
 * (`statusRequestsPerSecond`): the seam for a budget shared by a fleet, as `@nestjs/throttler`'s
 * storage is for its counters. The instance's budget still spaces its own reads; this one makes
 * the whole fleet's sum wait, e.g. a token bucket in the queue's Redis keyed by `account`.
 *
 */
export interface WebcomStatusLimiter {
  /**
   * Resolves when one read of `account` may go. It should not reject for a full bucket (wait
   * instead); a rejection fails that one read, as a transport error would.
   */
  acquire(account: string): Promise<void>;
}
