import { REGISTRATION_PATH } from '../protocol/encode.js';
import { checkSend } from '../testing/fake/send-rules.js';
import { SimulatedGateway } from '../testing/simulated-gateway.js';
import type { GatewayResponse } from '../transport/gateway-transport.js';

/** The balance a sandbox account starts with: enough for a long day of trying things. */
export const SANDBOX_BALANCE = 100_000;

/** Sends the emulator keeps a record of; a sandbox runs as long as the app. */
const KEPT_SENDS = 100;

/**
 * The in-memory gateway of `WebcomTestingModule`, with the emulator's send rules in front: a
 * send the real gateway would refuse (a channel's required fields, allowed fallbacks, a
 * validity period already past) is refused the same way. Messages read `send`, then `deliver`.
 */
export class SandboxEmulator {
  private readonly gateway = new SimulatedGateway({
    balance: SANDBOX_BALANCE,
    statuses: ['send', 'deliver'],
  });

  async get(url: string): Promise<GatewayResponse> {
    const { pathname, searchParams } = new URL(url);
    const isSend =
      !pathname.endsWith(`/${REGISTRATION_PATH}`) &&
      !searchParams.has('balance') &&
      !searchParams.has('msgid');
    if (isSend) {
      const plan = checkSend(Object.fromEntries(searchParams), Date.now());
      if ('error' in plan) return { status: 200, body: JSON.stringify({ error: plan.error }) };
    }
    const answer = await this.gateway.get(url);
    if (this.gateway.sent.length > KEPT_SENDS) this.gateway.sent.splice(0, KEPT_SENDS / 2);
    return answer;
  }
}
