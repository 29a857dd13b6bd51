import {
  AxiosError,
  CanceledError,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { packageRequire } from '../util/package-require.cjs';

/** How the module reaches the gateway when it brings its own HTTP engine. */
export interface UndiciAdapterOptions {
  /** Connections per origin at most: every call waits for one of these. */
  maxSockets: number;
  /** `'env'`: route through `HTTPS_PROXY`/`HTTP_PROXY` unless `NO_PROXY` names the host. */
  proxy?: 'env';
  /** Certificate authorities trusted for the gateway (and the proxy), instead of Node's. */
  ca?: string | Buffer | (string | Buffer)[];
}

/** What the engine decodes; sent unless the request names its own. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/** Idle keep-alive connections are closed before a typical server's 5 s keep-alive timeout. */
const KEEP_ALIVE_TIMEOUT_MS = 4_000;

type AgentClass = new (options: object) => Dispatcher;

// The Agent is loaded from its own file when undici's layout allows it: the package's main
// entry also loads fetch, WebSocket and caches, three times the import cost. The proxy agent
// needs the main entry (it tunnels with the `connect` API the entry installs).
function agentClass(): AgentClass {
  try {
    return packageRequire('undici/lib/dispatcher/agent.js') as AgentClass;
  } catch {
    return (packageRequire('undici') as Record<string, AgentClass>).Agent;
  }
}
const envProxyAgentClass = () =>
  (packageRequire('undici') as Record<string, AgentClass>).EnvHttpProxyAgent;

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
class PendingRequest implements Dispatcher.DispatchHandler {
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
    private readonly engine: UndiciEngine,
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
    const encoding = this.headers['content-encoding'];
    if (encoding && this.config.decompress !== false && body.length > 0) {
      body = this.decompress(String(encoding).trim().toLowerCase(), body);
    }
    const type = this.config.responseType;
    if (type === 'arraybuffer') return body;
    if (type === 'stream') throw this.axiosError('responseType stream', AxiosError.ERR_NOT_SUPPORT);
    const charset = this.config.responseEncoding;
    return body.toString(
      charset && charset !== 'utf8' && Buffer.isEncoding(charset) ? charset : 'utf8',
    );
  }

  /** The decoded body, never longer than the cap: a compression bomb stops at the cap. */
  private decompress(encoding: string, body: Buffer): Buffer {
    const limit = { maxOutputLength: this.maxBytes >= 0 ? this.maxBytes + 1 : undefined };
    let decoded: Buffer;
    try {
      if (encoding === 'gzip' || encoding === 'x-gzip') decoded = gunzipSync(body, limit);
      // 'deflate' is zlib-wrapped by the RFC, raw in some servers: the first byte tells.
      else if (encoding === 'deflate')
        decoded =
          (body[0] & 0x0f) === 0x08 ? inflateSync(body, limit) : inflateRawSync(body, limit);
      else if (encoding === 'br') decoded = brotliDecompressSync(body, limit);
      else return body;
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw this.tooLarge();
      throw error;
    }
    if (this.maxBytes >= 0 && decoded.length > this.maxBytes) throw this.tooLarge();
    return decoded;
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
    this.engine.settled(this);
  }

  /** Not in `toJSON`, so an error's rendering never reaches the handler's config (the URL). */
  toJSON(): Record<string, unknown> {
    return { sent: this.sent };
  }
}

