import type { OnModuleDestroy } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { Subject, type Observable } from 'rxjs';
import { RegisterDto } from '../dto/register.dto.js';
import {
  SendCascadeDto,
  SendFlashcallDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
  SendWhatsappDto,
} from '../dto/send.dto.js';
import { validateDto } from '../dto/validate.js';
import {
  WebcomTransportError,
  WebcomValidationError,
  WebcomError,
} from '../errors/webcom-errors.js';
import type { WebcomEvent, WebcomOperation } from '../events.js';
import { CHANNEL_TABLES, type Channel } from '../protocol/channels.js';
import { encodeSend } from '../protocol/encode.js';
import type { OutgoingMessage, Senders } from '../protocol/messages.js';
import type {
  Balance,
  DeliveryState,
  MessageStatus,
  RegistrationResult,
  SendResult,
} from '../protocol/results.js';
import { assertMessageId, assertSmsParts } from '../dto/checks.js';
import {
  getStatuses,
  trackDelivery,
  waitForFinalStatus,
  type TrackOptions,
} from '../tracking/delivery-tracking.js';
import type { ResolvedWebcomOptions } from '../webcom-options.js';
import type { WebcomService } from '../webcom.service.js';
import type { SimulatedGateway } from './simulated-gateway.js';
import type {
  WebcomCallRecord,
  WebcomMethod,
  WebcomSendDto,
  WebcomSendMethod,
} from './webcom-testing.types.js';

/** Every public member of `WebcomService`: the stand-in must offer each, with its signature. */
type WebcomServiceSurface = Pick<WebcomService, keyof WebcomService>;

/**
 * What `WebcomTestingModule` provides in place of `WebcomService`: the same methods, the same
 * validation (a call the real service would refuse is refused with the same
 * `WebcomValidationError`), the same `events$`, and a simulated gateway instead of the network.
 */
export class WebcomTestingService implements WebcomServiceSurface, OnModuleDestroy {
  private readonly events = new Subject<WebcomEvent>();
  private readonly lastStates = new Map<string, DeliveryState>();

  readonly events$: Observable<WebcomEvent> = this.events.asObservable();

  constructor(
    private readonly gateway: SimulatedGateway,
    private readonly options: ResolvedWebcomOptions,
  ) {}

  sendSms(dto: SendSmsDto): Promise<SendResult> {
    return this.send('sendSms', 'sms', SendSmsDto, dto);
  }

  sendViber(dto: SendViberDto): Promise<SendResult> {
    return this.send('sendViber', 'viber', SendViberDto, dto);
  }

  sendVoice(dto: SendVoiceDto): Promise<SendResult> {
    return this.send('sendVoice', 'voice', SendVoiceDto, dto);
  }

  sendFlashcall(dto: SendFlashcallDto): Promise<SendResult> {
    return this.send('sendFlashcall', 'flashcall', SendFlashcallDto, dto);
  }

  sendTelegram(dto: SendTelegramDto): Promise<SendResult> {
    return this.send('sendTelegram', 'telegram', SendTelegramDto, dto);
  }

  sendWhatsapp(dto: SendWhatsappDto): Promise<SendResult> {
    return this.send('sendWhatsapp', 'whatsapp', SendWhatsappDto, dto);
  }

  sendCascade(dto: SendCascadeDto): Promise<SendResult> {
    return this.record({ method: 'sendCascade', argument: dto }, async () => {
      const cascade = this.validate('send', SendCascadeDto, dto);
      const { channel, ...content } = cascade.primary;
      const message: OutgoingMessage = {
        ...content,
        to: cascade.to,
        validUntil: cascade.validUntil,
        fallback: cascade.fallback,
      };
      return this.dispatch('sendCascade', channel, message, cascade);
    });
  }

  getStatus(id: string): Promise<MessageStatus> {
    return this.record({ method: 'getStatus', argument: id }, async () => {
      try {
        assertMessageId(id);
      } catch (error) {
        throw this.failed('status', error as WebcomValidationError);
      }
      const status = this.answer('getStatus', 'status', () => this.gateway.status(id));
      this.noteState(status);
      return status;
    });
  }

  getStatuses(ids: readonly string[]): Promise<MessageStatus[]> {
    return getStatuses((id) => this.getStatus(id), ids, this.options.concurrency);
  }

  waitForFinalStatus(id: string, options?: TrackOptions): Promise<MessageStatus> {
    return waitForFinalStatus((read) => this.getStatus(read), id, options);
  }

