import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { Subject, type Observable } from 'rxjs';
import {
  getStatuses,
  trackDelivery,
  waitForFinalStatus,
  type TrackOptions,
} from './tracking/delivery-tracking.js';
import { refusingAfterShutdown, ShutdownSignal } from './util/shutdown-signal.js';
import { assertMessageId, assertSmsParts } from './dto/checks.js';
import { validateDto } from './dto/validate.js';
import { RegisterDto } from './dto/register.dto.js';
import {
  SendCascadeDto,
  SendFlashcallDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
  SendWhatsappDto,
} from './dto/send.dto.js';
import { SecretRedactor } from './errors/redaction.js';
import {
  WebcomError,
  WebcomPartialSendError,
  WebcomTransportError,
  WebcomValidationError,
} from './errors/webcom-errors.js';
import type { WebcomEvent, WebcomOperation } from './events.js';
import type { Channel } from './protocol/channels.js';
import { decodeBalance, decodeSend, decodeStatus } from './protocol/decode.js';
import {
  credentialParams,
  encodeBalance,
  encodeRegistration,
  encodeSend,
  encodeStatus,
  REGISTRATION_PATH,
  SEND_PATH,
  type WireParams,
} from './protocol/encode.js';
import { cascadeAsSend, type OutgoingMessage } from './protocol/messages.js';
import { encodeQuery, planSendRequests, type SendRequestPlan } from './protocol/query.js';
import type {
  Balance,
  DeliveryState,
  MessageStatus,
  RegistrationResult,
  SendResult,
} from './protocol/results.js';
import {
  gatewayRefusal,
  type GatewayResponse,
  type GatewayTransport,
} from './transport/gateway-transport.js';
import { HttpTransport } from './transport/http-transport.js';
import { mapConcurrently } from './util/map-concurrently.js';
import {
  resolveOptions,
  type ResolvedWebcomOptions,
  type WebcomModuleOptions,
} from './webcom-options.js';

/** How many message states the service remembers to report changes on `events$`. */
const REMEMBERED_STATES = 10_000;

/** Query parameters whose values are safe in a debug log: no secret, no text, no number. */
const LOGGABLE_PARAMS = new Set([
  'type_send_1',
  'type_send_2',
  'balance',
  'registration',
  'businessman',
]);

/**
 * The Webcom gateway as a Nest provider. Every method validates its argument itself (a plain
 * object is fine), so bad input never reaches the network.
 */
@Injectable()
export class WebcomService implements OnModuleDestroy {
  private readonly options: ResolvedWebcomOptions;
  private readonly transport: GatewayTransport;
  private readonly redactor: SecretRedactor;
  private readonly sendUrl: string;
  private readonly registrationUrl: string;
  private readonly credentialQuery: string;
  private readonly events = new Subject<WebcomEvent>();
  private readonly lastStates = new Map<string, DeliveryState>();
  private readonly logger: Logger;
  /** Closed by the first shutdown hook: refuses every later call and ends pending waits. */
  private readonly shutdown = new ShutdownSignal();

  /** What the service does, for metrics and audit logs: no secret, and no text by default. */
  readonly events$: Observable<WebcomEvent> = this.events.asObservable();

  /**
   * Built by `WebcomModule` (or `new` in a script); throws on invalid options. `transport`
   * replaces the network: `WebcomTestingModule` passes one that answers in memory.
   */
  constructor(options: WebcomModuleOptions, name?: string, transport?: GatewayTransport) {
    this.options = resolveOptions(options);
    this.logger = new Logger(name ? `WebcomService:${name}` : 'WebcomService');
    const credentials = this.options.credentials;
    const secrets = Object.entries(credentials)
      .filter(([key]) => key !== 'user')
      .map(([, value]) => value);
    this.redactor = new SecretRedactor(secrets);
    this.transport = refusingAfterShutdown(
      this.shutdown,
      transport ??
        new HttpTransport(
          {
            timeoutMs: this.options.timeoutMs,
            retries: this.options.retries,
            maxSockets: this.options.maxSockets,
            loggableParams: LOGGABLE_PARAMS,
          },
          this.redactor,
          this.logger,
        ),
    );
    this.sendUrl = `${this.options.baseUrl}/${SEND_PATH}`;
    this.registrationUrl = `${this.options.baseUrl}/${REGISTRATION_PATH}`;
    this.credentialQuery = encodeQuery(credentialParams(credentials));
  }

