import { CHANNEL_REGISTRY, type SendMethod } from '../channel-registry.js';
import type { WebcomGatewayClient } from '../client/gateway-client.js';
import { toInternationalDigits } from '../protocol/phone.js';
import { VERIFICATION_CODE_MARK } from '../verification/verification-sender.js';
import type { WebcomService } from '../webcom.service.js';
import type { SimulatedGateway } from './simulated-gateway.js';
import type { WebcomMethod } from './webcom-testing.types.js';

/** `sendSms` for `sms`: the per-kind method `WebcomService` has for each kind (`SendMethods`). */
const sendMethodOf = (kind: string) => `send${kind[0].toUpperCase()}${kind.slice(1)}` as SendMethod;

type GatewayMethod = (...args: unknown[]) => Promise<unknown>;

/** Replaces `target[key]` on the instance by a wrapper that records each call in `gateway`. */
function record<T extends object>(
  gateway: SimulatedGateway,
  target: T,
  key: keyof T & string,
  method: (args: unknown[]) => WebcomMethod,
  argumentOf: (args: unknown[]) => unknown = (args) => args.at(-1),
): void {
  const real = (target[key] as GatewayMethod).bind(target);
  const recorded: GatewayMethod = (...args) =>
    gateway.record(
      { method: method(args), ...(args.length > 0 ? { argument: argumentOf(args) } : {}) },
      () => real(...args),
    );
  Object.assign(target, { [key]: recorded });
}

/**
 * Makes `gateway` record every call of `service` that reaches the gateway, under the name of the
 * method a user calls: a send under its per-channel method (`sendSms`, also for `send('sms', …)`),
 * every status read under `getStatus`, tracking's included.
 */
export function recordGatewayCalls(
  gateway: SimulatedGateway,
  service: WebcomService,
  client: WebcomGatewayClient,
): void {
  record(gateway, service, 'send', ([kind]) =>
    typeof kind === 'string' && Object.hasOwn(CHANNEL_REGISTRY, kind)
      ? sendMethodOf(kind)
      : ('send' as WebcomMethod),
  );
  record(gateway, service, 'getBalance', () => 'getBalance');
  record(gateway, service, 'register', () => 'register');
  // Every status read reaches the gateway client's `status` (with the id first), tracking's too.
  record(
    gateway,
    client,
    'status',
    () => 'getStatus',
    ([id]) => id,
  );
}

/**
 * The last verification code the account sent to `to` (any notation), so that an app's tests
 * can complete a verification: the code a `WebcomVerificationService` put in its message, or
 * for a flashcall the code its status reports. `undefined` when none was sent.
 */
export function lastCode(gateway: SimulatedGateway, to: string): string | undefined {
  const number = toInternationalDigits(to) ?? to;
  for (let i = gateway.sent.length - 1; i >= 0; i--) {
    const { channel, to: recipients, dto, result } = gateway.sent[i];
    if (!recipients.includes(number)) continue;
    if (channel === 'flashcall') return gateway.codeOf(result.messages[0].id);
    const code = (dto as { [VERIFICATION_CODE_MARK]?: unknown })[VERIFICATION_CODE_MARK];
    if (typeof code === 'string') return code;
  }
  return undefined;
}
