import { Logger } from '@nestjs/common';
import type { Credentials } from '../protocol/messages.js';
import type {
  CallKind,
  GatewayResponse,
  GatewayTransport,
} from '../transport/gateway-transport.js';
import type { SandboxEmulator } from './sandbox-emulator.js';

/** What an account on `sandbox: true` signs in with when its options name no credentials. */
export const SANDBOX_CREDENTIALS: Credentials = { token: 'webcom-sandbox' };

/**
 * The transport of an account on `sandbox: true`: every call is answered in this process by the
 * gateway emulator, nothing is sent and nothing is billed. It says so at boot, every time, so
 * a sandbox cannot pass unnoticed for production. The emulator is loaded on the first call,
 * so an app that never uses a sandbox does not load it.
 */
export class SandboxTransport implements GatewayTransport {
  private emulator?: Promise<SandboxEmulator>;

  constructor(name?: string) {
    new Logger(name ? `WebcomModule:${name}` : 'WebcomModule').warn(
      `sandbox: true${name ? ` (account '${name}')` : ''}: no request leaves this process. ` +
        'Sends, statuses and balance are answered by the in-process emulator; no message is ' +
        'delivered and nothing is billed.',
    );
  }

  async get(url: string, _kind: CallKind): Promise<GatewayResponse> {
    this.emulator ??= import('./sandbox-emulator.js').then((m) => new m.SandboxEmulator());
    return (await this.emulator).get(url);
  }

  close(): void {}
}
