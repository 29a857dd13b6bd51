import { ConfigurableModuleBuilder } from '@nestjs/common';
import { getWebcomToken } from './webcom.constants.js';
import type { WebcomModuleOptions } from './webcom-options.js';
import { WebcomService } from './webcom.service.js';

/** Options of `forRoot`/`forRootAsync` that shape the module rather than the client. */
export interface WebcomModuleExtras {
  isGlobal?: boolean;
  /** Registers an additional, independent account, injected with `@InjectWebcom(name)`. */
  name?: string;
}

/** The token of an account's raw options, inside its module. */
export const WEBCOM_MODULE_OPTIONS = 'WEBCOM_MODULE_OPTIONS';

export const { ConfigurableModuleClass, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<WebcomModuleOptions>({
    moduleName: 'Webcom',
    optionsInjectionToken: WEBCOM_MODULE_OPTIONS,
  })
    .setClassMethodName('forRoot')
    .setExtras<WebcomModuleExtras>({ isGlobal: false }, (definition, { isGlobal, name }) => {
      const token = getWebcomToken(name);
      return {
        ...definition,
        global: isGlobal,
        providers: [
          ...(definition.providers ?? []),
          {
            provide: token,
            // The options are checked here, so bad ones stop the application at boot.
            useFactory: (options: WebcomModuleOptions) => new WebcomService(options, name),
            inject: [WEBCOM_MODULE_OPTIONS],
          },
        ],
        exports: [...(definition.exports ?? []), token],
      };
    })
    .build();
