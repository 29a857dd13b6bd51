import { HttpService } from '@nestjs/axios';
import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AxiosError, type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { ClientRequest } from 'node:http';
import { SecretRedactor } from '../errors/redaction.js';
import { WebcomTransportError } from '../errors/webcom-errors.js';
import { SHUTDOWN_CODE as SHUTDOWN, shutdownError } from '../util/shutdown-signal.js';
import { answerText, type RawAnswer } from './answer-text.js';
import { backoffDelay, MAX_RETRY_AFTER_MS, parseRetryAfter } from './backoff.js';
import { MAX_RESPONSE_BYTES, REQUEST_DEFAULTS } from './gateway-http-service.js';
import {
  gatewayRefusal,
  type CallKind,
  type RetryHooks,
  type GatewayResponse,
  type GatewayTransport,
} from './gateway-transport.js';
import { describeRequest } from './request-description.js';
import { trackedTransport } from './socket-tracker.js';
import { UndiciEngine } from './undici-adapter.js';
import { RequestNotSentError, requestSentOf } from './undici-request.js';

export {
  createGatewayHttpService,
  MAX_RESPONSE_BYTES,
  type GatewayHttpOptions,
} from './gateway-http-service.js';

/** Failures that happen before any byte can have reached the server. */
const CONNECT_SYSCALLS = new Set(['connect', 'getaddrinfo']);

/**
 * Both engines hand the answer over as bytes, its codings untouched: the transport undoes the
 * codings and reads the charset, alike for both.
 */
const AS_BYTES = { responseType: 'arraybuffer', decompress: false } as const;
const FOREIGN_REQUEST = { ...REQUEST_DEFAULTS, ...AS_BYTES } as const;

export interface HttpTransportOptions {
  /** Per request, from the call to the last byte, the wait for a connection included. */
  timeoutMs: number;
  retries: number;
  /** Names of query parameters whose values may be logged (everything else is masked). */
  loggableParams: ReadonlySet<string>;
  /** One debug line per request, only when asked (the module's `logRequests`). */
  logRequests?: boolean;
  /** Told of each retry, before its wait; called in the context of the call being retried. */
  onRetry?: (retry: TransportRetry) => void;
}

/** A retry about to happen: the how-many-th (1 for the first), why, and after how long. */
export interface TransportRetry {
  attempt: number;
  /** The HTTP status retried, or the error code (ECONNRESET, ETIMEDOUT, …). */
  reason: number | string;
  delayMs: number;
}

interface NodeError extends Error {
  code?: string;
  syscall?: string;
  errors?: unknown[];
}

/** The innermost system error: axios wraps it, Node's happy-eyeballs wraps it in AggregateError. */
function rootCause(error: unknown): NodeError | undefined {
  let current = error as NodeError | undefined;
  while (current instanceof AxiosError && current.cause) current = current.cause;
  if (current?.errors?.length && !current.syscall) return current.errors[0] as NodeError;
  return current;
}

class RetryableStatus extends Error {
  constructor(
    readonly response: GatewayResponse,
    readonly waitMs?: number,
  ) {
    super(`HTTP ${response.status}`);
  }
}

/**
 * GET requests to the gateway over an `@nestjs/axios` `HttpService`: a deadline per request
 * from start to last byte, no redirects, retries per `CallKind`, errors that carry no URL, and
 * a clean shutdown. It knows HTTP and nothing of channels.
 *
 * On the module's own engine (`createGatewayHttpService`) whether a request left is read off
 * undici: a request that never got a connection, failed to connect or was still queued when
 * its deadline or the shutdown came was never written. With any other axios instance, it is
 * read off the socket for axios's http adapter, and assumed possible otherwise.
 */
export class HttpTransport implements GatewayTransport, BeforeApplicationShutdown {
  private readonly axios: AxiosInstance;
  /** The module's own engine, when the HttpService runs on it: shutdown reaches its queue. */
  private readonly engine?: UndiciEngine;
  /** On the module's engine every request shares this config, nothing allocated per call. */
  private readonly engineConfig: AxiosRequestConfig;
  private readonly retryWaits = new Set<() => void>();
  private closed?: Promise<void>;

  constructor(
    http: HttpService,
    private readonly options: HttpTransportOptions,
    private readonly redactor: SecretRedactor,
    private readonly logger: Logger,
  ) {
    this.axios = http.axiosRef;
    const adapter = this.axios.defaults.adapter as { engine?: unknown } | undefined;
    if (adapter?.engine instanceof UndiciEngine) this.engine = adapter.engine;
    this.engineConfig =
      this.axios.defaults.timeout === options.timeoutMs
        ? AS_BYTES
        : { ...AS_BYTES, timeout: options.timeoutMs };
  }

