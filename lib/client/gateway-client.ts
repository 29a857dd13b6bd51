import { maskingEchoes, SecretRedactor } from '../errors/redaction.js';
import { WebcomPartialSendError, type WebcomError } from '../errors/webcom-errors.js';
import type { Channel } from '../protocol/channels.js';
import { decodeBalance, decodeSend, decodeStatus, matchRecipients } from '../protocol/decode.js';
import {
  credentialParams,
  encodeBalance,
  encodeRegistration,
  encodeStatus,
  REGISTRATION_PATH,
  SEND_PATH,
  type Registration,
  type WireParams,
} from '../protocol/encode.js';
import { messageTexts, type OutgoingMessage } from '../protocol/messages.js';
import { encodeQuery, type SendRequestPlan } from '../protocol/query.js';
import { planSend } from '../protocol/send-requests.js';
import type { Balance, MessageStatus, SendResult } from '../protocol/results.js';
import {
  gatewayRefusal,
  type GatewayResponse,
  type GatewayTransport,
  type RetryHooks,
} from '../transport/gateway-transport.js';
import type { TelemetryScope, WebcomTelemetry } from '../telemetry/webcom-telemetry.js';
import { mapConcurrently } from '../util/map-concurrently.js';
import { ShutdownSignal } from '../util/shutdown-signal.js';
import type { ResolvedWebcomOptions } from '../webcom-options.js';
import type { WebcomEventStream } from './event-stream.js';

/** The secrets of an account's credentials: what every text from outside is scrubbed of. */
export function credentialSecrets(options: ResolvedWebcomOptions): string[] {
  return Object.entries(options.credentials)
    .filter(([key]) => key !== 'user')
    .map(([, value]) => value);
}

/**
 * Every call an account makes to the gateway goes through here, and only here: encode → transport
 * → decode. A send (validated by `WebcomService`) is split over as many requests as
 * `maxUrlLength` needs, run `concurrency` at a time, and merged in order; each request that went
 * through emits `sent`, each that failed emits `failed` with its recipients.
 */
export class WebcomGatewayClient {
  /**
   * Closed by the service's first shutdown hook (and by `close()`): a call begun after it is
   * refused before anything goes out, while the requests of a call already under way go on; the
   * account's waits for a status listen to it to end at once.
   */
  readonly shutdown = new ShutdownSignal();
  private readonly redactor: SecretRedactor;
  private readonly sendUrl: string;
  private readonly registrationUrl: string;
  private readonly credentialQuery: string;

  constructor(
    /** The account's options, which `WebcomService` validates against too. */
    readonly options: ResolvedWebcomOptions,
    private readonly transport: GatewayTransport,
    private readonly events: WebcomEventStream,
    /** Spans and metrics of every call, named after the account. */
    private readonly telemetry: WebcomTelemetry,
  ) {
    this.redactor = new SecretRedactor(credentialSecrets(options));
    this.sendUrl = `${options.baseUrl}/${SEND_PATH}`;
    this.registrationUrl = `${options.baseUrl}/${REGISTRATION_PATH}`;
    this.credentialQuery = encodeQuery(credentialParams(options.credentials));
  }

  /**
   * Sends a validated message on `channel`. The failure of a request is reported with its
   * recipients here; any other failure is left to the caller's `WebcomEventStream.reporting`.
   */
  async send(channel: Channel, message: OutgoingMessage): Promise<SendResult> {
    this.shutdown.throwIfClosed();
    // Unless texts may be in events, a refusal echoing them is scrubbed while the send runs, so
    // that no error, `failed` event or log line of its requests carries them.
    if (this.options.includeTextInEvents) return this.sendUnmasked(channel, message);
    return maskingEchoes(messageTexts(message), '[TEXT]', () =>
      this.sendUnmasked(channel, message),
    );
  }

