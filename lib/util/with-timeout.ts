/** `promise`, or `timedOut()` as the rejection once `timeoutMs` has passed; the timer is cleared. */
export function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  timedOut: () => Error,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
