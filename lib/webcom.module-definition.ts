import { ConfigurableModuleBuilder } from '@nestjs/common';
import { WebcomAccount, webcomAccountProviders } from './client/webcom-account.js';
import { getWebcomToken } from './get-webcom-token.util.js';
import type { WebcomModuleOptions } from './webcom-options.js';
import { WebcomService } from './webcom.service.js';

/** Options of `forRoot`/`forRootAsync` that shape the module rather than the client. */
export interface WebcomModuleExtras {
  /** Makes the module global, so other modules inject the service without importing it. */
  isGlobal?: boolean;
  /** Registers an additional, independent account, injected with `@InjectWebcom(name)`. */
  name?: string;
}

/**
 * What `forRootAsync({ useClass })` or `{ useExisting }` asks of its class, as
 * `CacheOptionsFactory` does in `@nestjs/cache-manager`.
 */
export interface WebcomOptionsFactory {
  /** The account's options, read when the module is built. */
  createWebcomOptions(): WebcomModuleOptions | Promise<WebcomModuleOptions>;
}

/** The token of an account's raw options, inside its module. */
export const WEBCOM_MODULE_OPTIONS = 'WEBCOM_MODULE_OPTIONS';

/** The provider of an account's `WebcomService`, over the account's unit providers. */
export function webcomServiceProvider(name?: string) {
  return {
    provide: getWebcomToken(name),
    useFactory: (account: WebcomAccount) => new WebcomService(account),
    inject: [WebcomAccount],
  };
}

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<WebcomModuleOptions>({
    moduleName: 'Webcom',
    optionsInjectionToken: WEBCOM_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createWebcomOptions')
    .setExtras<WebcomModuleExtras>({ isGlobal: false }, (definition, { isGlobal, name }) => {
      const service = webcomServiceProvider(name);
      return {
        ...definition,
        global: isGlobal,
        providers: [
          ...(definition.providers ?? []),
          ...webcomAccountProviders(name, WEBCOM_MODULE_OPTIONS),
          service,
        ],
        exports: [...(definition.exports ?? []), service.provide],
      };
    })
    .build();
