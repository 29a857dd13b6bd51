import type { FakeChannel } from './types.js';
import { parseMoscowMinute } from './wire.js';

/** What a valid send asks for. */
export interface SendPlan {
  channel: FakeChannel;
  recipients: string[];
}

/** Why a send is refused, worded for the `error` field of the answer. */
export interface SendRefusal {
  error: string;
}

type Query = Record<string, string>;

const CHANNELS: readonly FakeChannel[] = [
  'sms',
  'viber',
  'voice',
  'voice_ivr',
  'flashcall',
  'telegram',
  'whatsapp',
];

/** PROTOCOL.md §2: the fallbacks each primary channel allows (flashcall has none). */
const ALLOWED_FALLBACKS: Record<FakeChannel, readonly FakeChannel[]> = {
  sms: ['sms', 'viber'],
  viber: ['viber', 'sms'],
  voice: ['viber', 'sms'],
  voice_ivr: ['viber', 'sms'],
  flashcall: [],
  telegram: ['telegram', 'sms'],
  whatsapp: ['whatsapp', 'sms'],
};

/** Lower-case names only: PHP parameter names are case-sensitive (PROTOCOL.md D4). */
const SENDER_PARAM: Record<FakeChannel, string | undefined> = {
  sms: 'sadr',
  viber: 'sender_viber',
  voice: 'name_clients_voice',
  voice_ivr: 'name_clients_voice',
  flashcall: undefined,
  telegram: 'name_clients_telegram',
  whatsapp: 'name_clients_whatsapp',
};

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

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function isChannel(value: string): value is FakeChannel {
  return (CHANNELS as readonly string[]).includes(value);
}

/**
 * Checks a send request against PROTOCOL.md §1–§2 and says which channel and recipients it
 * addresses, or why it is refused. `now` decides whether a validity period has already passed.
 */
export function checkSend(query: Query, now: number): SendPlan | SendRefusal {
  // PROTOCOL.md D6: without `type_send_1` the send is an SMS.
  const primary = given(query, 'type_send_1') ? query.type_send_1 : 'sms';
  if (!isChannel(primary)) return { error: `unknown type_send_1: ${primary}` };

  const channels = [primary];
  if (given(query, 'type_send_2')) {
    const fallback = query.type_send_2;
    if (!isChannel(fallback) || !ALLOWED_FALLBACKS[primary].includes(fallback)) {
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

function readRecipients(channel: FakeChannel, query: Query): string[] | string {
  let list = query.dadr;
  if (channel === 'voice' || channel === 'voice_ivr') {
    // PROTOCOL.md D1: voice recipients may arrive as `addr`, `dadr` or both.
    if (given(query, 'dadr') && given(query, 'addr') && query.dadr !== query.addr) {
      return 'dadr and addr name different recipients';
    }
    list = given(query, 'dadr') ? query.dadr : query.addr;
  }
  if (list === undefined || list === '') return 'dadr is required';
  if (!RECIPIENT_LIST.test(list)) return 'dadr must be phone numbers, digits only, comma separated';
  return list.split(',');
}

function checkChannel(channel: FakeChannel, query: Query): string | undefined {
  const sender = SENDER_PARAM[channel];
  if (sender && !given(query, sender)) return `${sender} is required for ${channel}`;
  switch (channel) {
    case 'sms':
      return given(query, 'text') ? undefined : 'text is required for sms';
    case 'viber':
    case 'telegram':
    case 'whatsapp':
      return checkRichContent(channel, query);
    case 'voice':
    case 'voice_ivr':
      return checkVoice(channel, query);
    case 'flashcall':
      return undefined;
  }
}

/** PROTOCOL.md §2: text; text + button; text + button + image; image alone. */
function checkRichContent(
  channel: 'viber' | 'telegram' | 'whatsapp',
  query: Query,
): string | undefined {
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
    if (given(query, name) && !isHttpUrl(query[name])) return `${name} must be an http(s) URL`;
  }
  return undefined;
}

function checkVoice(channel: 'voice' | 'voice_ivr', query: Query): string | undefined {
  // D10: text to speak, an audio file, or both.
  if (!given(query, 'text_voice') && !given(query, 'action_voice')) {
    return `${channel} needs text_voice or action_voice, or both`;
  }
  if (given(query, 'action_voice') && !isHttpUrl(query.action_voice)) {
    return 'action_voice must be an http(s) URL';
  }
  for (const [name, min, max] of VOICE_RANGES) {
    if (!given(query, name)) continue;
    const value = query[name];
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      return `${name} must be an integer from ${min} to ${max}`;
    }
  }
  // PROTOCOL.md D2: both spellings of the retry interval are sent, so they must agree.
  if (
    given(query, 'interval_voice') &&
    given(query, 'winterval_voice') &&
    query.interval_voice !== query.winterval_voice
  ) {
    return 'interval_voice and winterval_voice differ';
  }
  return undefined;
}
