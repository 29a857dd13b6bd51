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
import type { SendResult } from './protocol/results.js';

export type { Channel } from './protocol/channels.js';

/** One kind of send: the DTO it takes and its wire form. */
interface SendKindEntry<D extends object> {
  dto: ClassConstructor<D>;
  /** The channel's wire table (docs/protocol.md §2); none for a cascade, which picks one. */
  wire?: ChannelWireTable;
  /** The channel and message the gateway sees for a validated DTO. */
  asSend(dto: D): [Channel, OutgoingMessage];
}

function channel<C extends Channel, D extends OutgoingMessage>(name: C, dto: ClassConstructor<D>) {
  return {
    dto,
    wire: CHANNEL_TABLES[name],
    asSend: (message: D): [Channel, OutgoingMessage] => [name, message],
  } satisfies SendKindEntry<D>;
}

/**
 * What the registry holds for channels `C`: a line per channel, and `cascade`. Generic so that a
 * type test can show the compiler refusing a registry that lacks a channel's line.
 */
export type ChannelRegistryShape<C extends string = Channel> = {
  [K in C]: SendKindEntry<OutgoingMessage> & { wire: ChannelWireTable };
} & { cascade: SendKindEntry<SendCascadeDto> };

/**
 * Every kind of send, one line each: the single list the service, the queue, the testing module
 * and the OpenAPI metadata derive from. A channel's row in `lib/protocol/channels.ts` without its
 * line here does not compile (CONTRIBUTING.md, "Adding a channel").
 */
export const CHANNEL_REGISTRY = {
  sms: channel('sms', SendSmsDto),
  viber: channel('viber', SendViberDto),
  voice: channel('voice', SendVoiceDto),
  flashcall: channel('flashcall', SendFlashcallDto),
  telegram: channel('telegram', SendTelegramDto),
  whatsapp: channel('whatsapp', SendWhatsappDto),
  /** The primary channel's content, falling back to the other channel's (docs/protocol.md §2, cascade). */
  cascade: {
    dto: SendCascadeDto,
    asSend: (cascade: SendCascadeDto) => cascadeAsSend(cascade),
  },
} satisfies ChannelRegistryShape;

type Registry = typeof CHANNEL_REGISTRY;

/** What `send(kind, dto)` accepts: a channel, or `cascade`. */
export type SendKind = keyof Registry;

/** The DTO a kind of send takes. */
export type DtoOf<K extends SendKind> = InstanceType<Registry[K]['dto']>;

/**
 * The per-kind methods of `WebcomService` (`sendSms`, …, `sendCascade`): `send` and the kind's
 * name. `WebcomService` implements `SendMethods`, so a registry line without its method does not
 * compile.
 */
export type SendMethods<K extends string = SendKind> = {
  [C in K as `send${Capitalize<C>}`]: (dto: never) => Promise<SendResult>;
};

/** The name of a per-kind method of `WebcomService`. */
export type SendMethod = keyof SendMethods;

/** Every kind of send, in the registry's order. */
export const SEND_KINDS = Object.keys(CHANNEL_REGISTRY) as SendKind[];

interface AnyEntry {
  dto: ClassConstructor<object>;
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
