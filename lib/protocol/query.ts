import { WebcomValidationError } from '../errors/webcom-errors.js';
import type { WireParams, WireSend } from './encode.js';

/**
 * True when `text` holds whitespace or a control character. The URL parser strips or encodes
 * them, so a URL holding them would pass the parse and reach the wire verbatim.
 */
export const hasUrlUnsafeCharacter = (text: string): boolean => URL_UNSAFE.test(text);
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const URL_UNSAFE = /[\s\u0000-\u001f\u007f-\u009f]/;

/** Every value percent-encoded, so text reaches the gateway byte for byte (docs/protocol.md §1). */
export function encodeQuery(params: WireParams): string {
  let query = '';
  for (const [name, value] of params) {
    query += `${query ? '&' : ''}${name}=${encodeValue(name, value)}`;
  }
  return query;
}

/**
 * A lone surrogate cannot be UTF-8: the DTOs refuse it on their fields, and any value that still
 * holds one (an option, say) is refused here by its parameter's name, never as a URIError.
 */
function encodeValue(name: string, value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    throw new WebcomValidationError([
      { field: name, messages: ['must be text without lone surrogates'] },
    ]);
  }
}

/** Percent-encoding takes 6 URL characters for each Cyrillic letter (2 UTF-8 bytes). */
const URL_CHARACTERS_PER_CYRILLIC_LETTER = 6;

/**
 * The refusal when even one recipient does not fit: blamed on the content field that takes the
 * most of the URL when shortening it would make the request fit, else on `to`.
 */
function tooLongError(send: WireSend, overflow: number, maxUrlLength: number) {
  const lengths = new Map<string, { length: number; copies: number }>();
  for (const [name, value] of send.params) {
    const field = send.fields?.[name];
    if (field === undefined) continue;
    const entry = lengths.get(field) ?? { length: 0, copies: 0 };
    entry.length += encodeURIComponent(value).length;
    entry.copies += 1;
    lengths.set(field, entry);
  }
  const [field, longest] = [...lengths].reduce<[string, { length: number; copies: number }]>(
    (a, b) => (b[1].length > a[1].length ? b : a),
    ['to', { length: 0, copies: 1 }],
  );
  if (field === 'to' || longest.length < overflow) {
    return new WebcomValidationError([
      {
        field: 'to',
        messages: [
          `even one recipient makes the request longer than maxUrlLength (${maxUrlLength})`,
        ],
      },
    ]);
  }
  const current = Math.ceil(longest.length / longest.copies);
  const allowed = Math.floor((longest.length - overflow) / longest.copies);
  const cyrillic = Math.floor(allowed / URL_CHARACTERS_PER_CYRILLIC_LETTER);
  return new WebcomValidationError([
    {
      field,
      messages: [
        `is too long for one request: percent-encoded it takes ${current} characters of the URL, ` +
          `and at most ${allowed} fit within maxUrlLength (${maxUrlLength}) ` +
          `(about ${allowed} Latin letters or ${cyrillic} Cyrillic ones)`,
      ],
    },
  ]);
}

/** One request of a send: its query string and the recipients it carries. */
export interface SendRequestPlan {
  query: string;
  recipients: string[];
}

const ENCODED_COMMA = encodeURIComponent(',');

/**
 * Spreads a send's recipients over as few requests as fit: no URL (`urlPrefix` + `?` + query)
 * longer than `maxUrlLength`, recipients kept in order, each in exactly one request.
 * `leadingQuery` is the encoded credentials and content every request repeats.
 */
export function planSendRequests(
  urlPrefix: string,
  leadingQuery: string,
  send: WireSend,
  maxUrlLength: number,
): SendRequestPlan[] {
  const names = send.recipientParams;
  const fixedLength =
    urlPrefix.length + 1 + leadingQuery.length + names.reduce((n, name) => n + name.length + 2, 0);
  const plans: SendRequestPlan[] = [];
  let chunk: string[] = [];
  let listLength = 0;
  const flush = () => {
    const list = chunk.join(ENCODED_COMMA);
    plans.push({
      query: leadingQuery + names.map((name) => `&${name}=${list}`).join(''),
      recipients: chunk,
    });
    chunk = [];
    listLength = 0;
  };
  const fits = (length: number) => fixedLength + length * names.length <= maxUrlLength;
  for (const recipient of send.recipients) {
    let length = listLength + (chunk.length ? ENCODED_COMMA.length : 0) + recipient.length;
    if (chunk.length && !fits(length)) {
      flush();
      length = recipient.length;
    }
    if (!fits(length)) {
      throw tooLongError(send, fixedLength + length * names.length - maxUrlLength, maxUrlLength);
    }
    chunk.push(recipient);
    listLength = length;
  }
  if (chunk.length) flush();
  return plans;
}
