import type { OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import {
  CHANNEL_REGISTRY,
  sendKindEntry,
  type DtoOf,
  type SendKind,
  type SendMethods,
} from './channel-registry.js';
import { createWebcomAccount, WebcomAccount } from './client/webcom-account.js';
import { assertMessageId, toMessageIds } from './dto/message-ids.js';
import { RegisterDto } from './dto/register.dto.js';
import type {
  SendCascadeDto,
  SendFlashcallDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
  SendWhatsappDto,
} from './dto/send.dto.js';
import type { CascadeOn } from './dto/channel-content.types.js';
import { assertWithinSmsParts } from './dto/sms-part-limit.js';
import { validateDto } from './dto/validate.js';
import type { WebcomEvent } from './events.js';
import type { Channel } from './protocol/channels.js';
import type { Balance, MessageStatus, RegistrationResult, SendResult } from './protocol/results.js';
import type { TrackOptions } from './tracking/track-options.js';
import type { WebcomModuleOptions } from './webcom-options.js';

/**
 * The Webcom gateway as a Nest provider: one account. Every method validates its argument itself
 * (a plain object is fine), so bad input never reaches the network; every failure is also
 * reported on `events$`. The work is done by the account's units (`WebcomModule` provides each
 * under `getWebcomProviderToken`); this class is their facade, and the one place a send or a
 * registration is validated: the units take validated values.
 */
export class WebcomService implements SendMethods, OnModuleDestroy, OnApplicationShutdown {
  private readonly account: WebcomAccount;

  /** What the service does, for metrics and audit logs: no secret, and no text by default. */
  readonly events$: Observable<WebcomEvent>;

  /** In a script: `new WebcomService(options, name?)`; throws on invalid options. */
  constructor(options: WebcomModuleOptions, name?: string);
  /** As `WebcomModule` builds it, from the account's providers. */
  constructor(account: WebcomAccount);
  constructor(source: WebcomModuleOptions | WebcomAccount, name?: string) {
    this.account = source instanceof WebcomAccount ? source : createWebcomAccount(source, name);
    this.events$ = this.account.events.events$;
  }

  /**
   * Sends `dto` on `channel` (or as a `cascade`): what the per-channel methods below do, typed by
   * the channel, e.g. `send('sms', { to, text })`.
   */
  send<C extends SendKind>(channel: C, dto: DtoOf<C>): Promise<SendResult> {
    const { account } = this;
    let wireChannel: Channel | undefined = channelOf(channel);
    return account.events.reporting(
      'send',
      async () => {
        const entry = sendKindEntry(channel);
        const [resolved, message] = entry.asSend(validateDto(entry.dto, dto));
        wireChannel = resolved;
        assertWithinSmsParts(resolved, message, account.gateway.options.maxSmsSegments);
        return account.gateway.send(resolved, message);
      },
      () => wireChannel,
    );
  }

  /** An SMS; `send('sms', dto)`. */
  sendSms(dto: SendSmsDto): Promise<SendResult> {
    return this.send('sms', dto);
  }

  /** A Viber message: text, button, image (docs/protocol.md §2); `send('viber', dto)`. */
  sendViber(dto: SendViberDto): Promise<SendResult> {
    return this.send('viber', dto);
  }

  /** A voice call reading a text or playing a recording; `send('voice', dto)`. */
  sendVoice(dto: SendVoiceDto): Promise<SendResult> {
    return this.send('voice', dto);
  }

  /** A flash call, whose caller's number carries a code; `send('flashcall', dto)`. */
  sendFlashcall(dto: SendFlashcallDto): Promise<SendResult> {
    return this.send('flashcall', dto);
  }

  /** A Telegram message; `send('telegram', dto)`. */
  sendTelegram(dto: SendTelegramDto): Promise<SendResult> {
    return this.send('telegram', dto);
  }

  /** A WhatsApp message; `send('whatsapp', dto)`. */
  sendWhatsapp(dto: SendWhatsappDto): Promise<SendResult> {
    return this.send('whatsapp', dto);
  }

  /**
   * The primary channel's content, falling back to the other channel's (docs/protocol.md §2);
   * `send('cascade', dto)`. `P`, the primary's channel, types the fallback: a re-send on `P`, or
   * content of its own on the other channel.
   */
  sendCascade<P extends Channel<'cascade'>>(
    dto: SendCascadeDto & CascadeOn<P>,
  ): Promise<SendResult> {
    return this.send('cascade', dto);
  }

  /** The delivery state of message `id` (an id from `SendResult.messages`), read once. */
  getStatus(id: string): Promise<MessageStatus> {
    const refused = this.refusedIds(() => assertMessageId(id));
    return refused ? Promise.reject(refused) : this.account.statusReads.getStatus(id);
  }

  /**
   * Many statuses, at most `concurrency` reads at once, in the order of `ids`: one id or an array
   * of ids (a string is one id, never its characters); anything else is a WebcomValidationError.
   */
  getStatuses(ids: string | readonly string[]): Promise<MessageStatus[]> {
    let checked: string[] = [];
    const refused = this.refusedIds(() => (checked = toMessageIds(ids)));
    return refused ? Promise.reject(refused) : this.account.statusReads.getStatuses(checked);
  }

  /**
   * Polls with backoff until the message is settled (`until: 'read'`: final); rejects on
   * `timeoutMs`, and with `ESHUTDOWN` when the module shuts down first.
   */
  waitForFinalStatus(id: string, options?: TrackOptions): Promise<MessageStatus> {
    const refused = this.refusedIds(() => assertMessageId(id));
    return refused
      ? Promise.reject(refused)
      : this.account.statusReads.waitForFinalStatus(id, options);
  }

  /**
   * Each change of each message's status (one id or an array), completing when all are settled
   * (`until: 'read'`: final); errors with `ESHUTDOWN` when the module shuts down first.
   */
  trackDelivery(
    ids: string | readonly string[],
    options?: TrackOptions,
  ): Observable<MessageStatus> {
    let checked: string[] = [];
    const refused = this.refusedIds(() => (checked = toMessageIds(ids)));
    return refused
      ? throwError(() => refused)
      : this.account.statusReads.trackDelivery(checked, options);
  }

  /** The refusal of ids that `check` throws, reported as a failed status call; else undefined. */
  private refusedIds(check: () => void): Error | undefined {
    try {
      check();
      return undefined;
    } catch (error) {
      this.account.events.report('status', error);
      return error as Error;
    }
  }

  /** What is left on the account, and its currency when the gateway says. */
  getBalance(): Promise<Balance> {
    return this.account.events.reporting('balance', () => this.account.gateway.balance());
  }

  /**
   * Opens an account (docs/protocol.md §4). Not repeated unless it provably never left. Resolves
   * `accepted: false` with the page's message when the page refuses it (HTTP 4xx).
   */
  register(dto: RegisterDto): Promise<RegistrationResult> {
    const { account } = this;
    return account.events.reporting('register', () =>
      account.registration.register(validateDto(RegisterDto, dto)),
    );
  }

  /**
   * Nest's first shutdown hook: from here on the account refuses every new call (a
   * `WebcomTransportError` of code `ESHUTDOWN`, never sent), and every pending
   * `waitForFinalStatus` or `trackDelivery` ends now with that error. Calls already under way go
   * on until `onApplicationShutdown`.
   */
  onModuleDestroy(): void {
    this.account.gateway.shutdown.close();
  }

  /**
   * Nest's last shutdown hook: closes the HTTP connections and completes `events$`. It runs after
   * every module's `onModuleDestroy`, so whatever still sends then (the queue's jobs in flight)
   * finishes first, in any module order.
   */
  onApplicationShutdown(): void {
    this.account.gateway.close();
    this.account.events.complete();
  }
}

/** The channel a kind of send names before its DTO is read: none for a cascade. */
function channelOf(kind: unknown): Channel | undefined {
  if (typeof kind !== 'string' || kind === 'cascade' || !Object.hasOwn(CHANNEL_REGISTRY, kind)) {
    return undefined;
  }
  return kind as Channel;
}
