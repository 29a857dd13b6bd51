import type { AxiosInstance } from 'axios';
import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { SENDER_CHANNELS, WEBCOM_INDIVIDUAL_CODE } from './protocol/channels.js';
import type { Credentials, Senders } from './protocol/messages.js';
import { hasUrlUnsafeCharacter } from './protocol/query.js';
import {
  IfGiven,
  IsWholeNumber,
  IsWireString,
  NestedOptions,
  OptionRule,
  hasLoneSurrogate,
  validateOptions,
} from './options/validate-options.js';
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

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

const CREDENTIAL_FORMS = ['password', 'token', 'tokenHash'] as const;
type CredentialForm = (typeof CREDENTIAL_FORMS)[number];

/**
 * Which credential the object means: the one form given, or, when none has a value, the one
 * form present as a key (`{ token: process.env.WEBCOM_TOKEN }` with the variable unset), so that
 * its refusal names it. Undefined when no form or several are given.
 */
function credentialForm(credentials: object): CredentialForm | undefined {
  const c = credentials as Record<string, unknown>;
  const given = CREDENTIAL_FORMS.filter((key) => c[key] !== undefined);
  if (given.length === 1) return given[0];
  const present = CREDENTIAL_FORMS.filter((key) => key in c);
  return given.length === 0 && present.length === 1 ? present[0] : undefined;
}

/** The `credentials` object as a whole: an object, with exactly one form. */
function IsCredentials(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isCredentials',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' && value !== null && credentialForm(value) !== undefined,
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          if (typeof value !== 'object' || value === null) {
            return 'must be { user, password }, { token } or { user, tokenHash }';
          }
          const given = CREDENTIAL_FORMS.filter(
            (key) => (value as Record<string, unknown>)[key] !== undefined,
          );
          if (given.length > 1) return 'must hold exactly one of password, token and tokenHash';
          const present = CREDENTIAL_FORMS.filter((key) => key in value);
          return present.length === 0
            ? 'has no password, token or tokenHash: must be { user, password }, { token } or { user, tokenHash }'
            : `has none of password, token and tokenHash set: ${present.join(' and ')} are undefined`;
        },
      },
    },
    options,
  );
}

const usesForm =
  (...forms: CredentialForm[]) =>
  (credentials: object) => {
    const form = credentialForm(credentials);
    return form !== undefined && forms.includes(form);
  };

/** The rules of `credentials`, once it holds exactly one form. */
export class WebcomCredentialsSchema {
  @ValidateIf(usesForm('password', 'tokenHash'))
  @IsWireString({ required: true })
  user?: string;

  @ValidateIf(usesForm('password'))
  @IsWireString({ required: true })
  password?: string;

  @ValidateIf(usesForm('token'))
  @IsWireString({ required: true })
  token?: string;

  @ValidateIf(usesForm('tokenHash'))
  @IsWireString({ required: true })
  // Only once it is a usable string, so that each value gets one message.
  @OptionRule(
    'isTokenHash',
    "must be the token's MD5 as 32 lower-case hex digits",
    (value) =>
      typeof value !== 'string' ||
      value.trim() === '' ||
      hasLoneSurrogate(value) ||
      /^[0-9a-f]{32}$/.test(value),
  )
  tokenHash?: string;
}

/** The rules of `senders`: a well-formed, non-empty name per channel with a sender. */
export class WebcomSendersSchema {}
for (const channel of SENDER_CHANNELS) IsWireString()(WebcomSendersSchema.prototype, channel);

function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** One rule of `baseUrl`; each applies only once the earlier ones hold, so one message each. */
const baseUrlRule = (name: string, message: string, holds: (url: URL, raw: string) => boolean) =>
  OptionRule(name, message, (value) => {
    const url = parseUrl(value);
    return url === undefined || holds(url, value as string);
  });

const isCertificate = (value: unknown) =>
  (typeof value === 'string' && value.trim() !== '') || Buffer.isBuffer(value);

const isHttp = (url: URL) => url.protocol === 'https:' || url.protocol === 'http:';

/** The rules of the module's options; its property types are the public interface's. */
export class WebcomModuleOptionsSchema implements Required<WebcomModuleOptions> {
  @ValidateIf((options: WebcomModuleOptions) => !(options.sandbox === true && !options.credentials))
  @IsCredentials()
  @NestedOptions(() => WebcomCredentialsSchema)
  credentials!: Credentials;

