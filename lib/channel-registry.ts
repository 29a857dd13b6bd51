import type { ClassConstructor } from 'class-transformer';
import {
  SendCascadeDto,
  SendFlashcallDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
  SendWhatsappDto,
} from './dto/send.dto.js';
import { WebcomValidationError } from './errors/webcom-errors.js';
import { CHANNEL_TABLES, type Channel, type ChannelWireTable } from './protocol/channels.js';
import { cascadeAsSend, type OutgoingMessage } from './protocol/messages.js';

export type { Channel } from './protocol/channels.js';

/** One kind of send: the DTO it takes, the service method that sends it, and its wire form. */
interface SendKindEntry<D extends object> {
  dto: ClassConstructor<D>;
  /** The `WebcomService` method that sends it; the name `WebcomTestingModule` records. */
  method: `send${string}`;
  /** The channel's wire table (docs/protocol.md §2); none for a cascade, which picks one. */
  wire?: ChannelWireTable;
  /** The channel and message the gateway sees for a validated DTO. */
  asSend(dto: D): [Channel, OutgoingMessage];
}

function channel<C extends Channel, D extends OutgoingMessage, M extends `send${string}`>(
  name: C,
  dto: ClassConstructor<D>,
  method: M,
) {
  return {
    dto,
    method,
    wire: CHANNEL_TABLES[name],
    asSend: (message: D): [Channel, OutgoingMessage] => [name, message],
  } satisfies SendKindEntry<D>;
}

/**
 * Every kind of send, one entry each: the single list the service, the queue, the testing module
 * and every allowed-channel list derive from. A new channel is an entry here, its wire table in
 * `lib/protocol/channels.ts`, its DTO in `lib/dto/send.dto.ts`, and its emulator rule in
 * `lib/testing/fake/send-rules.ts`; the compiler asks for each.
 */
export const CHANNEL_REGISTRY = {
  sms: channel('sms', SendSmsDto, 'sendSms'),
  viber: channel('viber', SendViberDto, 'sendViber'),
  voice: channel('voice', SendVoiceDto, 'sendVoice'),
  flashcall: channel('flashcall', SendFlashcallDto, 'sendFlashcall'),
  telegram: channel('telegram', SendTelegramDto, 'sendTelegram'),
  whatsapp: channel('whatsapp', SendWhatsappDto, 'sendWhatsapp'),
  /** The primary channel's content, falling back to the other channel's (docs/protocol.md §2, cascade). */
  cascade: {
    dto: SendCascadeDto,
    method: 'sendCascade' as const,
    asSend: (cascade: SendCascadeDto) => cascadeAsSend(cascade),
  },
} satisfies { [C in Channel]: SendKindEntry<OutgoingMessage> & { wire: ChannelWireTable } } & {
  cascade: SendKindEntry<SendCascadeDto>;
};

type Registry = typeof CHANNEL_REGISTRY;

/** What `send(kind, dto)` accepts: a channel, or `cascade`. */
export type SendKind = keyof Registry;

/** The DTO a kind of send takes. */
export type DtoOf<K extends SendKind> = InstanceType<Registry[K]['dto']>;

/** The per-channel methods of `WebcomService`, as the registry names them. */
export type SendMethod = Registry[SendKind]['method'];

/** Every kind of send, in the registry's order. */
export const SEND_KINDS = Object.keys(CHANNEL_REGISTRY) as SendKind[];

interface AnyEntry {
  dto: ClassConstructor<object>;
  method: SendMethod;
  asSend(dto: object): [Channel, OutgoingMessage];
}

/** The registry's entry of `kind`; a `WebcomValidationError` on `channel` when there is none. */
export function sendKindEntry(kind: unknown): AnyEntry {
  if (typeof kind === 'string' && Object.hasOwn(CHANNEL_REGISTRY, kind)) {
    return CHANNEL_REGISTRY[kind as SendKind];
  }
  throw new WebcomValidationError([
    { field: 'channel', messages: [`must be one of ${SEND_KINDS.join(', ')}`] },
  ]);
}
