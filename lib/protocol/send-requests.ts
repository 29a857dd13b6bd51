import type { Channel } from './channels.js';
import { encodeSend } from './encode.js';
import type { OutgoingMessage, Senders } from './messages.js';
import { encodeQuery, planSendRequests, type SendRequestPlan } from './query.js';

/** What bounds the requests of one send. */
export interface SendRequestLimits {
  /** Default senders, where the message names none. */
  senders: Senders;
  /** The URL before `?` (`${baseUrl}/sendsms.php`); '' when `maxUrlLength` keeps a reserve. */
  urlPrefix: string;
  /** Encoded parameters every request starts with (the credentials); '' for none. */
  leadingQuery: string;
  /** No request URL is longer. */
  maxUrlLength: number;
  /** No request carries more recipients; default: as many as fit. */
  maxRecipients?: number;
}

/**
 * The one planner of a send's requests, for the gateway client and the queue alike: encodes
 * `message` and spreads its recipients, in order, over as few requests as fit `limits`.
 *
 * @throws {WebcomValidationError} when even one recipient makes a request too long.
 */
export function planSend(
  channel: Channel,
  message: OutgoingMessage,
  limits: SendRequestLimits,
): SendRequestPlan[] {
  const wire = encodeSend(channel, message, limits.senders);
  const content = encodeQuery(wire.params);
  const leading = limits.leadingQuery ? `${limits.leadingQuery}&${content}` : content;
  const { recipients } = wire;
  const size = limits.maxRecipients ?? recipients.length;
  if (recipients.length <= size) {
    return planSendRequests(limits.urlPrefix, leading, wire, limits.maxUrlLength);
  }
  const plans: SendRequestPlan[] = [];
  for (let start = 0; start < recipients.length; start += size) {
    const part = { ...wire, recipients: recipients.slice(start, start + size) };
    plans.push(...planSendRequests(limits.urlPrefix, leading, part, limits.maxUrlLength));
  }
  return plans;
}
