import { WebcomValidationError } from '../errors/webcom-errors.js';

/** The message ids `getStatus`, `getStatuses` and `trackDelivery` take, checked. */

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
