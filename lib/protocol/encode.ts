import { createHash } from 'node:crypto';
import { WebcomValidationError } from '../errors/webcom-errors.js';
import {
  BUSINESSMAN_CODES,
  CHANNEL_TABLES,
  VOICE_IVR_TYPE,
  type Channel,
  type ContentField,
} from './channels.js';
import type { ChannelContent, Credentials, OutgoingMessage, Senders } from './messages.js';
import { toWireDate } from './moscow-time.js';

export type WireParams = [name: string, value: string][];

export const SEND_PATH = 'sendsms.php';
export const REGISTRATION_PATH = 'ru/reg/registration.html';

/** A send before its recipients are spread over requests. */
export interface WireSend {
  params: WireParams;
  recipientParams: readonly string[];
  /** Distinct, in the order first given: a number given twice gets one message. */
  recipients: string[];
  /** The argument's field (`text`, `fallback.text`) each content parameter carries. */
  fields?: Readonly<Record<string, string>>;
}

/** The argument's field of each content value, under a fallback's prefix where it is one. */
const CONTENT_FIELDS: Record<ContentField, string> = {
  text: 'text',
  buttonText: 'button.text',
  buttonUrl: 'button.url',
  imageUrl: 'imageUrl',
  audioUrl: 'audioUrl',
  waitSeconds: 'waitSeconds',
  retryIntervalSeconds: 'retryIntervalSeconds',
  attempts: 'attempts',
  voice: 'voice',
};

/** The authentication parameters of docs/protocol.md §1, for every call but registration. */
export function credentialParams(credentials: Credentials): WireParams {
  if ('password' in credentials) {
    return [
      ['user', credentials.user],
      ['pwd', credentials.password],
    ];
  }
  if ('tokenHash' in credentials) {
    return [
      ['user', credentials.user],
      ['token_hash', credentials.tokenHash],
    ];
  }
  return [['token', credentials.token]];
}

/** The token hash the gateway accepts in place of the token: MD5, lower-case hex. */
export function tokenHash(token: string): string {
  return createHash('md5').update(token, 'utf8').digest('hex');
}

function contentValues(
  content: OutgoingMessage | ChannelContent,
): Record<ContentField, string | number | undefined> {
  const message = content as OutgoingMessage;
  return {
    text: message.text,
    buttonText: message.button?.text,
    buttonUrl: message.button?.url,
    imageUrl: message.imageUrl,
    audioUrl: message.audioUrl,
    waitSeconds: message.waitSeconds,
    retryIntervalSeconds: message.retryIntervalSeconds,
    attempts: message.attempts,
    voice: message.voice,
  };
}

function appendContent(
  params: WireParams,
  fields: Record<string, string>,
  channel: Channel,
  content: OutgoingMessage | ChannelContent,
  senders: Senders,
  prefix: '' | 'fallback.',
): void {
  const table = CHANNEL_TABLES[channel];
  if (table.sender) {
    const sender = content.from ?? senders[channel as keyof Senders];
    if (!sender) {
      throw new WebcomValidationError([
        {
          field: `${prefix}from`,
          messages: [`no sender: set it here or in the options' senders.${channel}`],
        },
      ]);
    }
    params.push([table.sender, sender]);
    fields[table.sender] = `${prefix}from`;
  }
  const values = contentValues(content);
  for (const [key, names] of Object.entries(table.content) as [ContentField, string[]][]) {
    const value = values[key];
    if (value === undefined || value === null) continue;
    for (const name of names) {
      params.push([name, String(value)]);
      fields[name] = `${prefix}${CONTENT_FIELDS[key]}`;
    }
  }
}

/**
 * The parameters of a send on `channel` (docs/protocol.md §2, decisions D1–D9), recipients apart.
 * Expects a message that passed its DTO's validation (recipients already normalised);
 * resolves senders from `senders`.
 */
export function encodeSend(
  channel: Channel,
  message: OutgoingMessage,
  senders: Senders = {},
): WireSend {
  const table = CHANNEL_TABLES[channel];
  const typeSend = channel === 'voice' && message.ivr ? VOICE_IVR_TYPE : table.typeSend;
  const params: WireParams = [['type_send_1', typeSend]];
  const fields: Record<string, string> = {};
  appendContent(params, fields, channel, message, senders, '');
  // `null` is "not given", as `@IsOptional()` lets it through: it must not go out as "null".
  if (table.validity && message.validUntil !== undefined && message.validUntil !== null) {
    params.push([table.validity, toWireDate(message.validUntil)]);
  }
  const fallback = message.fallback;
  if (fallback) {
    params.push(['type_send_2', fallback.channel]);
    // A fallback on the primary's own channel re-sends the primary's content.
    if (fallback.channel !== channel) {
      appendContent(params, fields, fallback.channel, fallback, senders, 'fallback.');
      const fallbackValidity = CHANNEL_TABLES[fallback.channel].validity;
      if (fallbackValidity && fallbackValidity !== table.validity && message.validUntil) {
        params.push([fallbackValidity, toWireDate(message.validUntil)]);
      }
    }
  }
  return {
    params,
    recipientParams: table.recipients,
    // The DTO has already turned each number into international digits, so a number typed
    // twice in different ways is the same string here: it is sent (and billed) once.
    recipients: [...new Set(Array.isArray(message.to) ? message.to : [message.to])],
    fields,
  };
}

/** D3: the vendor names the status id three ways; all three carry it. */
export function encodeStatus(id: string): WireParams {
  return [
    ['msgid', id],
    ['id_sms', id],
    ['smsid', id],
  ];
}

export function encodeBalance(): WireParams {
  return [['balance', '1']];
}

export interface Registration {
  type: 'legal' | 'entrepreneur' | 'individual';
  login: string;
  password: string;
  name: string;
  city: string;
  phone: string;
  email: string;
  inn?: string;
  legalAddress?: string;
  companyName?: string;
  ogrnip?: string;
  actualAddress?: string;
}

/** docs/protocol.md §4. `individualCode` is D5's code for individuals. */
export function encodeRegistration(registration: Registration, individualCode: string): WireParams {
  const businessman =
    registration.type === 'individual' ? individualCode : BUSINESSMAN_CODES[registration.type];
  const params: WireParams = [
    ['registration', '1'],
    ['businessman', businessman],
    ['login', registration.login],
    ['password', registration.password],
    ['name', registration.name],
    ['city', registration.city],
    ['phone', registration.phone],
    ['e_mail', registration.email],
  ];
  const optional: [string, string | undefined][] = [
    ['inn', registration.inn],
    ['juridical_address', registration.legalAddress],
    ['company_name', registration.companyName],
    ['ogrnip', registration.ogrnip],
    ['address_facto', registration.actualAddress],
  ];
  for (const [name, value] of optional) if (value !== undefined) params.push([name, value]);
  return params;
}