  trackDelivery(ids: readonly string[], options?: TrackOptions): Observable<MessageStatus> {
    return trackDelivery((id) => this.getStatus(id), ids, {
      concurrency: this.options.concurrency,
      ...options,
    });
  }

  getBalance(): Promise<Balance> {
    return this.record({ method: 'getBalance' }, async () =>
      this.answer('getBalance', 'balance', () => this.gateway.readBalance()),
    );
  }

  register(dto: RegisterDto): Promise<RegistrationResult> {
    return this.record({ method: 'register', argument: dto }, async () => {
      this.validate('register', RegisterDto, dto);
      return this.answer('register', 'register', () => this.gateway.register());
    });
  }

  onModuleDestroy(): void {
    this.events.complete();
  }

  private send<T extends OutgoingMessage & WebcomSendDto>(
    method: WebcomSendMethod,
    channel: Channel,
    dtoClass: ClassConstructor<T>,
    dto: T,
  ): Promise<SendResult> {
    return this.record({ method, argument: dto }, async () => {
      const message = this.validate('send', dtoClass, dto, channel);
      return this.dispatch(method, channel, message, message);
    });
  }

  private validate<T extends object>(
    operation: WebcomOperation,
    dtoClass: ClassConstructor<T>,
    dto: unknown,
    channel?: Channel,
  ): T {
    try {
      return validateDto(dtoClass, dto);
    } catch (error) {
      throw this.failed(operation, error as WebcomError, channel);
    }
  }

  /** The real service's checks after the DTO's (senders, SMS parts), then the simulation. */
  private dispatch(
    method: WebcomSendMethod,
    channel: Channel,
    message: OutgoingMessage,
    dto: WebcomSendDto,
  ): SendResult {
    let recipients: string[];
    try {
      assertSmsParts(channel, message, this.options.maxSmsSegments);
      recipients = encodeSend(channel, message, this.options.senders).recipients;
    } catch (error) {
      throw this.failed('send', error as WebcomError, channel);
    }
    const scripted = this.gateway.takeFailure(method);
    let result: SendResult;
    try {
      if (scripted) throw scripted;
      result = this.gateway.send(channel, message.ivr === true, recipients);
    } catch (error) {
      throw this.failed('send', error as Error, channel, recipients.length);
    }
    this.gateway.sent.push({
      method,
      channel,
      to: recipients,
      ...optional('from', senderOf(channel, message, this.options.senders)),
      ...optional('text', message.text),
      dto,
      result,
    });
    this.emit({
      type: 'sent',
      channel,
      recipients: recipients.length,
      messages: result.messages,
      ...optional('balance', result.balance),
      ...(this.options.includeTextInEvents ? optional('text', message.text) : {}),
    });
    return result;
  }

  /** A read or a registration: the scripted failure if one is due, else the simulation's answer. */
  private answer<R>(method: WebcomMethod, operation: WebcomOperation, simulate: () => R): R {
    try {
      const scripted = this.gateway.takeFailure(method);
      if (scripted) throw scripted;
      return simulate();
    } catch (error) {
      throw this.failed(operation, error as Error);
    }
  }

  /** Records the call before it runs, so `calls` keeps the order calls were made in. */
  private async record<R>(call: WebcomCallRecord, run: () => Promise<R>): Promise<R> {
    this.gateway.calls.push(call);
    try {
      call.result = await run();
      return call.result as R;
    } catch (error) {
      call.error = error as Error;
      throw error;
    }
  }

  /** Emits a status event when a message's state differs from the last one seen, as the real one. */
  private noteState(status: MessageStatus): void {
    const previous = this.lastStates.get(status.id);
    if (previous === status.state) return;
    this.lastStates.set(status.id, status.state);
    this.emit({
      type: 'status',
      id: status.id,
      state: status.state,
      ...optional('previous', previous),
      final: status.final,
    });
  }

  private failed<E extends Error>(
    operation: WebcomOperation,
    error: E,
    channel?: Channel,
    recipients?: number,
  ): E {
    this.emit({
      type: 'failed',
      operation,
      ...optional('channel', channel),
      ...optional('recipients', recipients),
      error: error.name,
      message: error.message,
      possiblyDelivered: error instanceof WebcomTransportError && error.possiblyDelivered,
    });
    return error;
  }

  private emit(event: WebcomEvent): void {
    this.events.next(event);
  }
}

function senderOf(channel: Channel, message: OutgoingMessage, senders: Senders) {
  if (!CHANNEL_TABLES[channel].sender) return undefined;
  return message.from ?? senders[channel as keyof Senders];
}

/** `{ [key]: value }`, or nothing when the value is undefined: records stay free of holes. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
