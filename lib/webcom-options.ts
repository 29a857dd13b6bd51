import type { AxiosInstance } from 'axios';
import { WEBCOM_INDIVIDUAL_CODE } from './protocol/channels.js';
import type { Credentials, Senders } from './protocol/messages.js';
import { checkAccountName } from './options/account-name.js';
import { WebcomModuleOptionsSchema } from './options/module-options.schema.js';
import { validateOptions } from './options/validate-options.js';
import { SANDBOX_CREDENTIALS } from './sandbox/sandbox-transport.js';
import type { WebcomStatusLimiter } from './tracking/status-limiter.js';

/** An account's options: `WebcomModule.forRoot(options)`, or what `forRootAsync` resolves. */
export interface WebcomModuleOptions {
  /**
   * How the account signs in: `{ user, password }`, `{ token }` or `{ user, tokenHash }`.
   * Required, except with `sandbox: true`.
   */
  credentials?: Credentials;
  /**
   * Default 'https://my3.webcom.mobi'; `sendsms.php` and the registration path hang off it.
   * Surrounding whitespace (a `.env` slip) is trimmed; a URL with a query or a fragment, even an
   * empty one (`/?`, `/#`), is refused at boot.
   */
  baseUrl?: string;
  /** Per HTTP request, start to last byte, the wait for a socket included. Default 10000. */
  timeoutMs?: number;
  /** Extra tries for calls that are safe to repeat. Default 2. */
  retries?: number;
  /** Default sender per channel, used where a call names none. */
  senders?: Senders;
  /** Large recipient lists are split so that no request URL is longer. Default 8000. */
  maxUrlLength?: number;
  /** Requests in flight at once for one call. Default 8. */
  concurrency?: number;
  /** Sockets the module keeps to the gateway at most, across all calls. Default 64. */
  maxSockets?: number;
  /**
   * A cost guard: an SMS text (or SMS fallback) needing more parts than this is refused before
   * sending, a `WebcomValidationError` on the text naming its parts. Default
   * `DEFAULT_MAX_SMS_SEGMENTS` (10); `null` lifts the limit.
   */
  maxSmsSegments?: number | null;
  /** D5: the `businessman` code sent for individuals. Default `WEBCOM_INDIVIDUAL_CODE` ('fl'). */
  individualCode?: string;
  /** Put message texts into the event stream. Default false: texts are personal data. */
  includeTextInEvents?: boolean;
  /**
   * Log one debug line per gateway request (method, path, status, time; every value but a few
   * safe parameters masked). Default false: a busy app or a script sending thousands of
   * messages would print thousands of lines.
   */
  logRequests?: boolean;
  /**
   * `'env'`: reach the gateway through the proxy that `HTTPS_PROXY` (`HTTP_PROXY` for an http
   * `baseUrl`) names, unless `NO_PROXY` lists its host. Default: no proxy, whatever the
   * environment says.
   */
  proxy?: 'env';
  /**
   * Certificate authorities (PEM) trusted for the gateway and the proxy instead of Node's
   * bundled ones: for a corporate TLS-inspecting proxy or a private gateway certificate.
   */
  ca?: string | Buffer | (string | Buffer)[];
  /**
   * An axios instance of your own for every request to the gateway, used unchanged: its
   * adapter, agents, proxy and interceptors. `maxSockets`, `proxy` and `ca` then do not apply.
   * Each request still asks for no redirects, the 1 MiB answer cap and `timeoutMs`.
   * Default: axios on the module's undici engine.
   */
  axiosInstance?: AxiosInstance;
  /**
   * `true`: no request leaves the process; the in-process gateway emulator answers sends,
   * statuses and balance with the gateway's rules, and a warning at boot says so. Credentials
   * are optional then. Default false.
   */
  sandbox?: boolean;

  // Tracking budget (docs/tracking-and-events.md).
  /**
   * Status reads a second of this account on this instance, at most: every `getStatus`,
   * `getStatuses`, `waitForFinalStatus` and `trackDelivery` read (and their retries) shares it;
   * over it, reads wait their turn. Default 20. For N instances, give each budget / N.
   */
  statusRequestsPerSecond?: number;
  /** A limiter every status read passes after the instance's budget: a fleet-wide one. */
  statusLimiter?: WebcomStatusLimiter;
}

/** The options with every default filled in, as the service uses them. */
export interface ResolvedWebcomOptions extends Required<
  Omit<WebcomModuleOptions, 'proxy' | 'ca' | 'axiosInstance' | 'statusLimiter'>
> {
  statusLimiter?: WebcomStatusLimiter;
  proxy?: 'env';
  ca?: string | Buffer | (string | Buffer)[];
  axiosInstance?: AxiosInstance;
}

/** The default `maxSmsSegments`: 10 parts, about 1,530 Latin or 670 Cyrillic characters. */
export const DEFAULT_MAX_SMS_SEGMENTS = 10;

/** The real gateway's address, the default `baseUrl`. */
export const WEBCOM_DEFAULT_BASE_URL = 'https://my3.webcom.mobi';

/**
 * Checks the module's options at boot and fills in defaults. Messages name the option (and the
 * account `name`, when it has one), never its value: a value may be a secret.
 */
export function resolveOptions(options: WebcomModuleOptions, name?: string): ResolvedWebcomOptions {
  checkAccountName(name);
  // A `.env` slip such as a trailing space must not boot a client whose every call fails.
  const baseUrl = typeof options?.baseUrl === 'string' ? options.baseUrl.trim() : options?.baseUrl;
  const checked =
    typeof options === 'object' && options !== null ? { ...options, baseUrl } : options;
  validateOptions(
    WebcomModuleOptionsSchema,
    checked,
    name ? `Webcom module options (account '${name}')` : 'Webcom module options',
  );
  return {
    credentials: options.credentials ?? SANDBOX_CREDENTIALS,
    sandbox: options.sandbox ?? false,
    baseUrl: (baseUrl ?? WEBCOM_DEFAULT_BASE_URL).replace(/\/+$/, ''),
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 2,
    senders: options.senders ?? {},
    maxUrlLength: options.maxUrlLength ?? 8000,
    concurrency: options.concurrency ?? 8,
    maxSockets: options.maxSockets ?? 64,
    maxSmsSegments:
      options.maxSmsSegments === undefined ? DEFAULT_MAX_SMS_SEGMENTS : options.maxSmsSegments,
    individualCode: options.individualCode ?? WEBCOM_INDIVIDUAL_CODE,
    includeTextInEvents: options.includeTextInEvents ?? false,
    logRequests: options.logRequests ?? false,
    proxy: options.proxy,
    ca: options.ca,
    axiosInstance: options.axiosInstance,
    statusRequestsPerSecond: options.statusRequestsPerSecond ?? 20,
    statusLimiter: options.statusLimiter,
  };
}
