import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { getWebcomToken } from '../webcom.constants.js';
import { resolveOptions } from '../webcom-options.js';
import { SimulatedGateway } from './simulated-gateway.js';
import { WebcomTestingController } from './webcom-testing.controller.js';
import { WebcomTestingService } from './webcom-testing.service.js';
import type { WebcomTestingModuleOptions } from './webcom-testing.types.js';

/**
 * The token of an account's `WebcomTestingController`: the class itself for the default
 * account, a string for a named one.
 */
export function getWebcomTestingControllerToken(
  name?: string,
): string | Type<WebcomTestingController> {
  return name ? `WebcomTestingController:${name}` : WebcomTestingController;
}

/**
 * Drops in for `WebcomModule` in unit tests: `WebcomTestingModule.forRoot(options?)` provides
 * the real `WebcomService` (under `WebcomService`, or `getWebcomToken(name)`) over a gateway
 * simulated in memory, with no socket, and a `WebcomTestingController` to read what was sent
 * and decide what comes back.
 */
@Module({})
export class WebcomTestingModule {
  static forRoot(options: WebcomTestingModuleOptions = {}): DynamicModule {
    const {
      name,
      isGlobal = false,
      balance,
      currency,
      prices,
      statuses,
      ...moduleOptions
    } = options;
    const serviceOptions = {
      ...moduleOptions,
      credentials: moduleOptions.credentials ?? { token: 'webcom-testing' },
      // No socket is ever opened: the simulated gateway answers every request in memory.
      baseUrl: 'http://127.0.0.1:9',
    };
    // The real module's checks, now, so that forRoot refuses what WebcomModule.forRoot would.
    resolveOptions(serviceOptions, name);
    const serviceToken = getWebcomToken(name);
    const controllerToken = getWebcomTestingControllerToken(name);
    const gatewayToken = Symbol(`SimulatedGateway:${name ?? 'default'}`);
    return {
      module: WebcomTestingModule,
      global: isGlobal,
      providers: [
        {
          provide: gatewayToken,
          useFactory: () => new SimulatedGateway({ balance, currency, prices, statuses }),
        },
        {
          provide: serviceToken,
          useFactory: (gateway: SimulatedGateway) =>
            new WebcomTestingService(gateway, serviceOptions, name),
          inject: [gatewayToken],
        },
        {
          provide: controllerToken,
          useFactory: (gateway: SimulatedGateway) => new WebcomTestingController(gateway),
          inject: [gatewayToken],
        },
      ],
      exports: [serviceToken, controllerToken],
    };
  }
}
