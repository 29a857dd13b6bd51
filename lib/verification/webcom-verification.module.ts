import {
  ConfigurableModuleBuilder,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { WebcomValidationError } from '../errors/webcom-errors.js';
import { getWebcomProviderToken } from '../get-webcom-provider-token.util.js';
import { getWebcomToken } from '../get-webcom-token.util.js';
import type { WebcomService } from '../webcom.service.js';
import { MemoryVerificationStore } from './memory-verification-store.js';
import { RedisVerificationStore } from './redis-verification-store.js';
import { isVerificationStore } from './verification-options.schema.js';
import {
  resolveVerificationOptions,
  type ResolvedVerificationOptions,
  type WebcomVerificationModuleOptions,
} from './verification-options.js';
import { VERIFICATION_STORE, type VerificationStore } from './verification-store.js';
import { WebcomVerificationService } from './webcom-verification.service.js';

/** Options of `forRoot`/`forRootAsync` that shape the module rather than the verifications. */
export interface WebcomVerificationModuleExtras {
  /** Makes the module global, so other modules inject the service without importing it. */
  isGlobal?: boolean;
}

/** The token of the options as given, inside the module. */
export const WEBCOM_VERIFICATION_MODULE_OPTIONS = 'WEBCOM_VERIFICATION_MODULE_OPTIONS';
/** The checked options with defaults, inside the module. */
const RESOLVED_OPTIONS = 'WEBCOM_VERIFICATION_RESOLVED_OPTIONS';

/** The store the module built from its options, closed at shutdown; a store of the app's is left alone. */
@Injectable()
class OwnedStoreCloser implements OnApplicationShutdown {
  constructor(
    @Inject(VERIFICATION_STORE) private readonly store: VerificationStore,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedVerificationOptions,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!isVerificationStore(this.options.store)) await this.store.close?.();
  }
}

/** The store the options name: memory, Redis, or the app's own. */
async function createStore(options: ResolvedVerificationOptions): Promise<VerificationStore> {
  if (options.store === 'memory') return new MemoryVerificationStore();
  if (isVerificationStore(options.store)) return options.store;
  return RedisVerificationStore.connect(options.store);
}

/** The account's `WebcomService`, from wherever the app registered its `WebcomModule`. */
function accountService(moduleRef: ModuleRef, account: string | undefined): WebcomService {
  let webcom: WebcomService | null;
  try {
    webcom = moduleRef.get<WebcomService>(getWebcomToken(account), { strict: false });
  } catch {
    webcom = null;
  }
  if (!webcom) {
    throw new WebcomValidationError(
      [{ field: 'account', messages: ['names no WebcomModule account of the application'] }],
      'Webcom verification options',
    );
  }
  let includesText = false;
  try {
    includesText =
      moduleRef.get<{ includeTextInEvents?: boolean }>(getWebcomProviderToken('options', account), {
        strict: false,
      }).includeTextInEvents === true;
  } catch {
    // An account assembled without the options provider: nothing to check.
  }
  if (includesText) {
    throw new WebcomValidationError(
      [
        {
          field: 'account',
          messages: ['has includeTextInEvents: its events would carry every code in clear'],
        },
      ],
      'Webcom verification options',
    );
  }
  return webcom;
}

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<WebcomVerificationModuleOptions>({
  moduleName: 'WebcomVerification',
  optionsInjectionToken: WEBCOM_VERIFICATION_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<WebcomVerificationModuleExtras>({ isGlobal: false }, (definition, { isGlobal }) => ({
    ...definition,
    global: isGlobal,
    providers: [
      ...(definition.providers ?? []),
      {
        provide: RESOLVED_OPTIONS,
        // Checked here, so bad options stop the application at boot.
        useFactory: resolveVerificationOptions,
        inject: [WEBCOM_VERIFICATION_MODULE_OPTIONS],
      },
      { provide: VERIFICATION_STORE, useFactory: createStore, inject: [RESOLVED_OPTIONS] },
      OwnedStoreCloser,
      {
        provide: WebcomVerificationService,
        useFactory: (
          moduleRef: ModuleRef,
          options: ResolvedVerificationOptions,
          store: VerificationStore,
        ) =>
          new WebcomVerificationService(
            // Found once every module's providers exist: the WebcomModule may come later.
            () => accountService(moduleRef, options.account),
            store,
            options,
          ),
        inject: [ModuleRef, RESOLVED_OPTIONS, VERIFICATION_STORE],
      },
    ],
    exports: [...(definition.exports ?? []), WebcomVerificationService, VERIFICATION_STORE],
  }))
  .build();

/**
 * One-time codes over an account of the app's `WebcomModule`:
 * `WebcomVerificationModule.forRoot({ secret, workflow, store, … })` or `forRootAsync({ imports,
 * inject, useFactory })` provides `WebcomVerificationService`. The store is memory by default
 * (one instance); `store: { redis }` shares verifications, attempts and limits across a fleet.
 */
@Module({})
export class WebcomVerificationModule extends ConfigurableModuleClass {}
