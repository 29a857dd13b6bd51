import { DELIVERY_STATES, FINAL_STATES, SETTLED_STATES } from './channels.js';
import type { Balance, DeliveryState, MessageStatus, SendResult } from './results.js';

/*
 * Decoders of the gateway's answers (docs/protocol.md §3). Each returns `undefined` for a body that is
 * not a success answer: the caller reports that as the gateway refusing the call.
 */

function parseJson(body: string): unknown {
  const trimmed = body.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A number the gateway sent as a string (or a number); `undefined` if it is neither. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

const PLAIN_SEND = /^\d+(,\d+)*,?$/;

export function decodeSend(body: string): SendResult | undefined {
  const json = parseJson(body);
  if (json !== undefined) {
    if (!isRecord(json) || !Array.isArray(json.information) || json.information.length === 0) {
      return undefined;
    }
    const messages = [];
    for (const entry of json.information) {
      if (!isRecord(entry)) return undefined;
      const id = entry.id_message;
      const price = toNumber(entry.price);
      if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') return undefined;
      if (price === undefined) return undefined;
      messages.push({ id: String(id), price });
    }
    const balance = toNumber(json.balance);
    return balance === undefined ? { messages } : { messages, balance };
  }
  // The older plain-text answer: ids separated by commas, possibly closed by ",0".
  const plain = body.replace(/\s+/g, '');
  if (!PLAIN_SEND.test(plain)) return undefined;
  const ids = plain.split(',').filter((id) => id !== '');
  if (ids.length > 1 && ids[ids.length - 1] === '0') ids.pop();
  if (ids.length === 0 || ids.includes('0')) return undefined;
  return { messages: ids.map((id) => ({ id, price: Number.NaN })) };
}

export function decodeBalance(body: string): Balance | undefined {
  const json = parseJson(body);
  if (json !== undefined) {
    if (!isRecord(json)) return undefined;
    const balance = toNumber(json.balance);
    if (balance === undefined) return undefined;
    return typeof json.currency === 'string' && json.currency
      ? { balance, currency: json.currency }
      : { balance };
  }
  // The older plain-text answer: the amount, then the currency on the next line.
  const [amountLine, currencyLine, ...rest] = body.trim().split(/\r?\n/);
  const balance = toNumber(amountLine);
  if (balance === undefined || rest.some((line) => line.trim() !== '')) return undefined;
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
  const json = parseJson(body);
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
