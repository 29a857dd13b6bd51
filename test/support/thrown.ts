import { WebcomValidationError } from '../../lib/errors/webcom-errors.js';

/** What `run` throws; fails the test when it returns instead. */
export function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/**
 * `value` typed as a `T` it is not: for a test that deliberately passes what the types forbid, as
 * plain JavaScript or a JSON body would, to see it refused at run time.
 */
export const invalid = <T>(value: unknown): T => value as T;

/** The `WebcomValidationError` that `run` throws; any other outcome fails the test. */
export function validationRefusal(run: () => unknown): WebcomValidationError {
  const error = thrown(run);
  if (error instanceof WebcomValidationError) return error;
  throw error;
}
