import {
  AxiosError,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import type { Dispatcher } from 'undici';
import { packageRequire } from '../util/package-require.cjs';
import { ACCEPT_ENCODING } from './content-coding.js';
import { PendingRequest, type RequestRegistry } from './undici-request.js';

/** How the module reaches the gateway when it brings its own HTTP engine. */
export interface UndiciAdapterOptions {
  /** Connections per origin at most: every call waits for one of these. */
  maxSockets: number;
  /** `'env'`: route through `HTTPS_PROXY`/`HTTP_PROXY` unless `NO_PROXY` names the host. */
  proxy?: 'env';
  /** Certificate authorities trusted for the gateway (and the proxy), instead of Node's. */
  ca?: string | Buffer | (string | Buffer)[];
}

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
 * decoded size), undoes gzip, deflate and br (stacked too), reads text in the charset the
 * answer names, and honours `signal` and `cancelToken`. Every error it rejects with tells
 * whether the request was written (`requestSentOf`).
 */
export class UndiciEngine implements RequestRegistry {
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
