import { WebcomAmbiguousSendError } from '../errors/webcom-errors.js';
import { DELIVERY_STATES, FINAL_STATES, SETTLED_STATES } from './channels.js';
import { parseExactJson } from './exact-json.js';
import type { Balance, DeliveryState, MessageStatus, SendResult, SentMessage } from './results.js';

/*
 * Decoders of the gateway's answers (docs/protocol.md §3). Each returns `undefined` for a body that is
 * not a success answer: the caller reports that as the gateway refusing the call.
 */

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const AMOUNT = /^\s*-?\d+(?:\.\d+)?\s*$/;
const PRICE = /^\s*\d+(?:[.,]\d+)?\s*$/;

/**
 * An amount the gateway sent (as a string: `parseExactJson` keeps numbers as text); `undefined` unless it is
 * a finite number (400 digits are `Infinity`).
 */
function toAmount(value: unknown, pattern = AMOUNT): number | undefined {
  if (typeof value !== 'string' || !pattern.test(value)) return undefined;
  const amount = Number(value.trim().replace(',', '.'));
  return Number.isFinite(amount) ? amount : undefined;
}

/**
 * A price: a finite amount, not negative, a decimal comma read as a point (`10,60`, D12). A
 * balance keeps the point only: `143,777` may be thousands.
 */
const toPrice = (value: unknown) => toAmount(value, PRICE);

/** A send's answer before its messages are matched with the recipients. */
export interface SendAnswer {
  messages: Omit<SentMessage, 'to'>[];
  balance?: number;
}

const PLAIN_SEND = /^\d+(,\d+)*,?$/;

/**
 * A send's answer; `undefined` when it carries no message id (a refusal). D12: an answer with
 * ids is an acceptance whatever else is odd in it: a price that is no finite, non-negative
 * number is left out, an unreadable balance too, an entry without an id is skipped (and
 * `matchRecipients` then finds the ids short).
 */
export function decodeSend(body: string): SendAnswer | undefined {
  const json = parseExactJson(body);
  if (json === undefined && body.trimStart().startsWith('{')) return idsOfBrokenJson(body);
  if (json !== undefined) {
    if (!isRecord(json) || !Array.isArray(json.information)) return undefined;
    const messages: SendAnswer['messages'] = [];
    for (const entry of json.information) {
      if (!isRecord(entry) || typeof entry.id_message !== 'string' || entry.id_message === '') {
        continue;
      }
      const price = toPrice(entry.price);
      messages.push(
        price === undefined ? { id: entry.id_message } : { id: entry.id_message, price },
      );
    }
    if (messages.length === 0) return undefined;
    const balance = toAmount(json.balance);
    return balance === undefined ? { messages } : { messages, balance };
  }
  // The older plain-text answer: ids separated by commas, possibly closed by ",0"; no prices.
  // Whitespace between two ids separates them too: removing it would join them into an id that
  // no message has.
  // Each run of whitespace is one space first: `\s*,` would rescan a long run from each of its
  // characters (quadratic time on a hostile body).
  const plain = body.trim().replace(/\s+/g, ' ').replace(/ ?, ?/g, ',').replace(/ /g, ',');
  if (!PLAIN_SEND.test(plain)) return undefined;
  const ids = plain.split(',').filter((id) => id !== '');
  if (ids.length > 1 && ids[ids.length - 1] === '0') ids.pop();
  if (ids.length === 0 || ids.includes('0')) return undefined;
  return { messages: ids.map((id) => ({ id })) };
}

/**
 * Message ids whole in a JSON answer too broken to parse (cut off, say). D12: an answer that names
 * ids accepted those messages, so they are never read as a refusal that invites a second send;
 * an id cut inside its own text is not one, and the count then falls short of the recipients.
 */
const WHOLE_ID = /"id_message"\s*:\s*(?:"([^"\\]+)"|(\d+)(?=\s*[,}]))/g;

function idsOfBrokenJson(body: string): SendAnswer | undefined {
  const ids = [...body.matchAll(WHOLE_ID)].map((match) => match[1] ?? match[2]);
  return ids.length === 0 ? undefined : { messages: ids.map((id) => ({ id })) };
}

/**
 * The result of one request of a send (D13). To one recipient, every id the answer lists is that
 * recipient's (a long message may be billed per part, and the vendor's own example answers one
 * number with two ids). To several, the gateway answers one message per recipient in the order
 * of `dadr`, so the n-th id is the n-th recipient's.
 *
 * @throws {WebcomAmbiguousSendError} when several recipients got more or fewer ids than there
 * are of them: the gateway accepted something, but which recipient got which id is unknown.
 */
export function matchRecipients(answer: SendAnswer, recipients: readonly string[]): SendResult {
  const single = recipients.length === 1;
  if (!single && answer.messages.length !== recipients.length) {
    throw new WebcomAmbiguousSendError(answer.messages, recipients.length, answer.balance);
  }
  const messages = answer.messages.map(({ id, price }, index) => {
    const to = recipients[single ? 0 : index];
    return price === undefined ? { id, to } : { id, to, price };
  });
  return answer.balance === undefined ? { messages } : { messages, balance: answer.balance };
}

export function decodeBalance(body: string): Balance | undefined {
  const json = parseExactJson(body);
  if (json !== undefined) {
    if (!isRecord(json)) return undefined;
    const balance = toAmount(json.balance);
    if (balance === undefined) return undefined;
    return typeof json.currency === 'string' && json.currency
      ? { balance, currency: json.currency }
      : { balance };
  }
  // The older plain-text answer: the amount, then the currency on the next line.
  // A third line of the trimmed body holds its last, visible, character: no balance answer.
  const [amountLine, currencyLine, third] = body.trim().split(/\r?\n/, 3);
  const balance = toAmount(amountLine);
  if (balance === undefined || third !== undefined) return undefined;
  const currency = currencyLine?.trim();
  if (currency !== undefined && !/^[A-Za-z]{3}$/.test(currency)) return undefined;
  return currency ? { balance, currency } : { balance };
}

function toState(value: unknown): DeliveryState | undefined {
  return typeof value === 'string' && DELIVERY_STATES.has(value)
    ? (value as DeliveryState)
    : undefined;
}

export function decodeStatus(id: string, body: string): MessageStatus | undefined {
  const json = parseExactJson(body);
  const record = isRecord(json) ? json : undefined;
  // The older plain-text answer is the bare state word.
  const state = json === undefined ? toState(body.trim()) : toState(record?.state);
  if (state === undefined) return undefined;
  const status: MessageStatus = {
    id,
    state,
    final: FINAL_STATES.has(state),
    settled: SETTLED_STATES.has(state),
  };
  if (typeof record?.time === 'string' && record.time !== '') status.time = record.time;
  const code = record?.text_sms;
  if ((typeof code === 'string' && code !== '') || typeof code === 'number') {
    status.code = String(code);
  }
  return status;
}
