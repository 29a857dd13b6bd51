import type { WebcomModuleOptions } from '../webcom-options.js';
import { WebcomService } from '../webcom.service.js';
import type { SimulatedGateway } from './simulated-gateway.js';
import type { WebcomMethod } from './webcom-testing.types.js';

/** The methods whose calls `calls` records and `failNext` names: each one that reaches the gateway. */
const RECORDED: Record<WebcomMethod, true> = {
  sendSms: true,
  sendViber: true,
  sendVoice: true,
  sendCascade: true,
  sendFlashcall: true,
  sendTelegram: true,
  sendWhatsapp: true,
  getStatus: true,
  getBalance: true,
  register: true,
};

type GatewayMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * What `WebcomTestingModule` provides in place of `WebcomService`: the real service, so the
 * same validation, `events$`, tracking and decoding, over a `SimulatedGateway` instead of the
 * network. It only adds the record of each call of a gateway method.
 */
export class WebcomTestingService extends WebcomService {
  constructor(gateway: SimulatedGateway, options: WebcomModuleOptions, name?: string) {
    super(options, name, gateway);
    for (const method of Object.keys(RECORDED) as WebcomMethod[]) {
      const real = (this[method] as GatewayMethod).bind(this);
      const recorded: GatewayMethod = (...args) =>
        gateway.record({ method, ...(args.length > 0 ? { argument: args[0] } : {}) }, () =>
          real(...args),
        );
      Object.assign(this, { [method]: recorded });
    }
  }
}