  sendSms(dto: SendSmsDto): Promise<SendResult> {
    return this.send('sms', SendSmsDto, dto);
  }

  sendViber(dto: SendViberDto): Promise<SendResult> {
    return this.send('viber', SendViberDto, dto);
  }

  sendVoice(dto: SendVoiceDto): Promise<SendResult> {
    return this.send('voice', SendVoiceDto, dto);
  }

  sendFlashcall(dto: SendFlashcallDto): Promise<SendResult> {
    return this.send('flashcall', SendFlashcallDto, dto);
  }

  sendTelegram(dto: SendTelegramDto): Promise<SendResult> {
    return this.send('telegram', SendTelegramDto, dto);
  }

  sendWhatsapp(dto: SendWhatsappDto): Promise<SendResult> {
    return this.send('whatsapp', SendWhatsappDto, dto);
  }

  /** The primary channel's content, falling back to the other channel's (PROTOCOL.md §1.5). */
  async sendCascade(dto: SendCascadeDto): Promise<SendResult> {
    const [channel, message] = cascadeAsSend(this.validate('send', SendCascadeDto, dto));
    return this.dispatch(channel, message);
  }

  async getStatus(id: string): Promise<MessageStatus> {
    try {
      assertMessageId(id);
    } catch (error) {
      throw this.failed('status', error as WebcomValidationError);
    }
    const response = await this.call('status', encodeStatus(id));
    const status = decodeStatus(id, response.body);
    if (!status) throw this.failed('status', this.refusal(response));
    this.noteState(status);
    return status;
  }

  /** Many statuses, at most `concurrency` reads at once, in the order of `ids`. */
  getStatuses(ids: readonly string[]): Promise<MessageStatus[]> {
    return getStatuses(this.readStatus, ids, this.options.concurrency);
  }

  /**
   * Polls with backoff until the message is settled (`until: 'read'`: final); rejects on
   * `timeoutMs`, and with `ESHUTDOWN` when the module shuts down first.
   */
  waitForFinalStatus(id: string, options?: TrackOptions): Promise<MessageStatus> {
    return waitForFinalStatus(this.readStatus, id, options, this.shutdown);
  }

  /**
   * Each change of each message's status, completing when all are settled (`until: 'read'`:
   * final); errors with `ESHUTDOWN` when the module shuts down first.
   */
  trackDelivery(ids: readonly string[], options?: TrackOptions): Observable<MessageStatus> {
    return trackDelivery(
      this.readStatus,
      ids,
      { concurrency: this.options.concurrency, ...options },
      this.shutdown,
    );
  }

  async getBalance(): Promise<Balance> {
    const response = await this.call('balance', encodeBalance());
    const balance = decodeBalance(response.body);
    if (!balance) throw this.failed('balance', this.refusal(response));
    return balance;
  }

  /** Opens an account (PROTOCOL.md §4). Not repeated unless it provably never left. */
  async register(dto: RegisterDto): Promise<RegistrationResult> {
    const registration = this.validate('register', RegisterDto, dto);
    const query = encodeQuery(encodeRegistration(registration, this.options.individualCode));
    try {
      return await this.transport.get(`${this.registrationUrl}?${query}`, 'send');
    } catch (error) {
      throw this.failed('register', error as WebcomError);
    }
  }

  private readonly readStatus = (id: string) => this.getStatus(id);

