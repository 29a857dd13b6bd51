import 'reflect-metadata';
import { ShutdownSignal } from '../lib/util/shutdown-signal.js';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  getWebcomProviderToken,
  getWebcomToken,
  InjectWebcom,
  type GatewayTransport,
  type WebcomOptionsFactory,
  WebcomModule,
  WebcomService,
  WebcomTelemetry,
  WebcomValidationError,
  type TelemetryOperation,
  type TelemetryScope,
  type WebcomModuleOptions,
} from '../lib/index.js';
import { RecordingGateway } from './support/recording-gateway.js';
import { invalid } from './support/thrown.js';

type Credentials = WebcomModuleOptions['credentials'];
type Senders = WebcomModuleOptions['senders'];

describe('WebcomModule', () => {
  let gateway: RecordingGateway;
  const options = (user = 'shop'): WebcomModuleOptions => ({
    credentials: { user, password: 's3cret' },
    baseUrl: gateway.baseUrl,
  });

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });
  afterAll(() => gateway.stop());

  /** The service is wired to the options when its call carries their credentials. */
  async function expectWiredTo(service: WebcomService, user: string) {
    await expect(service.getBalance()).resolves.toEqual({ balance: 143777.36 });
    expect(gateway.last.params.get('user')).toBe(user);
  }

  it('forRoot registers a WebcomService configured by its options', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WebcomModule.forRoot(options('sync'))],
    }).compile();
    await expectWiredTo(moduleRef.get(WebcomService), 'sync');
    await moduleRef.close();
  });

  it('forRootAsync takes options from a synchronous factory with injected dependencies', async () => {
    @Injectable()
    class Settings {
      user = 'from-settings';
    }
    @Module({ providers: [Settings], exports: [Settings] })
    class SettingsModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [
        WebcomModule.forRootAsync({
          imports: [SettingsModule],
          inject: [Settings],
          useFactory: (settings: Settings) => options(settings.user),
        }),
      ],
    }).compile();
    await expectWiredTo(moduleRef.get(WebcomService), 'from-settings');
    await moduleRef.close();
  });

  it('forRootAsync waits for an asynchronous factory', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WebcomModule.forRootAsync({
          useFactory: async () => {
            await new Promise((resolve) => setTimeout(resolve, 10));
            return options('async');
          },
        }),
      ],
    }).compile();
    await expectWiredTo(moduleRef.get(WebcomService), 'async');
    await moduleRef.close();
  });

  it('forRootAsync instantiates a useClass options factory', async () => {
    @Injectable()
    class WebcomConfig implements WebcomOptionsFactory {
      createWebcomOptions() {
        return options('use-class');
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [WebcomModule.forRootAsync({ useClass: WebcomConfig })],
    }).compile();
    await expectWiredTo(moduleRef.get(WebcomService), 'use-class');
    await moduleRef.close();
  });

  it('forRootAsync reuses an existing options factory exported by an imported module', async () => {
    @Injectable()
    class SharedConfig implements WebcomOptionsFactory {
      createWebcomOptions() {
        return options('use-existing');
      }
    }
    @Module({ providers: [SharedConfig], exports: [SharedConfig] })
    class ConfigHostModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [
        WebcomModule.forRootAsync({ imports: [ConfigHostModule], useExisting: SharedConfig }),
      ],
    }).compile();
    await expectWiredTo(moduleRef.get(WebcomService), 'use-existing');
    await moduleRef.close();
  });

  describe('each account is made of providers a test can override', () => {
    /** A transport that answers every balance read in memory, noting whose call it was. */
    const inMemory = (label: string, seen: string[]): GatewayTransport => ({
      get: (url) => {
        seen.push(`${label}:${new URL(url).searchParams.get('user')}`);
        return Promise.resolve({ status: 200, body: '{"balance":"7.00"}' });
      },
      close: () => undefined,
    });

    it('the transport of the default and of a named account, each on its own', async () => {
      const seen: string[] = [];
      const before = gateway.requests.length;
      const moduleRef = await Test.createTestingModule({
        imports: [
          WebcomModule.forRoot(options('main')),
          WebcomModule.forRoot({ ...options('promo'), name: 'promo' }),
        ],
      })
        .overrideProvider(getWebcomProviderToken('transport'))
        .useValue(inMemory('default', seen))
        .overrideProvider(getWebcomProviderToken('transport', 'promo'))
        .useValue(inMemory('named', seen))
        .compile();
      await expect(moduleRef.get(WebcomService).getBalance()).resolves.toEqual({ balance: 7 });
      const promo = moduleRef.get<WebcomService>(getWebcomToken('promo'));
      await expect(promo.getBalance()).resolves.toEqual({ balance: 7 });
      expect(seen).toEqual(['default:main', 'named:promo']);
      expect(gateway.requests.length).toBe(before);
      await moduleRef.close();
    });

    it('the gateway client of a named account, leaving the default one on the network', async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          WebcomModule.forRoot(options('main')),
          WebcomModule.forRoot({ ...options('promo'), name: 'promo' }),
        ],
      })
        .overrideProvider(getWebcomProviderToken('gateway-client', 'promo'))
        .useValue({
          balance: () => Promise.resolve({ balance: 42 }),
          shutdown: new ShutdownSignal(),
          close: () => undefined,
        })
        .compile();
      const promo = moduleRef.get<WebcomService>(getWebcomToken('promo'));
      await expect(promo.getBalance()).resolves.toEqual({ balance: 42 });
      await expectWiredTo(moduleRef.get(WebcomService), 'main');
      await moduleRef.close();
    });

    it('the telemetry of a named account: a subclass sees its operations and balances', async () => {
      const seen: string[] = [];
      class NotingTelemetry extends WebcomTelemetry {
        override operation<T>(
          operation: TelemetryOperation,
          run: (scope: TelemetryScope) => Promise<T>,
        ): Promise<T> {
          seen.push(operation.operation);
          return super.operation(operation, run);
        }
        override balanceSeen(balance: number): void {
          seen.push(`balance ${balance}`);
          super.balanceSeen(balance);
        }
      }
      const moduleRef = await Test.createTestingModule({
        imports: [
          WebcomModule.forRoot(options('main')),
          WebcomModule.forRoot({ ...options('promo'), name: 'promo' }),
        ],
      })
        .overrideProvider(getWebcomProviderToken('telemetry', 'promo'))
        .useFactory({ factory: () => new NotingTelemetry('promo', gateway.baseUrl) })
        .compile();
      await expectWiredTo(moduleRef.get(WebcomService), 'main');
      expect(seen).toEqual([]);
      await expectWiredTo(moduleRef.get<WebcomService>(getWebcomToken('promo')), 'promo');
      expect(seen).toEqual(['balance', 'balance 143777.36']);
      await moduleRef.close();
    });
  });

  it('isGlobal makes the service injectable in modules that do not import WebcomModule', async () => {
    @Injectable()
    class Notifier {
      constructor(readonly webcom: WebcomService) {}
    }
    @Module({ providers: [Notifier], exports: [Notifier] })
    class NotifierModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [WebcomModule.forRoot({ ...options('global'), isGlobal: true }), NotifierModule],
    }).compile();
    await expectWiredTo(moduleRef.get(Notifier).webcom, 'global');
    await moduleRef.close();
  });

  it('without isGlobal, a module that does not import it cannot inject the service', async () => {
    @Injectable()
    class Notifier {
      constructor(readonly webcom: WebcomService) {}
    }
    @Module({ providers: [Notifier] })
    class NotifierModule {}

    await expect(
      Test.createTestingModule({
        imports: [WebcomModule.forRoot(options()), NotifierModule],
      }).compile(),
    ).rejects.toThrow(/WebcomService/);
  });

  it('a named account is a second, independent service', async () => {
    @Injectable()
    class Campaigns {
      constructor(
        readonly transactional: WebcomService,
        @InjectWebcom('marketing') readonly marketing: WebcomService,
      ) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        WebcomModule.forRoot({ ...options('transactional'), isGlobal: true }),
        WebcomModule.forRootAsync({
          name: 'marketing',
          isGlobal: true,
          useFactory: () => options('marketing'),
        }),
      ],
      providers: [Campaigns],
    }).compile();
    const campaigns = moduleRef.get(Campaigns);
    expect(campaigns.marketing).not.toBe(campaigns.transactional);
    expect(moduleRef.get(getWebcomToken('marketing'))).toBe(campaigns.marketing);
    await expectWiredTo(campaigns.transactional, 'transactional');
    await expectWiredTo(campaigns.marketing, 'marketing');
    await moduleRef.close();
  });

  describe('refuses bad options at boot, naming the option and never its value', () => {
    const secret = 'Hunter2&pwd=leak';
    const cases: [string, Partial<WebcomModuleOptions> & Record<string, unknown>, string][] = [
      ['no credentials', { credentials: undefined }, 'credentials'],
      ['an empty password', { credentials: { user: 'u', password: '' } }, 'credentials.password'],
      [
        'a password without a user',
        { credentials: invalid<Credentials>({ password: secret }) },
        'credentials.user',
      ],
      [
        'two credential forms',
        { credentials: invalid<Credentials>({ user: 'u', password: secret, token: secret }) },
        'credentials',
      ],
      [
        'a token hash that is not MD5',
        { credentials: { user: 'u', tokenHash: secret } },
        'credentials.tokenHash',
      ],
      ['a malformed URL', { baseUrl: 'not a url' }, 'baseUrl'],
      ['plain http to a remote host', { baseUrl: 'http://my3.webcom.mobi' }, 'baseUrl'],
      [
        'credentials inside the URL',
        { baseUrl: `https://u:${encodeURIComponent(secret)}@example.com` },
        'baseUrl',
      ],
      ['a negative timeout', { timeoutMs: -1 }, 'timeoutMs'],
      ['fractional retries', { retries: 1.5 }, 'retries'],
      ['zero concurrency', { concurrency: 0 }, 'concurrency'],
      ['a tiny URL limit', { maxUrlLength: 10 }, 'maxUrlLength'],
      ['an unknown sender channel', { senders: invalid<Senders>({ fax: 'x' }) }, 'senders.fax'],
    ];

    it.each(cases)('%s', async (_, override, field) => {
      const bad = {
        credentials: { user: 'u', password: secret },
        baseUrl: 'https://my3.webcom.mobi',
        ...override,
      } as WebcomModuleOptions;
      const boot = Test.createTestingModule({
        imports: [WebcomModule.forRootAsync({ useFactory: () => bad })],
      }).compile();
      const error = await boot.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WebcomValidationError);
      const validation = error as WebcomValidationError;
      expect(validation.errors.map((e) => e.field)).toContain(field);
      expect(validation.message).toContain(field);
      const rendered = `${validation.message} ${validation.stack} ${JSON.stringify(validation)}`;
      expect(rendered).not.toContain('Hunter2');
      expect(rendered).not.toContain(encodeURIComponent(secret));
    });

    it('accepts plain http to a loopback gateway such as the emulator', () => {
      expect(
        () => new WebcomService({ credentials: { token: 't' }, baseUrl: 'http://127.0.0.1:9' }),
      ).not.toThrow();
      expect(
        () => new WebcomService({ credentials: { token: 't' }, baseUrl: 'http://localhost:9/' }),
      ).not.toThrow();
    });
  });
});