  @IfGiven()
  @OptionRule('isUrlString', 'must be a URL string', (value) => typeof value === 'string')
  @OptionRule(
    'isAbsoluteUrl',
    'must be an absolute URL',
    (value) => typeof value !== 'string' || parseUrl(value) !== undefined,
  )
  @baseUrlRule('isHttpUrl', 'must be http(s)', isHttp)
  // The password travels in the query string: plain http only where no network is crossed.
  @baseUrlRule(
    'isHttpsUnlessLoopback',
    'must use https (plain http is only allowed to a loopback address)',
    (url) => !isHttp(url) || url.protocol === 'https:' || LOOPBACK_HOSTS.test(url.hostname),
  )
  @baseUrlRule(
    'hasNoUserInfo',
    'must not carry credentials',
    (url) => !url.username && !url.password,
  )
  // `?` or `#` with nothing after leaves `search` and `hash` empty: look at the text itself.
  @baseUrlRule(
    'hasNoQueryOrFragment',
    'must not have a query or a fragment',
    (url, raw) => !url.search && !url.hash && !/[?#]/.test(raw),
  )
  // The URL parser drops tabs and line breaks that our concatenated request URL would keep.
  @baseUrlRule(
    'hasNoSpaces',
    'must not contain spaces, line breaks or lone surrogates',
    (_, raw) => !hasUrlUnsafeCharacter(raw) && !hasLoneSurrogate(raw),
  )
  // The URL parser keeps a stray `%`; the request path would then hold a broken escape.
  @baseUrlRule(
    'hasOnlyPercentEscapes',
    'must not hold a "%" that does not start a percent-escape',
    (_, raw) => !/%(?![0-9A-Fa-f]{2})/.test(raw),
  )
  baseUrl!: string;

  @IsWholeNumber(1, 600_000)
  timeoutMs!: number;

  @IsWholeNumber(0, 10)
  retries!: number;

  @IfGiven()
  @OptionRule(
    'isObject',
    'must be an object',
    (value) => typeof value === 'object' && value !== null,
  )
  @NestedOptions(() => WebcomSendersSchema, {
    keys: SENDER_CHANNELS,
    unknownKeyMessage: `is not a channel with a sender (${SENDER_CHANNELS.join(', ')})`,
  })
  senders!: Senders;

  @IsWholeNumber(256, 1_000_000)
  maxUrlLength!: number;

  @IsWholeNumber(1, 256)
  concurrency!: number;

  @IsWholeNumber(1, 1024)
  maxSockets!: number;

  // null lifts the limit.
  @ValidateIf((_: object, value: unknown) => value !== null)
  @IsWholeNumber(1, 255)
  maxSmsSegments!: number | null;

  // Sent percent-encoded as `businessman` on every registration.
  @IsWireString()
  individualCode!: string;

  // A string 'false' from a .env file is truthy: it would put message texts into events.
  @IfGiven()
  @OptionRule('isBoolean', 'must be true or false', (value) => typeof value === 'boolean')
  includeTextInEvents!: boolean;

  @IfGiven()
  @OptionRule(
    'isEnvProxy',
    "must be 'env' (HTTPS_PROXY, HTTP_PROXY and NO_PROXY)",
    (value) => value === 'env',
  )
  proxy!: 'env';

  @IfGiven()
  @OptionRule('isCertificates', 'must be PEM text, a Buffer, or an array of them', (value) =>
    Array.isArray(value) ? value.length > 0 && value.every(isCertificate) : isCertificate(value),
  )
  ca!: string | Buffer | (string | Buffer)[];

  @IfGiven()
  @OptionRule(
    'isAxiosInstance',
    'must be an axios instance',
    (value) => typeof (value as { request?: unknown } | null)?.request === 'function',
  )
  axiosInstance!: AxiosInstance;

  @IfGiven()
  @OptionRule('isBoolean', 'must be true or false', (value) => typeof value === 'boolean')
  sandbox!: boolean;
  // Tracking budget.
  @IsWholeNumber(1, 100_000)
  statusRequestsPerSecond!: number;

  @IfGiven()
  @OptionRule(
    'isStatusLimiter',
    'must have an acquire(account) method',
    (value) => typeof (value as { acquire?: unknown } | null)?.acquire === 'function',
  )
  statusLimiter!: WebcomStatusLimiter;
}

/**
 * Checks the module's options at boot and fills in defaults. Messages name the option (and the
 * account `name`, when it has one), never its value: a value may be a secret.
 */
export function resolveOptions(options: WebcomModuleOptions, name?: string): ResolvedWebcomOptions {
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
    proxy: options.proxy,
    ca: options.ca,
    axiosInstance: options.axiosInstance,
    statusRequestsPerSecond: options.statusRequestsPerSecond ?? 20,
    statusLimiter: options.statusLimiter,
  };
}
