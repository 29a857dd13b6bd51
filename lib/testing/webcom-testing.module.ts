import { ConfigurableModuleBuilder, Module, type DynamicModule, type Type } from '@nestjs/common';
import { WebcomAccount, webcomAccountProviders } from '../client/webcom-account.js';
import { resolveOptions, type WebcomModuleOptions } from '../webcom-options.js';
import { webcomServiceProvider } from '../webcom.module-definition.js';
import { recordGatewayCalls } from './call-recording.js';
import { SimulatedGateway, type SimulationSettings } from './simulated-gateway.js';
import { WebcomTestingGateway } from './webcom-testing-gateway.js';
import type {
  WebcomTestingAccountOptions,
  WebcomTestingModuleAsyncOptions,
  WebcomTestingModuleExtras,
  WebcomTestingModuleOptions,
} from './webcom-testing.types.js';

/**
 * The token of an account's `WebcomTestingGateway`: the class itself for the default account, a
 * string for a named one.
 */
export function getWebcomTestingGatewayToken(name?: string): string | Type<WebcomTestingGateway> {
  return name ? `WebcomTestingGateway:${name}` : WebcomTestingGateway;
}

/** @deprecated Use `getWebcomTestingGatewayToken`; this alias goes in the next minor version. */
export const getWebcomTestingControllerToken = getWebcomTestingGatewayToken;

/** The token of a test's options as given, inside its module. */
const WEBCOM_TESTING_MODULE_OPTIONS = 'WEBCOM_TESTING_MODULE_OPTIONS';
/** The service's part of those options, inside the module. */
const SERVICE_OPTIONS = 'WEBCOM_TESTING_SERVICE_OPTIONS';

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
 * One account over a simulated gateway, on the options provider `ConfigurableModuleBuilder`
 * made: the real account's providers, the simulated gateway as their transport.
 */
function simulatedAccount(
  definition: DynamicModule,
  { name, isGlobal }: WebcomTestingModuleExtras,
): DynamicModule {
  const service = webcomServiceProvider(name);
  const gatewayHandleToken = getWebcomTestingGatewayToken(name);
  return {
    ...definition,
    global: isGlobal,
    providers: [
      ...(definition.providers ?? []),
      {
        provide: SERVICE_OPTIONS,
        useFactory: (options: WebcomTestingAccountOptions) => splitOptions(options).service,
        inject: [WEBCOM_TESTING_MODULE_OPTIONS],
      },
      {
        provide: SimulatedGateway,
        useFactory: (options: WebcomTestingAccountOptions) =>
          new SimulatedGateway(splitOptions(options).simulation),
        inject: [WEBCOM_TESTING_MODULE_OPTIONS],
      },
      ...webcomAccountProviders(name, SERVICE_OPTIONS, { useExisting: SimulatedGateway }),
      {
        ...service,
        useFactory: (account: WebcomAccount, gateway: SimulatedGateway) => {
          const webcom = service.useFactory(account);
          recordGatewayCalls(gateway, webcom, account.gateway);
          return webcom;
        },
        inject: [WebcomAccount, SimulatedGateway],
      },
      {
        provide: gatewayHandleToken,
        useFactory: (gateway: SimulatedGateway) => new WebcomTestingGateway(gateway),
        inject: [SimulatedGateway],
      },
    ],
    exports: [service.provide, gatewayHandleToken],
  };
}

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<WebcomTestingAccountOptions>({
  moduleName: 'WebcomTesting',
  optionsInjectionToken: WEBCOM_TESTING_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createWebcomOptions')
  .setExtras<WebcomTestingModuleExtras>({ isGlobal: false, name: undefined }, simulatedAccount)
  .build();

/**
 * Drops in for `WebcomModule` in unit tests: `WebcomTestingModule.forRoot(options?)`, or
 * `forRootAsync(...)` from the app's `ConfigService`, provides the real `WebcomService` (under
 * `WebcomService`, or `getWebcomToken(name)`) over a gateway simulated in memory, with no socket,
 * and a `WebcomTestingGateway` to read what was sent and decide what comes back. The account
 * is built from the same providers as `WebcomModule`'s, the simulated gateway its transport.
 */
@Module({})
export class WebcomTestingModule extends ConfigurableModuleClass {
  /**
   * The testing module of one account: provides `WebcomService` (and, for `name`, its
   * `@InjectWebcom(name)` token) and the account's `WebcomTestingGateway`, with no network.
   * The stand-in for `WebcomModule.forRoot(options)`: the same options (credentials may be left
   * out, connection settings are ignored) plus the simulated gateway's starting state.
   * Throws `WebcomValidationError` for options `WebcomModule.forRoot` would refuse.
   */
  static override forRoot(options: WebcomTestingModuleOptions = {}): DynamicModule {
    const { name, isGlobal, ...accountOptions } = options;
    // The real module's checks, now, so that forRoot refuses what WebcomModule.forRoot would.
    resolveOptions(splitOptions(accountOptions).service, name);
    return super.forRoot({ ...accountOptions, name, isGlobal });
  }

  /**
   * The stand-in for `WebcomModule.forRootAsync(...)`: the options come from `useFactory` (with
   * `imports` and `inject`, e.g. the app's `ConfigService`), or from `useClass`/`useExisting`, the
   * app's `WebcomOptionsFactory`. Bad options stop the module at compile, as they stop the real one.
   */
  static override forRootAsync(options: WebcomTestingModuleAsyncOptions): DynamicModule {
    const { useFactory, useClass, useExisting } = options;
    if ([useFactory, useClass, useExisting].filter(Boolean).length !== 1) {
      throw new TypeError(
        'WebcomTestingModule.forRootAsync needs exactly one of useFactory, useClass and useExisting',
      );
    }
    return super.forRootAsync(options);
  }
}
