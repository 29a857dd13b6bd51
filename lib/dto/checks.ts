import { WebcomValidationError } from '../errors/webcom-errors.js';
import type { Channel } from '../protocol/channels.js';
import type { OutgoingMessage } from '../protocol/messages.js';
import { smsSegments } from '../protocol/sms-segments.js';

/** Checks beyond the DTO classes, shared by `WebcomService` and its testing stand-in. */

/** Longer than any id a gateway hands out, short enough to keep the status URL small. */
const MAX_MESSAGE_ID_LENGTH = 256;

const MESSAGE_ID_RULE = `must be a message id (a non-blank string of at most ${MAX_MESSAGE_ID_LENGTH} characters)`;

/**
 * An id as a send returned it: opaque, so any non-blank text UTF-8 can carry. `,`, `&` or `#`
 * cannot alter the query, as every value is percent-encoded (docs/protocol.md §1).
 */
function isMessageId(id: unknown): id is string {
  return (
    typeof id === 'string' &&
    id.trim() !== '' &&
    id.length <= MAX_MESSAGE_ID_LENGTH &&
    id.isWellFormed()
  );
}

/** A status read's id. */
export function assertMessageId(id: unknown): asserts id is string {
  if (!isMessageId(id)) {
    throw new WebcomValidationError([{ field: 'id', messages: [MESSAGE_ID_RULE] }]);
  }
}

/**
 * The ids of `getStatuses` and `trackDelivery`: one id or an array of ids. A string is one id,
 * never its characters; anything else (null, a number, a Set) is refused, naming the entry.
 */
export function toMessageIds(ids: unknown): string[] {
  if (typeof ids === 'string') {
    if (isMessageId(ids)) return [ids];
  } else if (Array.isArray(ids)) {
    const bad = ids.flatMap((id, index) => (isMessageId(id) ? [] : [index]));
    if (bad.length === 0) return [...(ids as string[])];
    throw new WebcomValidationError(
      bad.slice(0, 10).map((index) => ({ field: `ids[${index}]`, messages: [MESSAGE_ID_RULE] })),
    );
  }
  throw new WebcomValidationError([
    { field: 'ids', messages: [`must be one message id or an array of them`] },
  ]);
}

/** The option `maxSmsSegments`: a text that would cost more SMS parts is refused unsent. */
export function assertSmsParts(channel: Channel, message: OutgoingMessage, max?: number): void {
  if (max === undefined) return;
  const texts: [string, string | undefined][] = [
    ['text', channel === 'sms' ? message.text : undefined],
    ['fallback.text', message.fallback?.channel === 'sms' ? message.fallback.text : undefined],
  ];
  const errors = texts.flatMap(([field, text]) => {
    const segments = text === undefined ? 0 : smsSegments(text).segments;
    return segments > max
      ? [{ field, messages: [`is ${segments} SMS parts, more than maxSmsSegments (${max})`] }]
      : [];
  });
  if (errors.length) throw new WebcomValidationError(errors);
}
