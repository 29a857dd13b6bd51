import { WebcomValidationError } from '../errors/webcom-errors.js';
import type { WireParams, WireSend } from './encode.js';

/** Every value percent-encoded, so text reaches the gateway byte for byte (docs/protocol.md §1). */
export function encodeQuery(params: WireParams): string {
  let query = '';
  for (const [name, value] of params) {
    query += `${query ? '&' : ''}${name}=${encodeURIComponent(value)}`;
  }
  return query;
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
      throw new WebcomValidationError([
        {
          field: 'to',
          messages: [
            `even one recipient makes the request longer than maxUrlLength (${maxUrlLength})`,
          ],
        },
      ]);
    }
    chunk.push(recipient);
    listLength = length;
  }
  if (chunk.length) flush();
  return plans;
}
