import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CHANNEL_TABLES,
  VOICE_IVR_TYPE,
  type Channel,
  type TypeSend,
} from '../protocol/channels.js';
import { REGISTRATION_PATH } from '../protocol/encode.js';
import type { GatewayResponse, GatewayTransport } from '../transport/gateway-transport.js';
import { DEFAULT_BALANCE, DEFAULT_PRICES } from './fake-webcom-server.js';
import { formatPrice, roundMoney } from './fake/wire.js';
import type {
  FailNextOptions,
  StatusDetail,
  StatusStep,
  WebcomCallRecord,
  WebcomMethod,
  WebcomSendDto,
  WebcomSendMethod,
  WebcomSentRecord,
} from './webcom-testing.types.js';

/** The activation code every flashcall's status carries unless the test sets another. */
export const WEBCOM_TESTING_FLASHCALL_CODE = '1234';

export interface SimulationSettings {
  balance?: number;
  currency?: string;
  prices?: Partial<Record<TypeSend, number>>;
  statuses?: StatusStep[];
}

interface ScriptedFailure {
  error: Error;
  method?: WebcomMethod;
  remaining: number;
}

/**
 * The gateway as `WebcomTestingModule` simulates it, in memory and at the wire level: the
 * `GatewayTransport` the real `WebcomService` is built with. It reads the query the service
 * encoded and answers the bodies of docs/protocol.md §3 (balance, prices, message ids '1', '2', …,
 * statuses), or throws a scripted failure; the service decodes them as it decodes the real
 * gateway's. It also keeps the record of every call and of every send it accepted. One per account.
 */
export class SimulatedGateway implements GatewayTransport {
  readonly sent: WebcomSentRecord[] = [];
  readonly calls: WebcomCallRecord[] = [];
  balance = 0;
  currency: string | undefined;

  /** The call of `WebcomService` a request is made for, so failures and records can name it. */
  private readonly currentCall = new AsyncLocalStorage<WebcomCallRecord>();
  private readonly statuses = new Map<string, StatusDetail[]>();
  private readonly failures: ScriptedFailure[] = [];
  private readonly prices: Record<TypeSend, number>;
  private readonly defaultSteps: StatusDetail[];
  private nextMessageId = 1;

  constructor(private readonly settings: SimulationSettings) {
    this.prices = { ...DEFAULT_PRICES, ...settings.prices };
    this.defaultSteps = toDetails(settings.statuses ?? ['send']);
    this.reset();
  }

  reset(): void {
    this.sent.length = 0;
    this.calls.length = 0;
    this.statuses.clear();
    this.failures.length = 0;
    this.balance = this.settings.balance ?? DEFAULT_BALANCE;
    this.currency = this.settings.currency;
    this.nextMessageId = 1;
  }

  failNext(error: Error, { method, times = 1 }: FailNextOptions = {}): void {
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`times must be a positive whole number, got ${times}`);
    }
    this.failures.push({ error, method, remaining: times });
  }

  setStatus(id: string, steps: StatusStep[]): void {
    this.statuses.set(id, toDetails(steps));
  }

  /** The code the next status read of `id` reports (a flashcall's), without reading it. */
  codeOf(id: string): string | undefined {
    return this.statuses.get(id)?.[0]?.code;
  }

  /** Records `call` before it runs, so `calls` keeps the order calls were made in. */
  async record<R>(call: WebcomCallRecord, run: () => Promise<R>): Promise<R> {
    this.calls.push(call);
    try {
      call.result = await this.currentCall.run(call, run);
      return call.result as R;
    } catch (error) {
      call.error = error as Error;
      throw error;
    }
  }

  // async so that a planned failure thrown below reaches the caller as a rejection, as over HTTP.
  // eslint-disable-next-line @typescript-eslint/require-await
  async get(url: string): Promise<GatewayResponse> {
    const call = this.currentCall.getStore();
    const failure = this.takeFailure(call?.method);
    if (failure) throw failure;
    const { pathname, searchParams: params } = new URL(url);
    if (pathname.endsWith(`/${REGISTRATION_PATH}`)) return answer('Registration complete');
    if (params.has('balance')) {
      return answerJson({ balance: formatPrice(this.balance), currency: this.currency });
    }
    const id = params.get('msgid');
    return id === null ? this.send(params, call) : this.status(id);
  }

  close(): void {}

  /** The first scripted failure that applies to `method`, used up by this request. */
  private takeFailure(method: WebcomMethod | undefined): Error | undefined {
    const index = this.failures.findIndex((f) => f.method === undefined || f.method === method);
    if (index === -1) return undefined;
    const failure = this.failures[index];
    failure.remaining -= 1;
    if (failure.remaining === 0) this.failures.splice(index, 1);
    return failure.error;
  }

  /** One message per recipient, paid from the balance; recorded as `sent` once accepted. */
  private send(params: URLSearchParams, call: WebcomCallRecord | undefined): GatewayResponse {
    const type = params.get('type_send_1') as TypeSend;
    const channel: Channel = type === VOICE_IVR_TYPE ? 'voice' : type;
    const price = this.prices[type];
    if (price === undefined) return answerJson({ error: 'unknown type_send_1' });
    const to = params.get('dadr')!.split(',');
    const total = roundMoney(price * to.length);
    if (total > this.balance) return answerJson({ error: 'insufficient balance' });
    this.balance = roundMoney(this.balance - total);
    const messages = to.map((recipient) => ({
      id: this.newMessage(channel),
      to: recipient,
      price,
    }));
    const { sender, content } = CHANNEL_TABLES[channel];
    const from = sender && params.get(sender);
    const text = content.text && params.get(content.text[0]);
    this.sent.push({
      method: call?.method as WebcomSendMethod,
      channel,
      to,
      ...(from ? { from } : {}),
      ...(text ? { text } : {}),
      dto: call?.argument as WebcomSendDto,
      result: { messages, balance: this.balance },
    });
    return answerJson({
      information: messages.map((m) => ({ id_message: m.id, price: formatPrice(m.price) })),
      balance: formatPrice(this.balance),
    });
  }

  private newMessage(channel: Channel): string {
    const id = String(this.nextMessageId++);
    const code = channel === 'flashcall' ? WEBCOM_TESTING_FLASHCALL_CODE : undefined;
    this.statuses.set(
      id,
      this.defaultSteps.map((step) => ({ ...step, code: step.code ?? code })),
    );
    return id;
  }

  /** The next scripted status of `id`; the last one repeats. */
  private status(id: string): GatewayResponse {
    const steps = this.statuses.get(id);
    if (!steps) return answerJson({ error: 'unknown message id' });
    const { state, time, code } = steps.length > 1 ? steps.shift()! : steps[0];
    return answerJson({ state, time, text_sms: code });
  }
}

function toDetails(steps: StatusStep[]): StatusDetail[] {
  if (steps.length === 0) throw new RangeError('at least one status is needed');
  return steps.map((step) => (typeof step === 'string' ? { state: step } : { ...step }));
}

function answer(body: string): GatewayResponse {
  return { status: 200, body };
}

/** A JSON body; `JSON.stringify` leaves out the fields that are undefined. */
function answerJson(body: object): GatewayResponse {
  return answer(JSON.stringify(body));
}
