/**
 * One wire table row per channel (docs/protocol.md §2): the only description of a channel. Its
 * parameters, its content kind, its sender parameter, its fallbacks; `Channel`, every list of
 * channels (senders, content, cascade) and the OpenAPI enums derive from the rows. Adding a
 * channel is a row here, then what the compiler asks for: its line in `lib/channel-registry.ts`
 * (with its DTO), its `WebcomService` method, its emulator rule (CONTRIBUTING.md, "Adding a
 * channel"). This file stays pure: no DTO class, no Nest.
 */

/**
 * What a channel carries: `text` (text only, as an SMS), `rich` (text, button and image in the
 * four allowed combinations), `voice` (text to speak or audio to play), `none` (a flashcall).
 */
export type ContentKind = 'text' | 'rich' | 'voice' | 'none';

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
  /** The value of `type_send_1` (or `type_send_2`, as a fallback). */
  typeSend: string;
  /** What the channel carries; `text` and `rich` content may stand as a fallback's. */
  kind: ContentKind;
  /** The parameter of the sender name; none for a channel without a sender. */
  sender?: string;
  /** Which parameters carry each piece of content. */
  content: Partial<Record<ContentField, readonly string[]>>;
  /** The parameter of the validity period. */
  validity?: string;
  /** The channels the gateway may fall back to (`type_send_2`). */
  fallbacks: readonly string[];
  /** The parameters that carry the recipient list. */
  recipients: readonly string[];
  /** True when a cascade's primary may be on it (vendor §1.5). */
  cascade?: true;
}

const richTable = <C extends string, const F extends readonly string[]>(
  channel: C,
  sender: string,
  validity: string,
  fallbacks: F,
) => ({
  typeSend: channel,
  kind: 'rich' as const,
  sender,
  content: {
    text: [`text_${channel}`],
    buttonText: [`button_${channel}`],
    buttonUrl: [`action_${channel}`],
    imageUrl: [`image_${channel}`],
  },
  validity,
  fallbacks,
  recipients: ['dadr'],
});

/** The rows with their literal types, from which the types below read. */
const WIRE_TABLES = {
  // D6: type_send_1=sms is sent although the vendor's example omits it.
  sms: {
    typeSend: 'sms',
    kind: 'text',
    sender: 'sadr',
    content: { text: ['text'] },
    validity: 'validity_period',
    fallbacks: ['sms', 'viber'],
    recipients: ['dadr'],
    cascade: true,
  },
  viber: {
    ...richTable('viber', 'sender_viber', 'validity_period', ['viber', 'sms']),
    cascade: true,
  },
  // D4: lower-case name_clients_…, as in the vendor's URLs. D7: action_telegram.
  telegram: richTable('telegram', 'name_clients_telegram', 'validity_period_telegram', [
    'telegram',
    'sms',
  ]),
  whatsapp: richTable('whatsapp', 'name_clients_whatsapp', 'validity_period_whatsapp', [
    'whatsapp',
    'sms',
  ]),
  voice: {
    typeSend: 'voice',
    kind: 'voice',
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
  flashcall: {
    typeSend: 'flashcall',
    kind: 'none',
    content: {},
    fallbacks: [],
    recipients: ['dadr'],
  },
} as const satisfies Record<string, ChannelWireTable>;

type Rows = typeof WIRE_TABLES;

/**
 * What a row says of its channel: its content kind; `content` for text and rich content (which
 * may stand as a fallback or a cascade's primary); `sender` when it has a sender name;
 * `cascade` when a cascade's primary may be on it.
 */
export type ChannelTrait = ContentKind | 'content' | 'sender' | 'cascade';

/** The traits of row `R`, as `ChannelTrait` describes them. */
type TraitsOf<R extends ChannelWireTable> =
  | R['kind']
  | (R['kind'] extends 'text' | 'rich' ? 'content' : never)
  | (R extends { sender: string } ? 'sender' : never)
  | (R extends { cascade: true } ? 'cascade' : never);

/**
 * A channel of the wire tables; `Channel<T>`, a channel with any of the traits `T`:
 * `Channel<'sender'>` has a sender name (the keys of `senders`), `Channel<'content'>` content
 * that may stand as a fallback's, `Channel<'rich'>` text, button and image, `Channel<'cascade'>`
 * may be a cascade's primary.
 */
export type Channel<T extends ChannelTrait = ChannelTrait> = {
  [C in keyof Rows]: T extends TraitsOf<Rows[C]> ? C : never;
}[keyof Rows];

/** @deprecated Use `Channel<'rich'>`. */
export type RichChannel = Channel<'rich'>;
/** @deprecated Use `Channel<'sender'>`. */
export type SenderChannel = Channel<'sender'>;
/** @deprecated Use `Channel<'content'>`. */
export type ContentChannel = Channel<'content'>;

/** The rows by channel; every fallback a row names is a channel of content of its own. */
export const CHANNEL_TABLES: {
  readonly [C in Channel]: ChannelWireTable & { fallbacks: readonly Channel<'content'>[] };
} = WIRE_TABLES;

/** The channels a message on `C` may fall back to, as its wire table's `fallbacks` lists them. */
export type FallbackChannel<C extends Channel> = Rows[C]['fallbacks'][number];

/** Every channel, in the order of the tables above. */
export const CHANNELS = Object.keys(CHANNEL_TABLES) as Channel[];

function hasTrait(table: ChannelWireTable, trait: ChannelTrait): boolean {
  switch (trait) {
    case 'content':
      return table.kind === 'text' || table.kind === 'rich';
    case 'sender':
      return table.sender !== undefined;
    case 'cascade':
      return table.cascade === true;
    default:
      return table.kind === trait;
  }
}

/** The channels with any of `traits`, in the order of the tables: `Channel<T>` as a list. */
export function channelsWith<T extends ChannelTrait>(...traits: T[]): readonly Channel<T>[] {
  return CHANNELS.filter((channel) =>
    traits.some((trait) => hasTrait(CHANNEL_TABLES[channel], trait)),
  ) as Channel<T>[];
}

/** The channels with a sender name, the keys of the `senders` option. */
export const SENDER_CHANNELS = channelsWith('sender');

/** The channels whose content may stand as a fallback's or a cascade primary's. */
export const CONTENT_CHANNELS = channelsWith('content');

/** The channels a cascade's primary (and so its fallback) may be on. */
export const CASCADE_CHANNELS = channelsWith('cascade');

/** The values `type_send_1` takes: the channels' own, and the voice channel's IVR form. */
export type TypeSend = Rows[Channel]['typeSend'] | typeof VOICE_IVR_TYPE;

export const VOICE_IVR_TYPE = 'voice_ivr' as const;

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