  onModuleDestroy(): void {
    // First: from here on nothing new goes out, and every wait ends now rather than polling on.
    this.shutdown.close();
    this.transport.close();
    this.events.complete();
  }

  private async send<T extends OutgoingMessage>(
    channel: Channel,
    dtoClass: ClassConstructor<T>,
    dto: T,
  ): Promise<SendResult> {
    return this.dispatch(channel, this.validate('send', dtoClass, dto, channel));
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

  /** Encodes, splits over as many requests as the URL limit needs, sends, merges in order. */
  private async dispatch(channel: Channel, message: OutgoingMessage): Promise<SendResult> {
    let plans: SendRequestPlan[];
    try {
      assertSmsParts(channel, message, this.options.maxSmsSegments);
      const wire = encodeSend(channel, message, this.options.senders);
      const leading = `${this.credentialQuery}&${encodeQuery(wire.params)}`;
      plans = planSendRequests(this.sendUrl, leading, wire, this.options.maxUrlLength);
    } catch (error) {
      throw this.failed('send', error as WebcomError, channel);
    }
    const outcomes = await mapConcurrently(plans, this.options.concurrency, async (plan) => {
      const response = await this.transport.get(`${this.sendUrl}?${plan.query}`, 'send');
      const result = decodeSend(response.body);
      if (!result) throw this.refusal(response);
      this.emit({
        type: 'sent',
        channel,
        recipients: plan.recipients.length,
        messages: result.messages,
        ...(result.balance === undefined ? {} : { balance: result.balance }),
        ...(this.options.includeTextInEvents && message.text ? { text: message.text } : {}),
      });
      return result;
    });
    return this.merge(channel, plans, outcomes);
  }

  private merge(
    channel: Channel,
    plans: SendRequestPlan[],
    outcomes: PromiseSettledResult<SendResult>[],
  ): SendResult {
    const sent: SendResult = { messages: [] };
    const failed: { to: string[]; error: WebcomError }[] = [];
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') {
        sent.messages.push(...outcome.value.messages);
        if (outcome.value.balance !== undefined) sent.balance = outcome.value.balance;
      } else {
        const error = outcome.reason as WebcomError;
        this.failed('send', error, channel, plans[index].recipients.length);
        failed.push({ to: plans[index].recipients, error });
      }
    });
    if (failed.length === 0) return sent;
    if (plans.length === 1) throw failed[0].error;
    throw new WebcomPartialSendError(sent, failed);
  }

  private async call(
    operation: 'status' | 'balance',
    params: WireParams,
  ): Promise<GatewayResponse> {
    const query = `${this.credentialQuery}&${encodeQuery(params)}`;
    try {
      return await this.transport.get(`${this.sendUrl}?${query}`, 'read');
    } catch (error) {
      throw this.failed(operation, error as WebcomError);
    }
  }

  /** Emits a status event when a message's state differs from the last one seen. */
  private noteState(status: MessageStatus): void {
    const previous = this.lastStates.get(status.id);
    if (previous === status.state) return;
    // Re-inserted so that the oldest entry is the least recently changed one.
    this.lastStates.delete(status.id);
    this.lastStates.set(status.id, status.state);
    if (this.lastStates.size > REMEMBERED_STATES) {
      this.lastStates.delete(this.lastStates.keys().next().value!);
    }
    this.emit({
      type: 'status',
      id: status.id,
      state: status.state,
      ...(previous ? { previous } : {}),
      final: status.final,
      settled: status.settled,
    });
  }

  private refusal(response: GatewayResponse) {
    return gatewayRefusal(response, this.redactor);
  }

  /** Reports a failure on the event stream and hands the error back to be thrown. */
  private failed<E extends WebcomError>(
    operation: WebcomOperation,
    error: E,
    channel?: Channel,
    recipients?: number,
  ): E {
    this.emit({
      type: 'failed',
      operation,
      ...(channel ? { channel } : {}),
      ...(recipients === undefined ? {} : { recipients }),
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
