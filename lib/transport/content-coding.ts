import {
  brotliDecompressSync,
  gunzipSync,
  inflateRawSync,
  inflateSync,
  type ZlibOptions,
} from 'node:zlib';

/** What the engine decodes; sent unless the request names its own. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * A body in a content coding that cannot be undone: one we do not know, or bytes that are not
 * what the coding says. Its message names the codings, never the bytes.
 */
export class UndecodableBodyError extends Error {
  constructor(
    /** The `Content-Encoding` as the server sent it. */
    readonly codings: string,
    reason: string,
  ) {
    super(`a body in content coding "${codings.slice(0, 64)}" could not be decoded: ${reason}`);
    this.name = 'UndecodableBodyError';
  }
}

/** The body decoded would be longer than the cap (a compression bomb stops there). */
export class DecodedBodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`maxContentLength size of ${maxBytes} exceeded`);
    this.name = 'DecodedBodyTooLargeError';
  }
}

type Decoder = (body: Buffer, options: ZlibOptions) => Buffer;

/** 'deflate' is zlib-wrapped by the RFC, raw in some servers: the first byte tells. */
const inflateEither: Decoder = (body, options) =>
  (body[0] & 0x0f) === 0x08 ? inflateSync(body, options) : inflateRawSync(body, options);

const DECODERS: Record<string, Decoder> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateEither,
  br: brotliDecompressSync,
};

/** The codings a `Content-Encoding` lists, in the order they were applied; `identity` left out. */
function codingsOf(header: string | string[]): string[] {
  return (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
}

/**
 * `body` with every content coding of `header` undone. Codings are listed in the order they
 * were applied, so they are undone from the last to the first (RFC 9110 §8.4: `gzip, br` is
 * brotli over gzip). No step yields more than `maxBytes` (negative: no cap).
 *
 * @throws {UndecodableBodyError} for a coding we do not know, or bytes its decoder refuses.
 * @throws {DecodedBodyTooLargeError} when a step would yield more than `maxBytes`.
 */
export function decodeContentCodings(
  header: string | string[] | undefined,
  body: Buffer,
  maxBytes: number,
): Buffer {
  if (header === undefined || body.length === 0) return body;
  const codings = codingsOf(header);
  const options = maxBytes >= 0 ? { maxOutputLength: maxBytes + 1 } : {};
  let decoded = body;
  for (const coding of codings.reverse()) {
    const decoder = DECODERS[coding];
    if (!decoder) throw new UndecodableBodyError(String(header), `unknown coding "${coding}"`);
    try {
      decoded = decoder(decoded, options);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new DecodedBodyTooLargeError(maxBytes);
      }
      throw new UndecodableBodyError(String(header), `${coding}: ${(error as Error).message}`);
    }
    if (maxBytes >= 0 && decoded.length > maxBytes) throw new DecodedBodyTooLargeError(maxBytes);
  }
  return decoded;
}
