import 'reflect-metadata';
import { Logger, ServiceUnavailableException, type ModuleMetadata } from '@nestjs/common';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test, type TestingModule } from '@nestjs/testing';
import { WebcomHealthIndicator } from '../../lib/health/index.js';
import {
  getWebcomToken,
  WebcomApiError,
  WebcomModule,
  WebcomTransportError,
} from '../../lib/index.js';
import {
  FakeWebcomServer,
  WebcomTestingGateway,
  WebcomTestingModule,
} from '../../lib/testing/index.js';

describe('WebcomHealthIndicator', () => {
  let moduleRef: TestingModule;
  let indicator: WebcomHealthIndicator;
  let webcom: WebcomTestingGateway;

  async function compile(imports: NonNullable<ModuleMetadata['imports']>) {
    moduleRef = await Test.createTestingModule({
      imports: [TerminusModule, ...imports],
      providers: [WebcomHealthIndicator],
    }).compile();
    indicator = moduleRef.get(WebcomHealthIndicator);
  }

  afterEach(() => moduleRef?.close());

  describe('on the testing module', () => {
    beforeEach(async () => {
      await compile([WebcomTestingModule.forRoot({ balance: 500, currency: 'RUB' })]);
      webcom = moduleRef.get(WebcomTestingGateway);
    });

    it('is up with the balance in the details', async () => {
      await expect(indicator.isHealthy()).resolves.toEqual({
        webcom: { status: 'up', balance: 500, currency: 'RUB' },
      });
    });

    it('uses the key it is given and reports the thresholds it checked', async () => {
      await expect(
        indicator.isHealthy('sms-gateway', { minBalance: 10, warnBalance: 100 }),
      ).resolves.toEqual({
        'sms-gateway': {
          status: 'up',
          balance: 500,
          currency: 'RUB',
          minBalance: 10,
          warnBalance: 100,
        },
      });
    });

    it('is degraded below warnBalance', async () => {
      webcom.setBalance(99.5);
      await expect(
        indicator.isHealthy('webcom', { minBalance: 10, warnBalance: 100 }),
      ).resolves.toEqual({
        webcom: {
          status: 'degraded',
          balance: 99.5,
          currency: 'RUB',
          minBalance: 10,
          warnBalance: 100,
          message: 'balance is below warnBalance',
        },
      });
    });

    it('is down below minBalance, even when warnBalance is lower still', async () => {
      webcom.setBalance(9);
      await expect(
        indicator.isHealthy('webcom', { minBalance: 10, warnBalance: 5 }),
      ).resolves.toEqual({
        webcom: {
          status: 'down',
          balance: 9,
          currency: 'RUB',
          minBalance: 10,
          warnBalance: 5,
          message: 'balance is below minBalance',
        },
      });
    });

    it('a balance equal to a threshold is not below it', async () => {
      webcom.setBalance(100);
      const result = await indicator.isHealthy('webcom', { minBalance: 100, warnBalance: 100 });
      expect(result.webcom.status).toBe('up');
    });

    it('is down with the error name and message when the balance call fails', async () => {
      const error = new WebcomTransportError('ETIMEDOUT', false, 'timed out after 10000 ms');
      webcom.failNext(error);
      await expect(indicator.isHealthy('webcom', { minBalance: 10 })).resolves.toEqual({
        webcom: {
          status: 'down',
          error: 'WebcomTransportError',
          message: `balance unavailable: ${error.message}`,
        },
      });
    });

    it('never throws, whatever the balance call rejects with', async () => {
      webcom.failNext(new TypeError('boom'));
      await expect(indicator.isHealthy()).resolves.toEqual({
        webcom: { status: 'down', error: 'TypeError', message: 'balance unavailable: boom' },
      });
      webcom.failNext('a string' as unknown as Error);
      await expect(indicator.isHealthy()).resolves.toMatchObject({ webcom: { status: 'down' } });
    });

    it('is down, not thrown, for invalid options', async () => {
      await expect(indicator.isHealthy('webcom', { minBalance: Number.NaN })).resolves.toEqual({
        webcom: { status: 'down', message: 'minBalance must be a finite number' },
      });
      await expect(indicator.isHealthy('webcom', { timeoutMs: 0 })).resolves.toEqual({
        webcom: { status: 'down', message: 'timeoutMs must be a positive whole number' },
      });
    });

    it('is down, not thrown, when no service is registered for the account', async () => {
      await expect(indicator.isHealthy('webcom', { account: 'marketing' })).resolves.toEqual({
        webcom: {
          status: 'down',
          error: 'Error',
          message:
            'balance unavailable: no WebcomService is registered for the account "marketing"',
          accounts: ['(default)'],
        },
      });
    });
  });

  it('lists the accounts that exist when asked for one that does not', async () => {
    await compile([
      WebcomTestingModule.forRoot({ balance: 500 }),
      WebcomTestingModule.forRoot({ name: 'marketing', balance: 20 }),
      WebcomTestingModule.forRoot({ name: 'billing:eu', balance: 20 }),
    ]);
    await expect(indicator.isHealthy('webcom', { account: 'markting' })).resolves.toEqual({
      webcom: {
        status: 'down',
        error: 'Error',
        message: 'balance unavailable: no WebcomService is registered for the account "markting"',
        accounts: ['(default)', 'billing:eu', 'marketing'],
      },
    });
  });

  it('lists no accounts when none is registered, and asked for the default one', async () => {
    await compile([]);
    await expect(indicator.isHealthy()).resolves.toEqual({
      webcom: {
        status: 'down',
        error: 'Error',
        message: 'balance unavailable: no WebcomService is registered for the default account',
        accounts: [],
      },
    });
  });

  it('checks a named account with `account`', async () => {
    await compile([
      WebcomTestingModule.forRoot({ balance: 500 }),
      WebcomTestingModule.forRoot({ name: 'marketing', balance: 20 }),
    ]);
    await expect(
      indicator.isHealthy('webcom-marketing', { account: 'marketing', warnBalance: 50 }),
    ).resolves.toMatchObject({ 'webcom-marketing': { status: 'degraded', balance: 20 } });
  });

  it('is down when the balance does not come within timeoutMs', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TerminusModule],
      providers: [
        WebcomHealthIndicator,
        { provide: getWebcomToken(), useValue: { getBalance: () => new Promise(() => {}) } },
      ],
    }).compile();
    indicator = moduleRef.get(WebcomHealthIndicator);
    await expect(indicator.isHealthy('webcom', { timeoutMs: 20 })).resolves.toEqual({
      webcom: {
        status: 'down',
        error: 'HealthCheckTimeout',
        message: 'balance unavailable: no balance within 20 ms',
      },
    });
  });

  describe('with the real module and HealthCheckService', () => {
    let fake: FakeWebcomServer;
    let health: HealthCheckService;
    const PASSWORD = 'pa55-w0rd-never-shown';

    // Terminus logs each failed check as an error; here they are the expected outcome.
    beforeAll(() => Logger.overrideLogger(false));
    afterAll(() => Logger.overrideLogger(['error']));

    beforeAll(async () => {
      fake = await FakeWebcomServer.start({
        accounts: [{ user: 'shop', password: PASSWORD, balance: 300 }],
      });
    });
    afterAll(() => fake.stop());

    async function compileReal(password: string) {
      await compile([
        WebcomModule.forRoot({
          credentials: { user: 'shop', password },
          baseUrl: fake.baseUrl,
          retries: 0,
        }),
      ]);
      health = moduleRef.get(HealthCheckService);
    }

    const check = (options = { minBalance: 100, warnBalance: 200 }) =>
      health.check([() => indicator.isHealthy('webcom', options)]);

    it('reports ok, degraded and error through terminus', async () => {
      await compileReal(PASSWORD);
      fake.setBalance(300);
      await expect(check()).resolves.toMatchObject({
        status: 'ok',
        details: { webcom: { status: 'up', balance: 300 } },
      });
      fake.setBalance(150);
      await expect(check()).resolves.toMatchObject({
        status: 'degraded',
        details: { webcom: { status: 'degraded', balance: 150 } },
      });
      fake.setBalance(50);
      const down = await check().catch((error: unknown) => error);
      expect(down).toBeInstanceOf(ServiceUnavailableException);
      expect((down as ServiceUnavailableException).getResponse()).toMatchObject({
        status: 'error',
        error: { webcom: { status: 'down', balance: 50 } },
      });
    });

    it('a refused call is down with the reason, and never shows the password', async () => {
      await compileReal(`${PASSWORD}-wrong`);
      const down = await check().catch((error: unknown) => error);
      const response = (down as ServiceUnavailableException).getResponse();
      expect(response).toMatchObject({
        error: { webcom: { status: 'down', error: WebcomApiError.name } },
      });
      expect(JSON.stringify(response)).toContain('authorization failed');
      expect(JSON.stringify(response)).not.toContain(PASSWORD);
    });
  });
});
