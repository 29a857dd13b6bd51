import { WebcomApiError } from '../errors/webcom-errors.js';
import { FINAL_STATES, VOICE_IVR_TYPE, type Channel } from '../protocol/channels.js';
import type {
  Balance,
  MessageStatus,
  RegistrationResult,
  SendResult,
} from '../protocol/results.js';
import { DEFAULT_BALANCE, DEFAULT_PRICES } from './fake-webcom-server.js';
import type { FakeChannel } from './fake/types.js';
import { roundMoney } from './fake/wire.js';
import type {
  FailNextOptions,
  StatusDetail,
  StatusStep,
  WebcomCallRecord,
  WebcomMethod,
  WebcomSentRecord,
} from './webcom-testing.types.js';

/** The activation code every flashcall's status carries unless the test sets another. */
export const WEBCOM_TESTING_FLASHCALL_CODE = '1234';

export interface SimulationSettings {
  balance?: number;
  currency?: string;
  prices?: Partial<Record<FakeChannel, number>>;
  statuses?: StatusStep[];
}

interface ScriptedFailure {
  error: Error;
  method?: WebcomMethod;
  remaining: number;
}

/**
 * The gateway as `WebcomTestingModule` simulates it, in memory: balance, message ids, statuses,
 * scripted failures and the record of every call. One per account.
 */
export class SimulatedGateway {
  readonly sent: WebcomSentRecord[] = [];
  readonly calls: WebcomCallRecord[] = [];
  balance = 0;
  currency: string | undefined;

  private readonly statuses = new Map<string, MessageStatus[]>();
  private readonly failures: ScriptedFailure[] = [];
  private readonly prices: Record<FakeChannel, number>;
  private readonly defaultSteps: StatusStep[];
  private nextMessageId = 1;

  constructor(private readonly settings: SimulationSettings) {
    this.prices = { ...DEFAULT_PRICES, ...settings.prices };
    this.defaultSteps = settings.statuses ?? ['send'];
    checkSteps(this.defaultSteps);
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

  /** The first scripted failure that applies to `method`, used up by this call. */
  takeFailure(method: WebcomMethod): Error | undefined {
    const index = this.failures.findIndex((f) => f.method === undefined || f.method === method);
    if (index === -1) return undefined;
    const failure = this.failures[index];
    failure.remaining -= 1;
    if (failure.remaining === 0) this.failures.splice(index, 1);
    return failure.error;
  }

  setStatus(id: string, steps: StatusStep[]): void {
    checkSteps(steps);
    this.statuses.set(
      id,
      steps.map((step) => toStatus(id, step)),
    );
  }

  /** What the gateway answers a send: one message per recipient, paid from the balance. */
  send(channel: Channel, ivr: boolean, recipients: string[]): SendResult {
    const price = this.prices[channel === 'voice' && ivr ? VOICE_IVR_TYPE : channel];
    const total = roundMoney(price * recipients.length);
    if (total > this.balance) throw new WebcomApiError(200, '{"error":"insufficient balance"}');
    this.balance = roundMoney(this.balance - total);
    const messages = recipients.map(() => {
      const id = String(this.nextMessageId++);
      const code = channel === 'flashcall' ? WEBCOM_TESTING_FLASHCALL_CODE : undefined;
      this.statuses.set(
        id,
        this.defaultSteps.map((step) => toStatus(id, step, code)),
      );
      return { id, price };
    });
    return { messages, balance: this.balance };
  }

  /** The next scripted status of `id`; the last one repeats. */
  status(id: string): MessageStatus {
    const steps = this.statuses.get(id);
    if (!steps) throw new WebcomApiError(200, '{"error":"unknown message id"}');
    const status = steps.length > 1 ? steps.shift()! : steps[0];
    return { ...status };
  }

  readBalance(): Balance {
    return this.currency === undefined
      ? { balance: this.balance }
      : { balance: this.balance, currency: this.currency };
  }

  register(): RegistrationResult {
    return { status: 200, body: 'Registration complete' };
  }
}

function checkSteps(steps: StatusStep[]): void {
  if (steps.length === 0) throw new RangeError('at least one status is needed');
}

function toStatus(id: string, step: StatusStep, defaultCode?: string): MessageStatus {
  const {
    state,
    time,
    code = defaultCode,
  }: StatusDetail = typeof step === 'string' ? { state: step } : step;
  return {
    id,
    state,
    final: FINAL_STATES.has(state),
    ...(time === undefined ? {} : { time }),
    ...(code === undefined ? {} : { code }),
  };
}
