import { Subject, type Observable } from 'rxjs';
import { maskPhoneNumbers } from '../errors/phone-masking.js';
import { possiblyDelivered, WebcomError } from '../errors/webcom-errors.js';
import type { WebcomEvent, WebcomOperation } from '../events.js';
import type { Channel } from '../protocol/channels.js';

/**
 * An account's `events$`, and the one place a failure becomes a `failed` event: each public
 * operation runs inside `reporting`, which emits one event for whatever it throws.
 */
export class WebcomEventStream {
  private readonly subject = new Subject<WebcomEvent>();
  /** Errors about to be thrown whose event was emitted already (per request of a split send). */
  private readonly reported = new WeakSet<object>();

  readonly events$: Observable<WebcomEvent> = this.subject.asObservable();

  emit(event: WebcomEvent): void {
    this.subject.next(event);
  }

  /**
   * Runs an operation; if it fails, emits one `failed` event and rethrows. `channel` is read
   * when it fails, so that it can name the channel the operation had resolved to by then.
   */
  async reporting<T>(
    operation: WebcomOperation,
    run: () => Promise<T>,
    channel?: () => Channel | undefined,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const alreadyReported = typeof error === 'object' && this.reported.delete(error!);
      if (!alreadyReported) this.report(operation, error, channel?.());
      throw error;
    }
  }

  /**
   * Emits a `failed` event for `error`. The library's errors mask phone numbers as they are
   * built; any other error's message is masked here, as events carry no numbers.
   */
  report(operation: WebcomOperation, error: unknown, channel?: Channel, recipients?: number): void {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    this.emit({
      type: 'failed',
      operation,
      ...(channel ? { channel } : {}),
      ...(recipients === undefined ? {} : { recipients }),
      error: name,
      message: error instanceof WebcomError ? message : maskPhoneNumbers(message),
      possiblyDelivered: possiblyDelivered(error),
    });
  }

  /**
   * Marks an error about to be thrown as reported already (its requests were, one by one), so
   * the enclosing `reporting` does not report it again.
   */
  reportedAlready<E extends object>(error: E): E {
    this.reported.add(error);
    return error;
  }

  complete(): void {
    this.subject.complete();
  }
}
