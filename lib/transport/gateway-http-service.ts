import { HttpService } from '@nestjs/axios';
import axios, { type AxiosRequestConfig } from 'axios';
import { ACCEPT_ENCODING } from './content-coding.js';
import { UndiciEngine, type UndiciAdapterOptions } from './undici-adapter.js';

/** How the module's own HTTP engine reaches the gateway: connections, proxy, trust. */
export type GatewayHttpOptions = UndiciAdapterOptions;

export const MAX_RESPONSE_BYTES = 1024 * 1024;

const keepText = (data: unknown) => data;
const anyStatus = () => true;

/**
 * What every request needs, whatever the axios instance: the body untransformed, every status
 * answered (the transport decides), no redirect followed (the URL carries the password), and
 * the size cap. The transport asks for bytes and reads them itself; text is the default of the
 * engine's `HttpService` for other callers.
 */
export const REQUEST_DEFAULTS = {
  maxRedirects: 0,
  responseType: 'text',
  transformResponse: keepText,
  validateStatus: anyStatus,
  maxContentLength: MAX_RESPONSE_BYTES,
  decompress: true,
} as const satisfies AxiosRequestConfig;

/**
 * The `HttpService` the module sends with unless it is given one: axios on an undici engine
 * of its own (never a global agent other code shares) with at most `maxSockets` keep-alive
 * connections, the request defaults above, and no proxy unless `proxy: 'env'`.
 */
export function createGatewayHttpService(
  options: GatewayHttpOptions & { timeoutMs?: number },
): HttpService {
  const engine = new UndiciEngine(options);
  const instance = axios.create({
    ...REQUEST_DEFAULTS,
    // The engine hands the body over as text already, and a GET has no body to transform.
    transformRequest: [],
    transformResponse: [],
    adapter: engine.adapter,
    timeout: options.timeoutMs ?? 0,
  });
  // Axios merges every default into each request's config. These serve only browsers, form
  // bodies and axios's own http adapter; without them a request costs a fifth less.
  for (const unused of [
    'transitional',
    'xsrfCookieName',
    'xsrfHeaderName',
    'maxBodyLength',
    'env',
  ]) {
    delete (instance.defaults as Record<string, unknown>)[unused];
  }
  // Axios merges every method's default headers into each request; a GET needs none of the
  // body headers.
  instance.defaults.headers = {
    common: {
      Accept: 'application/json, text/plain, */*',
      'Accept-Encoding': ACCEPT_ENCODING,
      'User-Agent': 'nestjs-webcom',
    },
    delete: {},
    get: {},
    head: {},
    post: {},
    put: {},
    patch: {},
  } as unknown as typeof instance.defaults.headers;
  return new HttpService(instance);
}