/** `scheme://host[:port]` of an absolute URL without credentials, and the rest. */
const PLAIN_ABSOLUTE_URL = /^https?:\/\/[^/?#@\s]+/i;

/** Where undici sends the request: the origin, and the path with the query. */
function requestTarget(
  config: InternalAxiosRequestConfig,
): { origin: string; path: string } | undefined {
  const raw = config.url ?? '';
  // The gateway's URLs are absolute and already encoded: split as they are, without parsing.
  const plain = !config.baseURL && !config.params ? PLAIN_ABSOLUTE_URL.exec(raw) : null;
  if (plain) {
    const fragment = raw.indexOf('#');
    const rest = raw.slice(plain[0].length, fragment < 0 ? undefined : fragment);
    return { origin: plain[0], path: rest.startsWith('/') ? rest : `/${rest}` };
  }
  try {
    const url = new URL(raw, config.baseURL);
    if (config.params) {
      for (const [key, value] of Object.entries(
        config.params as Record<string, string | number | boolean | null | undefined>,
      )) {
        if (value !== undefined && value !== null) url.searchParams.append(key, String(value));
      }
    }
    return { origin: url.origin, path: url.pathname + url.search };
  } catch {
    return undefined;
  }
}

/**
 * An HTTP engine on undici for one account: a keep-alive pool per origin with at most
 * `maxSockets` connections, and `adapter`, an axios adapter that sends on it.
 *
 * The adapter never follows redirects, holds a deadline from the call to the last byte that
 * includes the wait for a connection (`config.timeout`), caps the body (`maxContentLength`,
 * decoded size), decodes gzip, deflate and br, and honours `signal` and `cancelToken`. Every
 * error it rejects with tells whether the request was written (`requestSentOf`).
 */
export class UndiciEngine {
  readonly dispatcher: Dispatcher;
  readonly adapter: AxiosAdapter & { engine: UndiciEngine };
  private readonly pending = new Set<PendingRequest>();

  constructor(options: UndiciAdapterOptions) {
    const ca = options.ca;
    const tls = ca === undefined ? undefined : { ca };
    const common = {
      connections: options.maxSockets,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_TIMEOUT_MS,
      ...(tls ? { connect: tls } : {}),
    };
    this.dispatcher =
      options.proxy === 'env'
        ? new (envProxyAgentClass())({
            ...common,
            ...(tls ? { requestTls: tls, proxyTls: tls } : {}),
          })
        : new (agentClass())(common);
    const adapter = (config: InternalAxiosRequestConfig) => this.send(config);
    this.adapter = Object.assign(adapter, { engine: this });
  }

  /** Requests not yet written to a socket are settled with `reason`, never to be sent. */
  cancelUnsent(reason: () => Error): void {
    for (const request of this.pending) if (!request.sent) request.cancel(reason());
  }

  /** Waits for requests already written, then closes every connection. */
  async close(): Promise<void> {
    // Closing twice, or a connection failing as it closes, leaves nothing to wait for.
    await this.dispatcher.close().catch(() => undefined);
  }

  /** @internal */
  settled(request: PendingRequest): void {
    this.pending.delete(request);
  }

  private send(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    return new Promise((resolve, reject) => {
      const target = requestTarget(config);
      if (!target) {
        return reject(new AxiosError('Invalid URL', AxiosError.ERR_INVALID_URL, config));
      }
      const data = config.data as unknown;
      if (data !== undefined && typeof data !== 'string' && !Buffer.isBuffer(data)) {
        return reject(
          new AxiosError(
            'The request body must be a string or a Buffer',
            AxiosError.ERR_NOT_SUPPORT,
            config,
          ),
        );
      }
      const maxBytes = config.maxContentLength ?? -1;
      const request = new PendingRequest(this, config, maxBytes, resolve, reject);
      if (!request.watch()) return;
      this.pending.add(request);
      const headers = config.headers?.toJSON(true) ?? {};
      if (
        config.decompress !== false &&
        headers['Accept-Encoding'] === undefined &&
        !config.headers?.has('Accept-Encoding')
      ) {
        headers['Accept-Encoding'] = ACCEPT_ENCODING;
      }
      try {
        this.dispatcher.dispatch(
          {
            origin: target.origin,
            path: target.path,
            method: (config.method ?? 'get').toUpperCase(),
            headers,
            body: data,
          },
          request,
        );
      } catch (error) {
        request.onResponseError(undefined as never, error as Error);
      }
    });
  }
}
