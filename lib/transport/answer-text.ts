import { WebcomTransportError } from '../errors/webcom-errors.js';
import { decodeText } from './charset.js';
import {
  DecodedBodyTooLargeError,
  decodeContentCodings,
  UndecodableBodyError,
} from './content-coding.js';
import type { CallKind, GatewayResponse } from './gateway-transport.js';

/** An answer as an axios adapter handed it over: the status, the headers, the body's bytes. */
export interface RawAnswer {
  status: number;
  headers: Record<string, unknown>;
  data: unknown;
}

/** A control character no text answer holds (tab, line breaks and form feed are text). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const BINARY = /[\x00-\x08\x0e-\x1f\x7f]/;

const isSuccess = (status: number) => status >= 200 && status < 300;

function bytesOf(data: unknown): Buffer | undefined {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/**
 * A 2xx answer that cannot be read as text. To a send it is no refusal: the gateway may have
 * taken the request and answered in a form we cannot read, so it is possibly delivered and
 * never repeated; a read is repeated as after any failure. The bytes stay out of the message.
 */
function unreadable(status: number, kind: CallKind, why: string): WebcomTransportError {
  return new WebcomTransportError(
    'EUNDECODABLE',
    kind === 'send',
    `the gateway's HTTP ${status} answer could not be read: ${why}`,
  );
}

/**
 * The answer as text: its content codings undone (any number of them, in order), its bytes read
 * in the charset its `Content-Type` names, at most `maxBytes` decoded. A body an adapter gave as
 * text already is taken as it is.
 *
 * @throws {WebcomTransportError} `ERESPONSETOOLARGE` past the cap, and `EUNDECODABLE` for a 2xx
 * answer that is no text (a coding that cannot be undone, binary bytes). A refusal whose body
 * cannot be read keeps its status, without a body.
 */
export function answerText(
  answer: RawAnswer,
  kind: CallKind,
  maxBytes: number,
  /** The adapter may have undone the codings and kept the header (axios's fetch adapter does). */
  codingsMayBeUndone = false,
): GatewayResponse {
  const { status, headers, data } = answer;
  const bytes = bytesOf(data);
  // An adapter that ignored `responseType`: its text, or what it parsed, as it came.
  if (!bytes)
    return { status, body: typeof data === 'string' ? data : (JSON.stringify(data) ?? '') };
  let decoded: Buffer;
  try {
    decoded = decodeContentCodings(headers['content-encoding'] as string, bytes, maxBytes);
  } catch (error) {
    if (error instanceof DecodedBodyTooLargeError) {
      throw new WebcomTransportError(
        'ERESPONSETOOLARGE',
        kind === 'send',
        `the answer is longer than ${maxBytes} bytes decoded`,
      );
    }
    if (!(error instanceof UndecodableBodyError)) throw error;
    if (codingsMayBeUndone && !BINARY.test(bytes.toString('latin1'))) {
      decoded = bytes;
    } else if (isSuccess(status)) {
      throw unreadable(status, kind, error.message);
    } else {
      return { status, body: '' };
    }
  }
  const body = decodeText(decoded, headers['content-type']);
  if (!BINARY.test(body)) return { status, body };
  if (isSuccess(status)) throw unreadable(status, kind, 'the body is binary, not text');
  return { status, body: '' };
}
