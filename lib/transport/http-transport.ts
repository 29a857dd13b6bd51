import { HttpService } from '@nestjs/axios';
import { Logger } from '@nestjs/common';
import axios, { AxiosError, type AxiosResponse } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { SecretRedactor } from '../errors/redaction.js';
import { WebcomTransportError } from '../errors/webcom-errors.js';
import { backoffDelay, MAX_RETRY_AFTER_MS, parseRetryAfter } from './backoff.js';
import {
  gatewayRefusal,
  type CallKind,
  type GatewayResponse,
  type GatewayTransport,
} from './gateway-transport.js';
import { trackedTransport } from './socket-tracker.js';

export interface HttpTransportOptions {
  timeoutMs: number;
  retries: number;
  /** Sockets per host: bounds the connections the module ever opens. */
  maxSockets: number;
  /** Names of query parameters whose values may be logged (everything else is masked). */
  loggableParams: ReadonlySet<string>;
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

const MAX_RESPONSE_BYTES = 1024 * 1024;
/** Idle keep-alive sockets are closed before a typical server's 5 s keep-alive timeout. */
const FREE_SOCKET_TIMEOUT_MS = 4_000;

/** Failures that happen before any byte can have reached the server. */
const CONNECT_SYSCALLS = new Set(['connect', 'getaddrinfo']);

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
 * GET requests to the gateway over `@nestjs/axios`'s HttpService on agents of its own (never
 * the global ones other code shares): a deadline per request from start to last byte, no
 * redirects, bounded sockets, retries per `CallKind`, and errors that carry no URL.
 * It knows HTTP and nothing of channels.
 */
export class HttpTransport implements GatewayTransport {
  private readonly http: HttpService;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(
    private readonly options: HttpTransportOptions,
    private readonly redactor: SecretRedactor,
    private readonly logger: Logger,
  ) {
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets,
      maxFreeSockets: options.maxSockets,
      timeout: FREE_SOCKET_TIMEOUT_MS,
    };
    this.agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
    this.http = new HttpService(
      axios.create({
        httpAgent: this.agents.http,
        httpsAgent: this.agents.https,
        maxRedirects: 0,
        proxy: false,
        responseType: 'text',
        transformResponse: (data: unknown) => data,
        validateStatus: () => true,
        maxContentLength: MAX_RESPONSE_BYTES,
        decompress: true,
      }),
    );
  }

  /** Sends one GET, retrying as `kind` allows; resolves with a 2xx answer or throws a WebcomError. */
  async get(url: string, kind: CallKind): Promise<GatewayResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(url, kind);
      } catch (error) {
        const retryable =
          error instanceof RetryableStatus ||
          (error instanceof WebcomTransportError && (kind === 'read' || !error.possiblyDelivered));
        if (!retryable || attempt >= this.options.retries) throw this.final(error);
        const waitMs =
          (error instanceof RetryableStatus ? error.waitMs : undefined) ?? backoffDelay(attempt);
        if (waitMs > MAX_RETRY_AFTER_MS) throw this.final(error);
        this.logger.warn(
          `${this.describe(url)}: ${String((error as Error).message)}; retrying in ${waitMs} ms`,
        );
        this.options.onRetry?.({
          attempt: attempt + 1,
          reason: error instanceof RetryableStatus ? error.response.status : error.code,
          delayMs: waitMs,
        });
        await sleep(waitMs);
      }
    }
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async attempt(url: string, kind: CallKind): Promise<GatewayResponse> {
    const secure = url.startsWith('https:');
    const transport = trackedTransport(secure);
    const deadline = new AbortController();
    // Started before axios queues for a socket, so the wait for one counts too.
    const timer = setTimeout(() => deadline.abort(), this.options.timeoutMs);
    const started = performance.now();
    let response: AxiosResponse<string>;
    try {
      // The instance behind HttpService, without the Observable and the CancelToken that
      // HttpService adds per request (and cancels, creating an error, on every completion).
      response = await this.http.axiosRef.get<string>(url, { signal: deadline.signal, transport });
    } catch (error) {
      const code = deadline.signal.aborted ? 'ETIMEDOUT' : this.errorCode(error);
      const cause = rootCause(error);
      const neverLeft =
        !transport.connected ||
        (cause?.syscall !== undefined && CONNECT_SYSCALLS.has(cause.syscall));
      const reason = deadline.signal.aborted
        ? `no complete answer within ${this.options.timeoutMs} ms`
        : this.redactor.redact(cause?.message ?? 'request failed');
      throw new WebcomTransportError(code, kind === 'send' && !neverLeft, reason);
    } finally {
      clearTimeout(timer);
    }
    const elapsed = Math.round(performance.now() - started);
    if (Logger.isLevelEnabled('debug')) {
      this.logger.debug(`${this.describe(url)} -> HTTP ${response.status} in ${elapsed} ms`);
    }
    const answer = { status: response.status, body: String(response.data ?? '') };
    if (answer.status >= 200 && answer.status < 300) return answer;
    if (kind === 'read' && (answer.status === 429 || answer.status >= 500)) {
      throw new RetryableStatus(answer, parseRetryAfter(response.headers['retry-after']));
    }
    throw gatewayRefusal(answer, this.redactor);
  }

  private errorCode(error: unknown): string {
    if (error instanceof AxiosError && error.message.includes('maxContentLength')) {
      return 'ERESPONSETOOLARGE';
    }
    const cause = rootCause(error);
    return cause?.code ?? (error instanceof AxiosError ? error.code : undefined) ?? 'EUNKNOWN';
  }

  private final(error: unknown): unknown {
    if (error instanceof RetryableStatus) return gatewayRefusal(error.response, this.redactor);
    this.logger.warn(`Webcom call failed: ${(error as Error).message}`);
    return error;
  }

  /** The URL with every value masked but those named loggable: never a secret or a text. */
  private describe(url: string): string {
    const queryStart = url.indexOf('?');
    if (queryStart < 0) return `GET ${url}`;
    const masked = url
      .slice(queryStart + 1)
      .split('&')
      .map((pair) => {
        const [name] = pair.split('=', 1);
        return this.options.loggableParams.has(name) ? pair : `${name}=*`;
      })
      .join('&');
    return `GET ${url.slice(0, queryStart)}?${masked}`;
  }
}
