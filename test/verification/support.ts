import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { WebcomTestingController, WebcomTestingModule } from '../../lib/testing/index.js';
import {
  WebcomVerificationModule,
  WebcomVerificationService,
  type VerificationEvent,
  type WebcomVerificationModuleOptions,
} from '../../lib/verification/index.js';
import { MemoryVerificationStore } from '../../lib/verification/memory-verification-store.js';
import { resolveVerificationOptions } from '../../lib/verification/verification-options.js';
import type { VerificationStore } from '../../lib/verification/verification-store.js';
import { WebcomService } from '../../lib/webcom.service.js';

export const SECRET = 'a-test-secret-of-at-least-32-characters!';
export const NUMBER = '79991234567';

/** A sender on every channel, so each step can go out without naming one. */
export const SENDERS = {
  sms: 'Shop',
  viber: 'Shop',
  voice: 'Shop',
  telegram: 'Shop',
  whatsapp: 'Shop',
};

export interface VerificationApp {
  app: INestApplicationContext;
  verification: WebcomVerificationService;
  webcom: WebcomTestingController;
  events: VerificationEvent[];
}

/** An application with a simulated account and `WebcomVerificationModule.forRoot(options)`. */
export async function startApp(
  options: Partial<WebcomVerificationModuleOptions> = {},
): Promise<VerificationApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      WebcomTestingModule.forRoot({ senders: SENDERS, isGlobal: true }),
      WebcomVerificationModule.forRoot({ secret: SECRET, ...options }),
    ],
  }).compile();
  const app = await moduleRef.init();
  app.enableShutdownHooks();
  const verification = app.get(WebcomVerificationService);
  const events: VerificationEvent[] = [];
  verification.events$.subscribe((event) => events.push(event));
  return { app, verification, webcom: app.get(WebcomTestingController), events };
}

/** A clock a test moves by hand. */
export class ManualClock {
  constructor(public ms = Date.now()) {}
  readonly now = () => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/**
 * A service over a simulated account with a clock of the test's: for the rules that depend on
 * time (cooldown, step timeouts, expiry, windows) without waiting.
 */
export async function startWithClock(
  options: Partial<WebcomVerificationModuleOptions> = {},
  store: VerificationStore = new MemoryVerificationStore(),
) {
  const clock = new ManualClock();
  const moduleRef = await Test.createTestingModule({
    imports: [WebcomTestingModule.forRoot({ senders: SENDERS })],
  }).compile();
  const app = await moduleRef.init();
  const verification = new WebcomVerificationService(
    app.get(WebcomService),
    store,
    resolveVerificationOptions({ secret: SECRET, ...options }),
    clock.now,
  );
  const events: VerificationEvent[] = [];
  verification.events$.subscribe((event) => events.push(event));
  return { app, verification, webcom: app.get(WebcomTestingController), clock, store, events };
}
