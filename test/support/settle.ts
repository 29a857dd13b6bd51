/** The promise's outcome, observable without awaiting it (it may still be pending). */
export function settle<T>(promise: Promise<T>) {
  const outcome: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(outcome, { done: true, value }),
    (error: unknown) => Object.assign(outcome, { done: true, error }),
  );
  return outcome;
}
