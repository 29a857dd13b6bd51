import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { Test, type TestingModule } from '@nestjs/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebcomHealthIndicator } from '../../lib/health/index.js';
import {
  WebcomModule,
  WebcomService,
  WebcomValidationError,
  type WebcomModuleOptions,
} from '../../lib/index.js';
import { SandboxEmulator } from '../../lib/sandbox/sandbox-emulator.js';

/** A server standing where the gateway would be: it counts what reaches it. */
let gateway: Server;
let requestsToGateway = 0;
let baseUrl: string;

beforeAll(async () => {
  gateway = createServer((_req, res) => {
    requestsToGateway++;
    res.end('{"error":"not the sandbox"}');
  });
  await new Promise<void>((ready) => gateway.listen(0, '127.0.0.1', ready));
  baseUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((done) => gateway.close(done)));

describe('WebcomModule on sandbox: true', () => {
  let moduleRef: TestingModule;
  let warn: jest.SpiedFunction<Logger['warn']>;

  beforeEach(() => {
    requestsToGateway = 0;
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await moduleRef?.close();
    warn.mockRestore();
  });

  const sandboxWarnings = () =>
    warn.mock.calls.filter(([message]) => String(message).includes('sandbox: true'));

  const boots = {
    forRoot: (options: WebcomModuleOptions) => WebcomModule.forRoot(options),
    forRootAsync: (options: WebcomModuleOptions) =>
      WebcomModule.forRootAsync({ useFactory: () => Promise.resolve(options) }),
  };

  describe.each(Object.entries(boots))('through %s', (_how, boot) => {
    beforeEach(async () => {
      // No credentials: a sandbox needs none. The baseUrl is there to prove nothing reaches it.
      moduleRef = await Test.createTestingModule({
        imports: [boot({ sandbox: true, baseUrl, senders: { sms: 'MyShop' } })],
      }).compile();
    });

    it('sends, reads statuses and the balance without a request leaving the process', async () => {
      const webcom = moduleRef.get(WebcomService);
      const { balance: before } = await webcom.getBalance();
      const sent = await webcom.sendSms({ to: ['8 999 123-45-67', '79997654321'], text: 'Hi' });
      expect(sent.messages.map((m) => [m.id, m.to])).toEqual([
        ['1', '79991234567'],
        ['2', '79997654321'],
      ]);
      expect(sent.balance).toBeLessThan(before);
      await expect(webcom.getStatus('1')).resolves.toMatchObject({ state: 'send' });
      await expect(webcom.getStatus('1')).resolves.toMatchObject({ state: 'deliver' });
      expect(requestsToGateway).toBe(0);
    });

    it('refuses what the real module refuses', async () => {
      const webcom = moduleRef.get(WebcomService);
      await expect(webcom.sendSms({ to: '12', text: 'Hi' })).rejects.toBeInstanceOf(
        WebcomValidationError,
      );
      expect(requestsToGateway).toBe(0);
    });

    it('says so once at boot', () => {
      expect(sandboxWarnings()).toHaveLength(1);
      expect(String(sandboxWarnings()[0][0])).toContain('no request leaves this process');
    });
  });

  it('says so at every boot', async () => {
    for (let i = 0; i < 2; i++) {
      const app = await Test.createTestingModule({
        imports: [WebcomModule.forRoot({ sandbox: true })],
      }).compile();
      await app.close();
    }
    expect(sandboxWarnings()).toHaveLength(2);
  });

  it('still needs credentials without it', async () => {
    await expect(
      Test.createTestingModule({
        imports: [WebcomModule.forRoot({ baseUrl })],
      }).compile(),
    ).rejects.toThrow(/credentials/);
  });

  it('is reported by the health indicator', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [TerminusModule, WebcomModule.forRoot({ sandbox: true })],
      providers: [WebcomHealthIndicator],
    }).compile();
    await expect(moduleRef.get(WebcomHealthIndicator).isHealthy()).resolves.toEqual({
      webcom: expect.objectContaining({ status: 'up', sandbox: true }),
    });
  });

  it('is not reported for an account on the gateway', async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        TerminusModule,
        WebcomModule.forRoot({ credentials: { token: 't' }, baseUrl, retries: 0 }),
      ],
      providers: [WebcomHealthIndicator],
    }).compile();
    const result = await moduleRef.get(WebcomHealthIndicator).isHealthy();
    expect(result.webcom).not.toHaveProperty('sandbox');
  });
});

describe('the sandbox emulator', () => {
  it("applies the gateway's combination rules to a send (flashcall is no SMS fallback)", async () => {
    const emulator = new SandboxEmulator();
    const answer = await emulator.get(
      'http://sandbox.invalid/sendsms.php?token=t&type_send_1=sms&type_send_2=flashcall&dadr=79991234567&text_sms_1=Hi&sadr_1=Shop',
    );
    expect(JSON.parse(answer.body)).toEqual({ error: expect.any(String) });
  });
});

describe('WebcomHealthIndicator on @nestjs/terminus 11 (no degraded status)', () => {
  it('stays up below warnBalance and says it is degraded', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WebcomModule.forRoot({ sandbox: true })],
      providers: [
        WebcomHealthIndicator,
        {
          provide: HealthIndicatorService,
          // terminus 11's session: up and down only.
          useValue: {
            check: (key: string) => ({
              up: (data: object) => ({ [key]: { status: 'up', ...data } }),
              down: (data: object) => ({ [key]: { status: 'down', ...data } }),
            }),
          },
        },
      ],
    }).compile();
    await expect(
      moduleRef.get(WebcomHealthIndicator).isHealthy('webcom', { warnBalance: 1_000_000 }),
    ).resolves.toEqual({
      webcom: expect.objectContaining({
        status: 'up',
        degraded: true,
        message: 'balance is below warnBalance',
      }),
    });
    await moduleRef.close();
  });
});
