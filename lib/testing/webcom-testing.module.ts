import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import type { WebcomGatewayClient } from '../client/gateway-client.js';
import { webcomAccountProviders } from '../client/webcom-account.js';
import { getWebcomProviderToken } from '../get-webcom-provider-token.util.js';
import { resolveOptions, type WebcomModuleOptions } from '../webcom-options.js';
import { webcomServiceProvider } from '../webcom.module-definition.js';
import type { WebcomService } from '../webcom.service.js';
import { recordGatewayCalls } from './call-recording.js';
import { SimulatedGateway, type SimulationSettings } from './simulated-gateway.js';
import { WebcomTestingController } from './webcom-testing.controller.js';
import type {
  WebcomTestingAccountOptions,
  WebcomTestingModuleAsyncOptions,
  WebcomTestingModuleOptions,
} from './webcom-testing.types.js';

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
 * A test's options as the simulated gateway's settings and the service's options: no socket is
 * ever opened, the simulated gateway answering every request in memory, and credentials may be
 * left out.
 */
function splitOptions(options: WebcomTestingAccountOptions): {
  simulation: SimulationSettings;
  service: WebcomModuleOptions;
} {
  const { balance, currency, prices, statuses, ...moduleOptions } = options;
  return {
    simulation: { balance, currency, prices, statuses },
    service: {
      ...moduleOptions,
      credentials: moduleOptions.credentials ?? { token: 'webcom-testing' },
      baseUrl: 'http://127.0.0.1:9',
    },
  };
}

/**
 * Drops in for `WebcomModule` in unit tests: `WebcomTestingModule.forRoot(options?)`, or
 * `forRootAsync(...)` from the app's `ConfigService`, provides the real `WebcomService` (under
 * `WebcomService`, or `getWebcomToken(name)`) over a gateway simulated in memory, with no socket,
 * and a `WebcomTestingController` to read what was sent and decide what comes back. The account
 * is built from the same providers as `WebcomModule`'s, the simulated gateway its transport.
 */
@Module({})
export class WebcomTestingModule {
  /**
   * The testing module of one account: provides `WebcomService` (and, for `name`, its
   * `@InjectWebcom(name)` token) and the account's `WebcomTestingController`, with no network.
   * The stand-in for `WebcomModule.forRoot(options)`: the same options (credentials may be left
   * out, connection settings are ignored) plus the simulated gateway's starting state.
   * Throws `WebcomValidationError` for options `WebcomModule.forRoot` would refuse.
   */
  static forRoot(options: WebcomTestingModuleOptions = {}): DynamicModule {
    const { name, isGlobal = false, ...accountOptions } = options;
    // The real module's checks, now, so that forRoot refuses what WebcomModule.forRoot would.
    resolveOptions(splitOptions(accountOptions).service, name);
    return WebcomTestingModule.account(name, isGlobal, [], (provide) => ({
      provide,
      useValue: accountOptions,
    }));
  }

  /**
   * The stand-in for `WebcomModule.forRootAsync(...)`: the options come from `useFactory` (with
   * `imports` and `inject`, e.g. the app's `ConfigService`), or from `useClass`/`useExisting`, the
   * app's `WebcomOptionsFactory`. Bad options stop the module at compile, as they stop the real one.
   */
  static forRootAsync(options: WebcomTestingModuleAsyncOptions): DynamicModule {
    const { name, isGlobal = false, imports = [], inject = [] } = options;
    const { useFactory, useClass, useExisting } = options;
    if ([useFactory, useClass, useExisting].filter(Boolean).length !== 1) {
      throw new TypeError(
        'WebcomTestingModule.forRootAsync needs exactly one of useFactory, useClass and useExisting',
      );
    }
    const factoryToken = useClass ?? useExisting;
    return WebcomTestingModule.account(
      name,
      isGlobal,
      imports,
      (provide) =>
        useFactory
          ? { provide, useFactory, inject }
          : {
              provide,
              useFactory: (factory: WebcomOptionsFactoryLike) => factory.createWebcomOptions(),
              inject: [factoryToken!],
            },
      useClass ? [useClass] : [],
    );
  }

  /** One account over a simulated gateway; `optionsProvider` provides the test's options. */
  private static account(
    name: string | undefined,
    isGlobal: boolean,
    imports: NonNullable<DynamicModule['imports']>,
    optionsProvider: (provide: symbol) => Provider,
    extraProviders: Provider[] = [],
  ): DynamicModule {
    const service = webcomServiceProvider(name);
    const controllerToken = getWebcomTestingControllerToken(name);
    const account = name ?? 'default';
    const testingOptionsToken = Symbol(`WebcomTestingAccountOptions:${account}`);
    const gatewayToken = Symbol(`SimulatedGateway:${account}`);
    const rawOptionsToken = Symbol(`WebcomTestingOptions:${account}`);
    return {
      module: WebcomTestingModule,
      global: isGlobal,
      imports,
      providers: [
        ...extraProviders,
        optionsProvider(testingOptionsToken),
        {
          provide: rawOptionsToken,
          useFactory: (options: WebcomTestingAccountOptions) => splitOptions(options).service,
          inject: [testingOptionsToken],
        },
        {
          provide: gatewayToken,
          useFactory: (options: WebcomTestingAccountOptions) =>
            new SimulatedGateway(splitOptions(options).simulation),
          inject: [testingOptionsToken],
        },
        // The real account's providers, over the simulated gateway as its transport.
        ...webcomAccountProviders(name, rawOptionsToken, { useExisting: gatewayToken }),
        {
          ...service,
          useFactory: (
            gateway: SimulatedGateway,
            client: WebcomGatewayClient,
            ...units: Parameters<typeof service.useFactory>
          ): WebcomService => {
            const webcom = service.useFactory(...units);
            recordGatewayCalls(gateway, webcom, client);
            return webcom;
          },
          inject: [gatewayToken, getWebcomProviderToken('gateway-client', name), ...service.inject],
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

/** What `useClass`/`useExisting` provides: the app's `WebcomOptionsFactory`, or one of its own. */
interface WebcomOptionsFactoryLike {
  createWebcomOptions(): WebcomTestingAccountOptions | Promise<WebcomTestingAccountOptions>;
}
