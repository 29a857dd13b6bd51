/**
 * One wire table per channel (docs/protocol.md §2): which parameter carries each piece of content.
 * The encoder is generic over these tables. A new channel is a row here, plus its entry in
 * `lib/channel-registry.ts` (DTO class, service method), its DTO, and its emulator rule in
 * `lib/testing/fake/send-rules.ts`. This file stays pure: no DTO class, no Nest.
 */
export type Channel = 'sms' | 'viber' | 'voice' | 'flashcall' | 'telegram' | 'whatsapp';

/** Channels whose content is text, button and image in the four allowed combinations. */
export type RichChannel = 'viber' | 'telegram' | 'whatsapp';

/** Channels with a sender name, the keys of the `senders` option. */
export type SenderChannel = Exclude<Channel, 'flashcall'>;
export const SENDER_CHANNELS: readonly SenderChannel[] = [
  'sms',
  'viber',
  'voice',
  'telegram',
  'whatsapp',
];

/** Channels a message can be sent or cascaded on as content of its own. */
export type ContentChannel = 'sms' | RichChannel;

/** The content channels as a list, for the `channel` of a fallback or a cascade's primary. */
export const CONTENT_CHANNELS: readonly ContentChannel[] = Object.keys({
  sms: true,
  viber: true,
  telegram: true,
  whatsapp: true,
} satisfies Record<ContentChannel, true>) as ContentChannel[];

/** The pieces of content a message can carry, flattened. */
export type ContentField =
  | 'text'
  | 'buttonText'
  | 'buttonUrl'
  | 'imageUrl'
  | 'audioUrl'
  | 'waitSeconds'
  | 'retryIntervalSeconds'
  | 'attempts'
  | 'voice';

export interface ChannelWireTable {
  typeSend: string;
  sender?: string;
  content: Partial<Record<ContentField, readonly string[]>>;
  validity?: string;
  /** The channels the gateway may fall back to (`type_send_2`). */
  fallbacks: readonly ContentChannel[];
  /** The parameters that carry the recipient list. */
  recipients: readonly string[];
}

const richTable = <C extends RichChannel>(
  channel: C,
  sender: string,
  validity: string,
): ChannelWireTable & { fallbacks: readonly [NoInfer<C>, 'sms'] } => ({
  typeSend: channel,
  sender,
  content: {
    text: [`text_${channel}`],
    buttonText: [`button_${channel}`],
    buttonUrl: [`action_${channel}`],
    imageUrl: [`image_${channel}`],
  },
  validity,
  fallbacks: [channel, 'sms'],
  recipients: ['dadr'],
});

/** The tables with their literal types, from which `FallbackChannel` reads the fallbacks. */
const WIRE_TABLES = {
  // D6: type_send_1=sms is sent although the vendor's example omits it.
  sms: {
    typeSend: 'sms',
    sender: 'sadr',
    content: { text: ['text'] },
    validity: 'validity_period',
    fallbacks: ['sms', 'viber'],
    recipients: ['dadr'],
  },
  viber: richTable('viber', 'sender_viber', 'validity_period'),
  // D4: lower-case name_clients_…, as in the vendor's URLs. D7: action_telegram.
  telegram: richTable('telegram', 'name_clients_telegram', 'validity_period_telegram'),
  whatsapp: richTable('whatsapp', 'name_clients_whatsapp', 'validity_period_whatsapp'),
  voice: {
    typeSend: 'voice',
    sender: 'name_clients_voice',
    content: {
      text: ['text_voice'],
      audioUrl: ['action_voice'],
      waitSeconds: ['waiting_voice'],
      // D2: the table says interval_voice, the example winterval_voice: both carry the value.
      retryIntervalSeconds: ['interval_voice', 'winterval_voice'],
      attempts: ['dial_voice'],
      voice: ['gender_voice'],
    },
    fallbacks: ['viber', 'sms'],
    // D1: the voice example names the recipient addr, everything else dadr: send both.
    recipients: ['dadr', 'addr'],
  },
  flashcall: { typeSend: 'flashcall', content: {}, fallbacks: [], recipients: ['dadr'] },
} satisfies Record<Channel, ChannelWireTable>;

export const CHANNEL_TABLES: Readonly<Record<Channel, ChannelWireTable>> = WIRE_TABLES;

/** The channels a message on `C` may fall back to, as its wire table's `fallbacks` lists them. */
export type FallbackChannel<C extends Channel> = (typeof WIRE_TABLES)[C]['fallbacks'][number];

/** Every channel, in the order of the tables above. */
export const CHANNELS = Object.keys(CHANNEL_TABLES) as Channel[];

export const VOICE_IVR_TYPE = 'voice_ivr';

/** D5: the vendor lists `le` for individuals too; `fl` is ours, overridable in the options. */
export const WEBCOM_INDIVIDUAL_CODE = 'fl';

export const BUSINESSMAN_CODES = { legal: 'le', entrepreneur: 'ip' } as const;

/** States after which a message's status never changes (docs/protocol.md §3). */
export const FINAL_STATES: ReadonlySet<string> = new Set([
  'read',
  'not_deliver',
  'expired',
  'partly_deliver',
]);

/** `deliver` or a final state: the outcome is known, though a messenger may still report `read`. */
export const SETTLED_STATES: ReadonlySet<string> = new Set(['deliver', ...FINAL_STATES]);

export const DELIVERY_STATES: ReadonlySet<string> = new Set(['send', 'deliver', ...FINAL_STATES]);
