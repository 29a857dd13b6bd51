import { WebcomValidationError } from '../errors/webcom-errors.js';
import type { Channel } from '../protocol/channels.js';
import type { OutgoingMessage } from '../protocol/messages.js';
import { smsSegments } from '../protocol/sms-segments.js';

/**
 * The option `maxSmsSegments`: a text that would cost more SMS parts (its own on `sms`, or its
 * SMS fallback's) is refused unsent, naming the parts; `null` lifts the limit.
 */
export function assertWithinSmsParts(
  channel: Channel,
  message: OutgoingMessage,
  max: number | null,
): void {
  if (max === null) return;
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
