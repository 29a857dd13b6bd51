import type { Channel, TypeSend } from '../../protocol/channels.js';
import { parseMoscowMinute } from './wire.js';

/** What a valid send asks for. */
export interface SendPlan {
  channel: TypeSend;
  recipients: string[];
}

/** Why a send is refused, worded for the `error` field of the answer. */
export interface SendRefusal {
  error: string;
}

type Query = Record<string, string>;

/** What the emulator knows of one value of `type_send_1`, written from docs/protocol.md §2. */
export interface EmulatedChannelRule {
  /** The fallbacks (`type_send_2`) it allows. */
  fallbacks: readonly TypeSend[];
  /** The parameter that must name the sender; lower-case only (docs/protocol.md D4). */
  sender?: string;
  /** Price of one message to one recipient unless `prices` says otherwise. */
  price: number;
  /** Whether its messages report `read` after `deliver`. */
  readReceipt: boolean;
  /** Why its content is refused, if it is. */
  check: (query: Query) => string | undefined;
}

/**
 * A rule for every value of `type_send_1` of channels `C`. Generic so that a type test can show
 * the compiler refusing rules that lack a channel's.
 */
export type EmulatedChannelRules<C extends string = Channel> = Readonly<
  Record<C | Exclude<TypeSend, Channel>, EmulatedChannelRule>
>;

/**
 * The emulator's own rule for each channel, written from docs/protocol.md rather than read from
 * the library's wire tables. Keyed by the wire tables' channels, so a channel added to the
 * library without a rule here fails to compile.
 */
export const EMULATED_CHANNELS: EmulatedChannelRules = {
  sms: {
    fallbacks: ['sms', 'viber'],
    sender: 'sadr',
    price: 3.2,
    readReceipt: false,
    check: (query) => (given(query, 'text') ? undefined : 'text is required for sms'),
  },
  viber: rich('viber', 'sender_viber', 1.6),
  voice: voice('voice', 4.1),
  voice_ivr: voice('voice_ivr', 5.3),
  flashcall: { fallbacks: [], price: 0.75, readReceipt: false, check: () => undefined },
  telegram: rich('telegram', 'name_clients_telegram', 1.1),
  whatsapp: rich('whatsapp', 'name_clients_whatsapp', 2.4),
};

function rich(channel: Channel<'rich'>, sender: string, price: number): EmulatedChannelRule {
  return {
    fallbacks: [channel, 'sms'],
    sender,
    price,
    readReceipt: true,
    check: (query) => checkRichContent(channel, query),
  };
}

function voice(channel: 'voice' | 'voice_ivr', price: number): EmulatedChannelRule {
  return {
    fallbacks: ['viber', 'sms'],
    sender: 'name_clients_voice',
    price,
    readReceipt: false,
    check: (query) => checkVoice(channel, query),
  };
}

const VALIDITY_PARAMS = ['validity_period', 'validity_period_telegram', 'validity_period_whatsapp'];

/** E.164 caps a number at 15 digits; the gateway wants them without `+` or separators. */
const RECIPIENT_LIST = /^\d{1,15}(,\d{1,15})*$/;

const VOICE_RANGES: ReadonlyArray<[name: string, min: number, max: number]> = [
  ['waiting_voice', 10, 35],
  ['interval_voice', 10, 3600],
  ['winterval_voice', 10, 3600],
  ['dial_voice', 1, 9],
  ['gender_voice', 1, 8],
];

/** An empty value counts as absent, as PHP's `empty()` would have it. */
function given(query: Query, name: string): boolean {
  return (query[name] ?? '') !== '';
}

