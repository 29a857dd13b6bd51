import { WebcomTransportError } from '../errors/webcom-errors.js';

/** The code of every error of a call the shutdown stopped, in the service or its transport. */
export const SHUTDOWN_CODE = 'ESHUTDOWN';

/**
 * The error of a call the shutdown stopped: nothing was sent for it, so it is never
 * `possiblyDelivered`, and a caller (or a queue) may run it again on another instance.
 */
export function shutdownError(reason: string): WebcomTransportError {
  return new WebcomTransportError(SHUTDOWN_CODE, false, reason);
}

/** The error of a call started after the shutdown. */
function shutdownRefusal(): WebcomTransportError {
  return shutdownError('the service is shut down; the request was not sent');
}

/** Whether `error` is the refusal of a call the shutdown stopped. */
export function isShutdownError(error: unknown): error is WebcomTransportError {
  return error instanceof WebcomTransportError && error.code === SHUTDOWN_CODE;
}

/**
 * The closed state of one account. Closed by the service's first shutdown hook, it makes the
 * account refuse any call started afterwards ({@link ShutdownSignal.throwIfClosed}) and ends every
 * wait still pending, so no poll, timer or request outlives the application.
 *
 * A listener set of its own rather than an `AbortSignal`: any number of waits may listen at
 * once without Node's listener-leak warning.
 */
export class ShutdownSignal {
  private readonly listeners = new Set<() => void>();
  private isClosed = false;

  get closed(): boolean {
    return this.isClosed;
  }

  /** Closes for good and tells every listener once; closing again does nothing. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }

  /**
   * Throws when closed: a call begun now is refused before anything goes out.
   *
   * @throws {WebcomTransportError} code `ESHUTDOWN`, `possiblyDelivered: false`.
   */
  throwIfClosed(): void {
    if (this.isClosed) throw shutdownRefusal();
  }

  /**
   * Calls `listener` once when the signal closes, unless removed first with the function
   * returned. On a signal already closed it is never called: check `closed` first.
   */
  onClose(listener: () => void): () => void {
    if (this.isClosed) return () => undefined;
    // A wrapper of its own, so the same function may listen twice and be removed once.
    const once = () => listener();
    this.listeners.add(once);
    return () => this.listeners.delete(once);
  }
}
