import type { AxiosInstance } from 'axios';
import { SENDER_CHANNELS } from './protocol/channels.js';
import { WEBCOM_INDIVIDUAL_CODE } from './protocol/channels.js';
import type { Credentials, Senders } from './protocol/messages.js';
import { WebcomValidationError, type WebcomFieldError } from './errors/webcom-errors.js';

export interface WebcomModuleOptions {
  credentials: Credentials;
  /** Default 'https://my3.webcom.mobi'; `sendsms.php` and the registration path hang off it. */
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
  /** SMS texts longer than this many parts are refused before sending. Default: no limit. */
  maxSmsSegments?: number;
  /** D5: the `businessman` code sent for individuals. Default `WEBCOM_INDIVIDUAL_CODE` ('fl'). */
  individualCode?: string;
  /** Put message texts into the event stream. Default false: texts are personal data. */
  includeTextInEvents?: boolean;
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
}

/** The options with every default filled in, as the service uses them. */
export interface ResolvedWebcomOptions extends Required<
  Omit<WebcomModuleOptions, 'maxSmsSegments' | 'proxy' | 'ca' | 'axiosInstance'>
> {
  maxSmsSegments?: number;
  proxy?: 'env';
  ca?: string | Buffer | (string | Buffer)[];
  axiosInstance?: AxiosInstance;
}

export const WEBCOM_DEFAULT_BASE_URL = 'https://my3.webcom.mobi';

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

const isNonEmptyString = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '';

function checkCredentials(credentials: unknown, errors: WebcomFieldError[]) {
  const fail = (field: string, message: string) =>
    errors.push({ field: `credentials${field}`, messages: [message] });
  if (typeof credentials !== 'object' || credentials === null) {
    return fail('', 'must be { user, password }, { token } or { user, tokenHash }');
  }
  const c = credentials as Record<string, unknown>;
  const forms = ['password', 'token', 'tokenHash'].filter((key) => c[key] !== undefined);
  if (forms.length !== 1) {
    return fail('', 'must hold exactly one of password, token and tokenHash');
  }
  const [form] = forms;
  if (!isNonEmptyString(c[form])) fail(`.${form}`, 'must be a non-empty string');
  if (
    form === 'tokenHash' &&
    isNonEmptyString(c.tokenHash) &&
    !/^[0-9a-f]{32}$/.test(c.tokenHash)
  ) {
    fail('.tokenHash', "must be the token's MD5 as 32 lower-case hex digits");
  }
  if (form !== 'token' && !isNonEmptyString(c.user)) fail('.user', 'must be a non-empty string');
}

function checkBaseUrl(baseUrl: unknown, errors: WebcomFieldError[]) {
  const fail = (message: string) => errors.push({ field: 'baseUrl', messages: [message] });
  if (typeof baseUrl !== 'string') return fail('must be a URL string');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return fail('must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail('must be http(s)');
  // The password travels in the query string: plain http only where no network is crossed.
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.test(url.hostname)) {
    fail('must use https (plain http is only allowed to a loopback address)');
  }
  if (url.username || url.password) fail('must not carry credentials');
  if (url.search || url.hash) fail('must not have a query or a fragment');
}

function checkInteger(
  options: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
  errors: WebcomFieldError[],
) {
  const value = options[field];
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    errors.push({ field, messages: [`must be a whole number from ${min} to ${max}`] });
  }
}

const isCertificate = (value: unknown) =>
  (typeof value === 'string' && value.trim() !== '') || Buffer.isBuffer(value);

function checkTransport(options: WebcomModuleOptions, errors: WebcomFieldError[]) {
  if (options.proxy !== undefined && options.proxy !== 'env') {
    errors.push({ field: 'proxy', messages: ["must be 'env' (HTTPS_PROXY and NO_PROXY)"] });
  }
  const ca: unknown = options.ca;
  if (ca !== undefined && !(Array.isArray(ca) ? ca.every(isCertificate) : isCertificate(ca))) {
    errors.push({ field: 'ca', messages: ['must be PEM text, a Buffer, or an array of them'] });
  }
  const instance: unknown = options.axiosInstance;
  if (instance !== undefined && typeof (instance as { get?: unknown })?.get !== 'function') {
    errors.push({ field: 'axiosInstance', messages: ['must be an axios instance'] });
  }
}

/**
 * Checks the module's options at boot and fills in defaults. Messages name the option, never
 * its value: a value may be a secret.
 */
export function resolveOptions(options: WebcomModuleOptions): ResolvedWebcomOptions {
  const errors: WebcomFieldError[] = [];
  if (typeof options !== 'object' || options === null) {
    throw new WebcomValidationError(
      [{ field: 'options', messages: ['must be an object'] }],
      'Webcom module options',
    );
  }
  const raw = options as unknown as Record<string, unknown>;
  checkCredentials(options.credentials, errors);
  if (options.baseUrl !== undefined) checkBaseUrl(options.baseUrl, errors);
  checkInteger(raw, 'timeoutMs', 1, 600_000, errors);
  checkInteger(raw, 'retries', 0, 10, errors);
  checkInteger(raw, 'maxUrlLength', 256, 1_000_000, errors);
  checkInteger(raw, 'concurrency', 1, 256, errors);
  checkInteger(raw, 'maxSockets', 1, 1024, errors);
  checkInteger(raw, 'maxSmsSegments', 1, 255, errors);
  if (options.individualCode !== undefined && !isNonEmptyString(options.individualCode)) {
    errors.push({ field: 'individualCode', messages: ['must be a non-empty string'] });
  }
  checkTransport(options, errors);
  const senders = options.senders ?? {};
  if (typeof senders !== 'object' || senders === null) {
    errors.push({ field: 'senders', messages: ['must be an object'] });
  } else {
    for (const [channel, sender] of Object.entries(senders)) {
      if (!SENDER_CHANNELS.includes(channel as never)) {
        errors.push({
          field: `senders.${channel}`,
          messages: [`is not a channel with a sender (${SENDER_CHANNELS.join(', ')})`],
        });
      } else if (sender !== undefined && !isNonEmptyString(sender)) {
        errors.push({ field: `senders.${channel}`, messages: ['must be a non-empty string'] });
      }
    }
  }
  if (errors.length) throw new WebcomValidationError(errors, 'Webcom module options');
  return {
    credentials: options.credentials,
    baseUrl: (options.baseUrl ?? WEBCOM_DEFAULT_BASE_URL).replace(/\/+$/, ''),
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 2,
    senders,
    maxUrlLength: options.maxUrlLength ?? 8000,
    concurrency: options.concurrency ?? 8,
    maxSockets: options.maxSockets ?? 64,
    maxSmsSegments: options.maxSmsSegments,
    individualCode: options.individualCode ?? WEBCOM_INDIVIDUAL_CODE,
    includeTextInEvents: options.includeTextInEvents ?? false,
    proxy: options.proxy,
    ca: options.ca,
    axiosInstance: options.axiosInstance,
  };
}