  /** Sends one GET, retrying as `kind` allows; resolves with a 2xx answer or throws a WebcomError. */
  async get(url: string, kind: CallKind, hooks?: RetryHooks): Promise<GatewayResponse> {
    if (this.closed) throw shutdownError('the client is closed; the request was not sent');
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(url, kind);
      } catch (error) {
        const retryable =
          error instanceof RetryableStatus ||
          (error instanceof WebcomTransportError &&
            error.code !== SHUTDOWN &&
            (kind === 'read' || !error.possiblyDelivered));
        if (!retryable || attempt >= this.options.retries) throw this.final(error);
        const waitMs =
          (error instanceof RetryableStatus ? error.waitMs : undefined) ?? backoffDelay(attempt);
        if (waitMs > MAX_RETRY_AFTER_MS) throw this.final(error);
        const reason = String((error as Error).message);
        if (this.closed) throw this.final(this.notRetried(reason));
        this.logger.warn(
          `${describeRequest(url, this.options.loggableParams)}: ${reason}; retrying in ${waitMs} ms`,
        );
        this.options.onRetry?.({
          attempt: attempt + 1,
          reason: error instanceof RetryableStatus ? error.response.status : error.code,
          delayMs: waitMs,
        });
        hooks?.retrying?.({
          status: error instanceof RetryableStatus ? error.response.status : undefined,
          retryAfterMs: error instanceof RetryableStatus ? error.waitMs : undefined,
        });
        if (!(await this.wait(waitMs))) throw this.final(this.notRetried(reason));
        await hooks?.beforeRetry?.();
      }
    }
  }

  /**
   * Refuses new calls, ends retry waits, settles requests still waiting for a connection as
   * never sent, and resolves once requests already written have finished (each within its
   * deadline) and the module's connections are closed.
   */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    for (const end of this.retryWaits) end();
    this.retryWaits.clear();
    if (!this.engine) return (this.closed = Promise.resolve());
    this.engine.cancelUnsent(
      () =>
        new RequestNotSentError(
          SHUTDOWN,
          'the client closed while the request waited for a connection',
        ),
    );
    return (this.closed = this.engine.close());
  }

  /**
   * Under Nest, `app.close()` waits here, after every module's `onModuleDestroy`, until calls on
   * the wire have finished and the connections are closed.
   */
  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Resolves true after `ms`, or false at once if the transport closes first. */
  private wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.retryWaits.delete(end);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.retryWaits.delete(end);
        resolve(true);
      }, ms);
      this.retryWaits.add(end);
    });
  }

  private notRetried(reason: string): WebcomTransportError {
    return shutdownError(`the client closed before the retry after: ${reason}`);
  }

  private async attempt(url: string, kind: CallKind): Promise<GatewayResponse> {
    const debug = this.options.logRequests === true && Logger.isLevelEnabled('debug');
    const started = debug ? performance.now() : 0;
    const response = this.engine
      ? await this.axios.get<Buffer>(url, this.engineConfig).catch((error: unknown) => {
          throw this.engineFailure(error, kind);
        })
      : await this.foreignGet(url, kind);
    if (debug) {
      const elapsed = Math.round(performance.now() - started);
      this.logger.debug(
        `${describeRequest(url, this.options.loggableParams)} -> HTTP ${response.status} in ${elapsed} ms`,
      );
    }
    // An adapter other than axios's http one may have undone the codings, keeping the header
    // (axios's fetch adapter does).
    const codingsMayBeUndone = !this.engine && !(response.request instanceof ClientRequest);
    const answer = answerText(response as RawAnswer, kind, MAX_RESPONSE_BYTES, codingsMayBeUndone);
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (kind === 'read' && (answer.status === 429 || answer.status >= 500)) {
      throw new RetryableStatus(answer, parseRetryAfter(response.headers['retry-after']));
    }
    throw gatewayRefusal(answer, this.redactor, kind);
  }

  /** A failure on the module's engine: it says itself whether the request was written. */
  private engineFailure(error: unknown, kind: CallKind): WebcomTransportError {
    if (error instanceof RequestNotSentError) {
      return new WebcomTransportError(error.code, false, error.message);
    }
    const timedOut =
      error instanceof AxiosError &&
      (error.code === AxiosError.ETIMEDOUT || error.code === AxiosError.ECONNABORTED);
    const code = timedOut
      ? 'ETIMEDOUT'
      : error instanceof AxiosError && !error.message.includes('maxContentLength')
        ? (error.code ?? 'EUNKNOWN')
        : this.errorCode(error);
    const reason = timedOut
      ? this.timeoutReason()
      : this.redactor.redact(rootCause(error)?.message ?? 'request failed');
    // Anything but the engine's word that nothing was written may have reached the gateway.
    return new WebcomTransportError(
      code,
      kind === 'send' && requestSentOf(error) !== false,
      reason,
    );
  }

  /** A GET on an axios instance the application supplied, used as it is configured. */
  private async foreignGet(url: string, kind: CallKind): Promise<AxiosResponse<unknown>> {
    const transport = trackedTransport(url.startsWith('https:'));
    const deadline = new AbortController();
    // Started before axios queues for a socket, so the wait for one counts too.
    const timer = setTimeout(() => deadline.abort(), this.options.timeoutMs);
    try {
      return await this.axios.get<unknown>(url, {
        ...FOREIGN_REQUEST,
        signal: deadline.signal,
        transport,
      });
    } catch (error) {
      const code = deadline.signal.aborted ? 'ETIMEDOUT' : this.errorCode(error);
      const cause = rootCause(error);
      const neverLeft =
        requestSentOf(error) === false ||
        (transport.used && !transport.connected) ||
        (cause?.syscall !== undefined && CONNECT_SYSCALLS.has(cause.syscall));
      const reason = deadline.signal.aborted
        ? this.timeoutReason()
        : this.redactor.redact(cause?.message ?? 'request failed');
      throw new WebcomTransportError(code, kind === 'send' && !neverLeft, reason);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Why a call that ran out of time failed: the deadline, never the engine's own words. */
  private timeoutReason(): string {
    return `no complete answer within ${this.options.timeoutMs} ms`;
  }

  private errorCode(error: unknown): string {
    if (error instanceof AxiosError && error.message.includes('maxContentLength')) {
      return 'ERESPONSETOOLARGE';
    }
    const cause = rootCause(error);
    return cause?.code ?? (error instanceof AxiosError ? error.code : undefined) ?? 'EUNKNOWN';
  }

  private final(error: unknown): unknown {
    if (error instanceof RetryableStatus) {
      return gatewayRefusal(error.response, this.redactor, 'read');
    }
    this.logger.warn(`Webcom call failed: ${(error as Error).message}`);
    return error;
  }
}
