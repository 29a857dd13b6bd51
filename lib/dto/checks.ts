import { WebcomValidationError } from '../errors/webcom-errors.js';
import type { Channel } from '../protocol/channels.js';
import type { OutgoingMessage } from '../protocol/messages.js';
import { smsSegments } from '../protocol/sms-segments.js';

/** Checks beyond the DTO classes, shared by `WebcomService` and its testing stand-in. */

const MESSAGE_ID = /^[^\s,&#]{1,64}$/;

/** A status read's id: opaque to us, but never something that could alter the query. */
export function assertMessageId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !MESSAGE_ID.test(id)) {
    throw new WebcomValidationError([
      { field: 'id', messages: ['must be a message id (a short string without spaces)'] },
    ]);
  }
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
