import type { AxiosInstance } from 'axios';
import { ValidateIf } from 'class-validator';
import { SENDER_CHANNELS } from '../protocol/channels.js';
import type { Credentials, Senders } from '../protocol/messages.js';
import { hasUrlUnsafeCharacter } from '../protocol/query.js';
import type { WebcomStatusLimiter } from '../tracking/status-limiter.js';
import type { WebcomModuleOptions } from '../webcom-options.js';
import { IsCredentials, WebcomCredentialsSchema } from './credentials.schema.js';
import {
  IfGiven,
  IsWholeNumber,
  IsWireString,
  NestedOptions,
  OptionRule,
  hasLoneSurrogate,
} from './validate-options.js';

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

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
  @OptionRule('isBoolean', 'must be true or false', (value) => typeof value === 'boolean')
  logRequests!: boolean;

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
