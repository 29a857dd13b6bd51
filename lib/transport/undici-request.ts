import {
  AxiosError,
  CanceledError,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { Dispatcher } from 'undici';
import { decodeText } from './charset.js';
import {
  DecodedBodyTooLargeError,
  decodeContentCodings,
  UndecodableBodyError,
} from './content-coding.js';

/** Where a request is told it settled: the engine, which stops tracking it. */
export interface RequestRegistry {
  settled(request: PendingRequest): void;
}

/** Why a request that never reached a socket was settled without being sent. */
export class RequestNotSentError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestNotSentError';
  }
}

/**
 * Whether the adapter began writing the request to a socket, read off an error it rejected
 * with: `false` proves the request never left; `undefined` means the error is not the
 * adapter's, so nothing is known.
 */
export function requestSentOf(error: unknown): boolean | undefined {
  const sent = (error as { requestSent?: unknown } | null)?.requestSent;
  return typeof sent === 'boolean' ? sent : undefined;
}

const UNDICI_CODES: Record<string, string> = {
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_DESTROYED: 'ECONNRESET',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
};

/**
 * One request on its way: undici's handler for it, and the settling of the adapter's promise.
 *
 * Whether it left is read off `onRequestStart`: undici calls it in `writeH1` once the request
 * has a connected socket, right before it publishes `undici:client:sendHeaders` and writes the
 * headers. The handler hook is used rather than that diagnostics channel: a channel subscription
 * is process-wide (every undici request of the application, `fetch` included, would publish to
 * it) and would have to be mapped back to the call.
 */
export class PendingRequest implements Dispatcher.DispatchHandler {
  /** Set by undici right before the request's first byte is written to a connected socket. */
  sent = false;
  private controller?: Dispatcher.DispatchController;
  private status = 0;
  private statusText = '';
  private headers: Record<string, string | string[] | undefined> = {};
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private done = false;
  private cancelled?: Error;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly registry: RequestRegistry,
    private readonly config: InternalAxiosRequestConfig,
    private readonly maxBytes: number,
    private readonly resolve: (response: AxiosResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  /** Arms the deadline and the cancellation hooks; returns false if already cancelled. */
  watch(): boolean {
    const { timeout, signal, cancelToken } = this.config;
    if (timeout && timeout > 0) {
      this.timer = setTimeout(() => this.onDeadline(timeout), timeout);
    }
    if (signal) {
      if (signal.aborted) {
        this.cancel(this.canceledError());
        return false;
      }
      const onAbort = () => this.cancel(this.canceledError());
      signal.addEventListener?.('abort', onAbort);
      this.unsubscribe = () => {
        signal.removeEventListener?.('abort', onAbort);
      };
    }
    if (cancelToken) {
      const onCancel = (reason: unknown) =>
        this.cancel(reason instanceof Error ? reason : this.canceledError());
      cancelToken.subscribe(onCancel);
      const previous = this.unsubscribe;
      this.unsubscribe = () => {
        previous?.();
        cancelToken.unsubscribe(onCancel);
      };
    }
    return true;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Cancelled while waiting for a connection: aborted here, before undici writes a byte.
    if (this.cancelled) return controller.abort(this.cancelled);
    this.controller = controller;
    this.sent = true;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    this.status = statusCode;
    this.statusText = statusMessage ?? '';
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.maxBytes >= 0 && this.bytes > this.maxBytes) {
      const error = this.tooLarge();
      this.fail(error);
      controller.abort(error);
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.done) return;
    let data: unknown;
    try {
      data = this.decode();
    } catch (error) {
      return this.fail(
        error instanceof AxiosError
          ? error
          : this.axiosError((error as Error).message, AxiosError.ERR_BAD_RESPONSE, error),
      );
    }
    const response: AxiosResponse = {
      data,
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
      config: this.config,
      request: this,
    };
    const validateStatus = this.config.validateStatus;
    if (!validateStatus || validateStatus(this.status)) return this.succeed(response);
    const error = this.axiosError(
      `Request failed with status code ${this.status}`,
      this.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST,
    );
    error.response = response;
    this.fail(error);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.done) return;
    // A body cut short is a bad response; a connection lost before it, a reset. undici's own
    // codes (UND_ERR_*) stay out of the errors callers see.
    const code =
      this.status > 0
        ? AxiosError.ERR_BAD_RESPONSE
        : (UNDICI_CODES[(error as { code?: string }).code ?? ''] ??
          (error as { code?: string }).code ??
          AxiosError.ERR_NETWORK);
    this.fail(this.axiosError(error.message, code, error));
  }

  /**
   * Settles the call at once. A request undici has not started stays in its queue until a
   * connection frees up, and is then aborted in `onRequestStart`, before any byte is written.
   */
  cancel(reason: Error): void {
    if (this.done) return;
    this.cancelled = reason;
    this.fail(reason);
    this.controller?.abort(reason);
  }

  private onDeadline(timeoutMs: number): void {
    const code = this.config.transitional?.clarifyTimeoutError
      ? AxiosError.ETIMEDOUT
      : AxiosError.ECONNABORTED;
    this.cancel(this.axiosError(`timeout of ${timeoutMs}ms exceeded`, code));
  }

  private decode(): unknown {
    let body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.bytes);
    if (this.config.decompress !== false) body = this.decompress(body);
    const type = this.config.responseType;
    if (type === 'arraybuffer') return body;
    if (type === 'stream') throw this.axiosError('responseType stream', AxiosError.ERR_NOT_SUPPORT);
    const encoding = this.config.responseEncoding;
    if (encoding && Buffer.isEncoding(encoding)) return body.toString(encoding);
    return decodeText(body, this.headers['content-type']);
  }

  /** The body with its content codings undone, never longer than the cap. */
  private decompress(body: Buffer): Buffer {
    try {
      return decodeContentCodings(this.headers['content-encoding'], body, this.maxBytes);
    } catch (error) {
      if (error instanceof DecodedBodyTooLargeError) throw this.tooLarge();
      if (error instanceof UndecodableBodyError) {
        throw this.axiosError(error.message, AxiosError.ERR_BAD_RESPONSE, error);
      }
      throw error;
    }
  }

  private tooLarge(): AxiosError {
    return this.axiosError(
      `maxContentLength size of ${this.maxBytes} exceeded`,
      AxiosError.ERR_BAD_RESPONSE,
    );
  }

  private canceledError(): Error {
    const reason: unknown = (this.config.signal as AbortSignal | undefined)?.reason;
    return new CanceledError(
      reason instanceof Error ? reason.message : undefined,
      this.config,
      this,
    );
  }

  private axiosError(message: string, code: string, cause?: unknown): AxiosError {
    const error = new AxiosError(message, code, this.config, this);
    if (cause !== undefined) error.cause = cause as Error;
    return error;
  }

  private succeed(response: AxiosResponse): void {
    this.finish();
    this.resolve(response);
  }

  private fail(error: unknown): void {
    if (this.done) return;
    this.finish();
    (error as { requestSent?: boolean }).requestSent = this.sent;
    this.reject(error);
  }

  private finish(): void {
    this.done = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
    this.registry.settled(this);
  }

  /** Not in `toJSON`, so an error's rendering never reaches the handler's config (the URL). */
  toJSON(): Record<string, unknown> {
    return { sent: this.sent };
  }
}