  private async sendUnmasked(channel: Channel, message: OutgoingMessage): Promise<SendResult> {
    const plans = this.plan(channel, message);
    const recipients = plans.reduce((count, plan) => count + plan.recipients.length, 0);
    return this.telemetry.operation({ operation: 'send', channel, recipients }, async (call) => {
      const outcomes = await mapConcurrently(plans, this.options.concurrency, (plan, index) =>
        call.request(
          { index, count: plans.length, recipients: plan.recipients.length },
          (request) => this.sendPart(channel, message, plan, request),
        ),
      );
      return this.merge(channel, plans, outcomes);
    });
  }

  /** One status read; `hooks` take part in its retries (the account's budget). */
  async status(id: string, hooks?: RetryHooks): Promise<MessageStatus> {
    // A call refused at shutdown never reaches the gateway: no span, as for invalid input.
    this.shutdown.throwIfClosed();
    return await this.telemetry.operation({ operation: 'status' }, async (call) => {
      const response = await this.read(encodeStatus(id), call, hooks);
      const status = decodeStatus(id, response.body);
      if (!status) throw this.refusal(response);
      return status;
    });
  }

  async balance(): Promise<Balance> {
    this.shutdown.throwIfClosed();
    return await this.telemetry.operation({ operation: 'balance' }, async (call) => {
      const response = await this.read(encodeBalance(), call);
      const balance = decodeBalance(response.body);
      if (!balance) throw this.refusal(response);
      this.telemetry.balanceSeen(balance.balance);
      return balance;
    });
  }

  /** The registration page's answer as it came (docs/protocol.md §4); sent at most once. */
  async register(registration: Registration): Promise<GatewayResponse> {
    this.shutdown.throwIfClosed();
    const query = encodeQuery(encodeRegistration(registration, this.options.individualCode));
    return await this.telemetry.operation({ operation: 'register' }, async (call) => {
      const response = await this.transport.get(`${this.registrationUrl}?${query}`, 'send');
      call.answered(response.status);
      return response;
    });
  }

  /**
   * Refuses every later call and ends pending waits at once; the transport refuses further
   * requests, and those on the wire finish within their deadline.
   */
  close(): void {
    this.shutdown.close();
    this.telemetry.close();
    void this.transport.close();
  }

  /** The shared planner spreads the recipients over requests short enough to send. */
  private plan(channel: Channel, message: OutgoingMessage): SendRequestPlan[] {
    return planSend(channel, message, {
      senders: this.options.senders,
      urlPrefix: this.sendUrl,
      leadingQuery: this.credentialQuery,
      maxUrlLength: this.options.maxUrlLength,
    });
  }

  private async sendPart(
    channel: Channel,
    message: OutgoingMessage,
    plan: SendRequestPlan,
    request: TelemetryScope,
  ): Promise<SendResult> {
    const response = await this.transport.get(`${this.sendUrl}?${plan.query}`, 'send');
    request.answered(response.status);
    const answer = decodeSend(response.body);
    if (!answer) throw this.refusal(response);
    const result = matchRecipients(answer, plan.recipients);
    if (result.balance !== undefined) this.telemetry.balanceSeen(result.balance);
    this.events.emit({
      type: 'sent',
      channel,
      recipients: plan.recipients.length,
      // Ids and prices only: the event stream carries no phone numbers.
      messages: answer.messages,
      ...(result.balance === undefined ? {} : { balance: result.balance }),
      ...(this.options.includeTextInEvents && message.text ? { text: message.text } : {}),
    });
    return result;
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
        this.events.report('send', error, channel, plans[index].recipients.length);
        failed.push({ to: plans[index].recipients, error });
      }
    });
    if (failed.length === 0) return sent;
    throw this.events.reportedAlready(
      plans.length === 1 ? failed[0].error : new WebcomPartialSendError(sent, failed),
    );
  }

  private async read(
    params: WireParams,
    call: TelemetryScope,
    hooks?: RetryHooks,
  ): Promise<GatewayResponse> {
    const query = `${this.credentialQuery}&${encodeQuery(params)}`;
    const response = await this.transport.get(`${this.sendUrl}?${query}`, 'read', hooks);
    call.answered(response.status);
    return response;
  }

  private refusal(response: GatewayResponse) {
    return gatewayRefusal(response, this.redactor);
  }
}