/** Only the scheme is checked: the emulator refuses what is plainly not a link. */
function hasHttpScheme(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function isChannel(value: string): value is TypeSend {
  return Object.hasOwn(EMULATED_CHANNELS, value);
}

/**
 * Checks a send request against docs/protocol.md §1–§2 and says which channel and recipients it
 * addresses, or why it is refused. `now` decides whether a validity period has already passed.
 */
export function checkSend(query: Query, now: number): SendPlan | SendRefusal {
  // docs/protocol.md D6: without `type_send_1` the send is an SMS.
  const primary = given(query, 'type_send_1') ? query.type_send_1 : 'sms';
  if (!isChannel(primary)) return { error: `unknown type_send_1: ${primary}` };

  const channels = [primary];
  if (given(query, 'type_send_2')) {
    const fallback = query.type_send_2;
    if (!isChannel(fallback) || !EMULATED_CHANNELS[primary].fallbacks.includes(fallback)) {
      return { error: `type_send_2 ${fallback} is not allowed after ${primary}` };
    }
    if (fallback !== primary) channels.push(fallback);
  }

  for (const channel of channels) {
    const problem = checkChannel(channel, query);
    if (problem) return { error: problem };
  }

  for (const name of VALIDITY_PARAMS) {
    if (!given(query, name)) continue;
    const expiresAt = parseMoscowMinute(query[name]);
    if (expiresAt === undefined) return { error: `${name} must be YYYY-MM-DD HH:MM` };
    // The minute written is still current until its end.
    if (expiresAt + 60_000 <= now) return { error: `${name} is in the past` };
  }

  const recipients = readRecipients(primary, query);
  return typeof recipients === 'string' ? { error: recipients } : { channel: primary, recipients };
}

function readRecipients(channel: TypeSend, query: Query): string[] | string {
  let list = query.dadr;
  if (channel === 'voice' || channel === 'voice_ivr') {
    // docs/protocol.md D1: voice recipients may arrive as `addr`, `dadr` or both.
    if (given(query, 'dadr') && given(query, 'addr') && query.dadr !== query.addr) {
      return 'dadr and addr name different recipients';
    }
    list = given(query, 'dadr') ? query.dadr : query.addr;
  }
  if (list === undefined || list === '') return 'dadr is required';
  if (!RECIPIENT_LIST.test(list)) return 'dadr must be phone numbers, digits only, comma separated';
  return list.split(',');
}

function checkChannel(channel: TypeSend, query: Query): string | undefined {
  const { sender, check } = EMULATED_CHANNELS[channel];
  if (sender && !given(query, sender)) return `${sender} is required for ${channel}`;
  return check(query);
}

/** docs/protocol.md §2: text; text + button; text + button + image; image alone. */
function checkRichContent(channel: Channel<'rich'>, query: Query): string | undefined {
  const text = given(query, `text_${channel}`);
  const buttonText = given(query, `button_${channel}`);
  const buttonLink = given(query, `action_${channel}`);
  const image = given(query, `image_${channel}`);

  if (buttonText !== buttonLink) {
    return `button_${channel} and action_${channel} go together`;
  }
  const button = buttonText;
  const allowed = text ? button || !image : !button && image;
  if (!allowed) {
    return `${channel} content must be text, text + button, text + button + image, or image alone`;
  }
  for (const name of [`action_${channel}`, `image_${channel}`]) {
    if (given(query, name) && !hasHttpScheme(query[name])) return `${name} must be an http(s) URL`;
  }
  return undefined;
}

function checkVoice(channel: 'voice' | 'voice_ivr', query: Query): string | undefined {
  // D10: text to speak, an audio file, or both.
  if (!given(query, 'text_voice') && !given(query, 'action_voice')) {
    return `${channel} needs text_voice or action_voice, or both`;
  }
  if (given(query, 'action_voice') && !hasHttpScheme(query.action_voice)) {
    return 'action_voice must be an http(s) URL';
  }
  for (const [name, min, max] of VOICE_RANGES) {
    if (!given(query, name)) continue;
    const value = query[name];
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      return `${name} must be an integer from ${min} to ${max}`;
    }
  }
  // docs/protocol.md D2: both spellings of the retry interval are sent, so they must agree.
  if (
    given(query, 'interval_voice') &&
    given(query, 'winterval_voice') &&
    query.interval_voice !== query.winterval_voice
  ) {
    return 'interval_voice and winterval_voice differ';
  }
  return undefined;
}

/** Price of one message to one recipient when `prices` does not say otherwise. */
export const DEFAULT_PRICES: Readonly<Record<TypeSend, number>> = Object.fromEntries(
  Object.entries(EMULATED_CHANNELS).map(([channel, rule]) => [channel, rule.price]),
) as Record<TypeSend, number>;
