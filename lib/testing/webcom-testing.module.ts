import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { WebcomDeliveryTracker } from '../client/delivery-tracker.js';
import { webcomAccountProviders } from '../client/webcom-account.js';
import { getWebcomProviderToken } from '../get-webcom-provider-token.util.js';
import { resolveOptions } from '../webcom-options.js';
import { webcomServiceProvider } from '../webcom.module-definition.js';
import type { WebcomService } from '../webcom.service.js';
import { recordGatewayCalls } from './call-recording.js';
import { SimulatedGateway } from './simulated-gateway.js';
import { WebcomTestingController } from './webcom-testing.controller.js';
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
 * and decide what comes back. The account is built from the same providers as `WebcomModule`'s,
 * the simulated gateway being its transport.
 */
@Module({})
export class WebcomTestingModule {
  /**
   * The testing module of one account: provides `WebcomService` (and, for `name`, its
   * `@InjectWebcom(name)` token) and the account's `WebcomTestingController`, with no network.
   * Throws `WebcomValidationError` for options `WebcomModule.forRoot` would refuse.
   */
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
    const service = webcomServiceProvider(name);
    const controllerToken = getWebcomTestingControllerToken(name);
    const gatewayToken = Symbol(`SimulatedGateway:${name ?? 'default'}`);
    const rawOptionsToken = Symbol(`WebcomTestingOptions:${name ?? 'default'}`);
    return {
      module: WebcomTestingModule,
      global: isGlobal,
      providers: [
        { provide: rawOptionsToken, useValue: serviceOptions },
        {
          provide: gatewayToken,
          useFactory: () => new SimulatedGateway({ balance, currency, prices, statuses }),
        },
        // The real account's providers, over the simulated gateway as its transport.
        ...webcomAccountProviders(name, rawOptionsToken, { useExisting: gatewayToken }),
        {
          ...service,
          useFactory: (
            gateway: SimulatedGateway,
            tracker: WebcomDeliveryTracker,
            ...units: Parameters<typeof service.useFactory>
          ): WebcomService => {
            const webcom = service.useFactory(...units);
            recordGatewayCalls(gateway, webcom, tracker);
            return webcom;
          },
          inject: [
            gatewayToken,
            getWebcomProviderToken('delivery-tracker', name),
            ...service.inject,
          ],
        },
        {
          provide: controllerToken,
          useFactory: (gateway: SimulatedGateway) => new WebcomTestingController(gateway),
          inject: [gatewayToken],
        },
      ],
      exports: [service.provide, controllerToken],
    };
  }
}
