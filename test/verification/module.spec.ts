import { Test } from '@nestjs/testing';
import { WebcomValidationError } from '../../lib/errors/webcom-errors.js';
import { WebcomTestingModule } from '../../lib/testing/index.js';
import { MemoryVerificationStore } from '../../lib/verification/memory-verification-store.js';
import {
  VERIFICATION_METRIC,
  VERIFICATION_STORE,
  WebcomVerificationModule,
  WebcomVerificationService,
  type WebcomVerificationModuleOptions,
} from '../../lib/verification/index.js';
import { resolveVerificationOptions } from '../../lib/verification/verification-options.js';
import { installTestOtel, pointsOf, telemetryTexts } from '../support/otel.js';
import { NUMBER, SECRET, SENDERS, startApp } from './support.js';

function optionFields(options: unknown): string[] {
  try {
    resolveVerificationOptions(options as WebcomVerificationModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as Error).message).not.toContain('short');
    return (error as WebcomValidationError).errors.map((e) => e.field);
  }
  return [];
}

describe('WebcomVerificationModule options', () => {
  it('fills in the documented defaults', () => {
    expect(resolveVerificationOptions({ secret: SECRET })).toMatchObject({
      store: 'memory',
      codeLength: 6,
      ttlSeconds: 600,
      maxCheckAttempts: 5,
      workflow: [{ channel: 'sms', timeoutSeconds: 60 }],
      resendCooldownSeconds: 30,
      limits: {
        perNumber: { max: 5, windowSeconds: 3600 },
        perKey: { max: 10, windowSeconds: 3600 },
      },
      allowedCountries: undefined,
    });
  });

  it('refuses each bad option by name, never quoting the secret', () => {
    expect(optionFields({ secret: 'short' })).toEqual(['secret']);
    expect(optionFields({})).toEqual(['secret']);
    expect(optionFields({ secret: SECRET, codeLength: 3 })).toEqual(['codeLength']);
    expect(optionFields({ secret: SECRET, codeLength: 11 })).toEqual(['codeLength']);
    expect(optionFields({ secret: SECRET, ttlSeconds: 0 })).toEqual(['ttlSeconds']);
    expect(optionFields({ secret: SECRET, maxCheckAttempts: 21 })).toEqual(['maxCheckAttempts']);
    expect(optionFields({ secret: SECRET, workflow: [] })).toEqual(['workflow']);
    expect(optionFields({ secret: SECRET, workflow: [{ channel: 'fax' }] })).toEqual(['workflow']);
    expect(optionFields({ secret: SECRET, templates: { sms: 'no placeholder' } })).toEqual([
      'templates.sms',
    ]);
    expect(optionFields({ secret: SECRET, templates: { flashcall: '{code}' } })).toEqual([
      'templates.flashcall',
    ]);
    expect(optionFields({ secret: SECRET, store: 'redis' })).toEqual(['store']);
    expect(optionFields({ secret: SECRET, store: { redis: { host: 'x' } } })).toEqual(['store']);
    expect(
      optionFields({ secret: SECRET, limits: { perNumber: { max: 0, windowSeconds: 1 } } }),
    ).toEqual(['limits.perNumber.max']);
    expect(optionFields({ secret: SECRET, allowedCountries: ['ru'] })).toEqual([
      'allowedCountries',
    ]);
  });

  it('provides the service over the memory store by default, and the store under its token', async () => {
    const { app, verification } = await startApp();
    expect(app.get(VERIFICATION_STORE)).toBeInstanceOf(MemoryVerificationStore);
    await expect(verification.start({ to: NUMBER })).resolves.toMatchObject({ status: 'pending' });
    await app.close();
  });

  it('takes its options from forRootAsync, and a store of the app’s own', async () => {
    const store = new MemoryVerificationStore();
    const moduleRef = await Test.createTestingModule({
      imports: [
        WebcomTestingModule.forRoot({ senders: SENDERS, isGlobal: true }),
        WebcomVerificationModule.forRootAsync({
          useFactory: () => Promise.resolve({ secret: SECRET, store, codeLength: 4 }),
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    const started = await app.get(WebcomVerificationService).start({ to: NUMBER });
    await expect(store.find(started.id)).resolves.toMatchObject({ id: started.id });
    await app.close();
  });

  it('sends with the named account', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WebcomTestingModule.forRoot({ senders: SENDERS, isGlobal: true }),
        WebcomTestingModule.forRoot({ name: 'otp', senders: { sms: 'OTP' }, isGlobal: true }),
        WebcomVerificationModule.forRoot({ secret: SECRET, account: 'otp' }),
      ],
    }).compile();
    const app = await moduleRef.init();
    await app.get(WebcomVerificationService).start({ to: NUMBER });
    const { getWebcomTestingControllerToken, WebcomTestingController } =
      await import('../../lib/testing/index.js');
    expect(
      app.get<typeof WebcomTestingController.prototype>(getWebcomTestingControllerToken('otp'))
        .sent,
    ).toHaveLength(1);
    expect(app.get(WebcomTestingController).sent).toHaveLength(0);
    await app.close();
  });

  it('stops the boot for an account that is missing, or that puts texts (codes) into its events', async () => {
    for (const [testing, account] of [
      [WebcomTestingModule.forRoot({ senders: SENDERS, isGlobal: true }), 'nope'],
      [
        WebcomTestingModule.forRoot({
          senders: SENDERS,
          isGlobal: true,
          includeTextInEvents: true,
        }),
        undefined,
      ],
    ] as const) {
      const moduleRef = await Test.createTestingModule({
        imports: [testing, WebcomVerificationModule.forRoot({ secret: SECRET, account })],
      }).compile();
      await expect(moduleRef.init()).rejects.toThrow(/account/);
      await moduleRef.close();
    }
  });
});

describe('WebcomVerificationService telemetry', () => {
  it('counts verifications by channel and outcome, with no code or number in any metric or span', async () => {
    const otel = installTestOtel();
    try {
      const { app, verification, webcom } = await startApp({ workflow: [{ channel: 'viber' }] });
      const { id } = await verification.start({ to: NUMBER });
      const code = webcom.lastCode(NUMBER)!;
      await verification.check(id, code === '000000' ? '111111' : '000000');
      await verification.check(id, code);
      const recorded = await otel.metrics();
      const counts = pointsOf(recorded.get(VERIFICATION_METRIC)).map((point) => [
        point.attributes['webcom.channel'],
        point.attributes['webcom.verification.outcome'],
        point.value,
      ]);
      expect(counts).toEqual(
        expect.arrayContaining([
          ['viber', 'started', 1],
          ['viber', 'wrong_code', 1],
          ['viber', 'approved', 1],
        ]),
      );
      const texts = telemetryTexts(otel.spans(), recorded.values()).join('\n');
      expect(texts).not.toContain(code);
      expect(texts).not.toContain('1234567');
      await app.close();
    } finally {
      await otel.shutdown();
    }
  });
});
