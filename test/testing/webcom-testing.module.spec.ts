import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { firstValueFrom, toArray, type Observable } from 'rxjs';
import {
  getWebcomToken,
  InjectWebcom,
  WebcomApiError,
  WebcomPartialSendError,
  WebcomService,
  WebcomTransportError,
  WebcomValidationError,
  type CascadePrimary,
  type FallbackOf,
  type SendSmsDto,
  type SendViberDto,
  type VoiceNumber,
  type WebcomEvent,
  type WebcomModuleOptions,
  type WebcomOptionsFactory,
} from '../../lib/index.js';
import {
  DEFAULT_PRICES,
  getWebcomTestingGatewayToken,
  WEBCOM_TESTING_FLASHCALL_CODE,
  WebcomTestingGateway,
  WebcomTestingModule,
  type WebcomTestingModuleOptions,
} from '../../lib/testing/index.js';
import { invalid } from '../support/thrown.js';

const SENDERS = {
  sms: 'ShopSMS',
  viber: 'ShopViber',
  voice: 'ShopVoice',
  telegram: 'ShopTg',
  whatsapp: 'ShopWa',
};

describe('WebcomTestingModule', () => {
  let moduleRef: TestingModule;
  let webcom: WebcomService;
  let testing: WebcomTestingGateway;

  async function compile(options: WebcomTestingModuleOptions = { senders: SENDERS }) {
    moduleRef = await Test.createTestingModule({
      imports: [WebcomTestingModule.forRoot(options)],
    }).compile();
    webcom = moduleRef.get(WebcomService);
    testing = moduleRef.get(WebcomTestingGateway);
  }

  /** Everything `events$` emits while `act` runs. */
  async function eventsDuring(act: () => Promise<unknown>): Promise<WebcomEvent[]> {
    const events: WebcomEvent[] = [];
    const subscription = webcom.events$.subscribe((event) => events.push(event));
    await act().catch(() => undefined);
    subscription.unsubscribe();
    return events;
  }

  afterEach(() => moduleRef?.close());

  describe('sends', () => {
    beforeEach(() => compile());

    it('answers a send with an id and a price per recipient, paid from the balance', async () => {
      const result = await webcom.sendSms({
        to: ['+7 (999) 123-45-67', '8 999 765 43 21'],
        text: 'Code 1234',
      });
      expect(result).toEqual({
        messages: [
          { id: '1', to: '79991234567', price: DEFAULT_PRICES.sms },
          { id: '2', to: '79997654321', price: DEFAULT_PRICES.sms },
        ],
        balance: 1000 - 2 * DEFAULT_PRICES.sms,
      });
      expect(testing.balance).toBe(result.balance);
      await expect(webcom.getBalance()).resolves.toEqual({ balance: result.balance });
    });

    it('records each accepted send with its channel, digits, resolved sender and text', async () => {
      await webcom.sendSms({ to: '+7 999 123-45-67', text: 'Hello' });
      await webcom.sendViber({
        to: '79991234567',
        from: 'Promo',
        imageUrl: 'https://x.test/a.png',
      });
      expect(testing.sent).toEqual([
        expect.objectContaining({
          method: 'sendSms',
          channel: 'sms',
          to: ['79991234567'],
          from: 'ShopSMS',
          text: 'Hello',
        }),
        expect.objectContaining({ method: 'sendViber', channel: 'viber', from: 'Promo' }),
      ]);
      expect(testing.sent[1]).not.toHaveProperty('text');
      expect(testing.sent[1].dto).toMatchObject({ imageUrl: 'https://x.test/a.png' });
      expect(testing.sent[0].result.messages).toEqual([
        { id: '1', to: '79991234567', price: DEFAULT_PRICES.sms },
      ]);
    });

    it('every channel has its price; a voice IVR call is priced as voice_ivr', async () => {
      await webcom.sendVoice({ to: '79991234567', text: 'Hi', ivr: true });
      await webcom.sendFlashcall({ to: '79991234567' });
      await webcom.sendTelegram({ to: '79991234567', text: 'Hi' });
      await webcom.sendWhatsapp({ to: '79991234567', text: 'Hi' });
      expect(testing.sent.map((s) => s.result.messages[0].price)).toEqual([
        DEFAULT_PRICES.voice_ivr,
        DEFAULT_PRICES.flashcall,
        DEFAULT_PRICES.telegram,
        DEFAULT_PRICES.whatsapp,
      ]);
      expect(testing.sent[1]).not.toHaveProperty('from');
    });

    it('a cascade is recorded on its primary channel', async () => {
      await webcom.sendCascade({
        to: '79991234567',
        primary: { channel: 'viber', text: 'Hi' },
        fallback: { channel: 'sms', text: 'Hi by SMS' },
      });
      expect(testing.sent[0]).toMatchObject({
        method: 'sendCascade',
        channel: 'viber',
        from: 'ShopViber',
        text: 'Hi',
      });
      expect(testing.sent[0].dto).toMatchObject({ fallback: { channel: 'sms' } });
    });

    it('refuses a send the balance cannot pay, as the gateway does', async () => {
      testing.setBalance(1);
      await expect(webcom.sendSms({ to: '79991234567', text: 'Hi' })).rejects.toBeInstanceOf(
        WebcomApiError,
      );
      expect(testing.sent).toEqual([]);
      expect(testing.balance).toBe(1);
    });
  });

  describe('validation, the same as the real service', () => {
    let real: WebcomService;
    const realOptions = (extra: Partial<WebcomModuleOptions>): WebcomModuleOptions => ({
      credentials: { token: 'unused' },
      // Nothing listens there: a call that got past validation would fail, not pass.
      baseUrl: 'http://127.0.0.1:9',
      retries: 0,
      ...extra,
    });

    afterEach(() => real.onApplicationShutdown());

    /** Both services refuse `call` with the same field errors, before any request. */
    async function expectSameRefusal(
      call: (service: WebcomService) => Promise<unknown>,
      options: Partial<WebcomModuleOptions> = { senders: SENDERS },
    ) {
      real = new WebcomService(realOptions(options));
      await compile(options);
      const realError = await call(real).catch((error: unknown) => error);
      const standInError = await call(webcom).catch((error: unknown) => error);
      expect(realError).toBeInstanceOf(WebcomValidationError);
      expect(standInError).toBeInstanceOf(WebcomValidationError);
      expect((standInError as WebcomValidationError).errors).toEqual(
        (realError as WebcomValidationError).errors,
      );
      expect(testing.sent).toEqual([]);
      return (standInError as WebcomValidationError).errors;
    }

    it.each<[string, (service: WebcomService) => Promise<unknown>]>([
      ['a number that is no phone number', (s) => s.sendSms({ to: 'call me', text: 'Hi' })],
      ['a misspelt field', (s) => s.sendSms(invalid<SendSmsDto>({ to: '79991234567', txt: 'Hi' }))],
      [
        'a button without text',
        (s) =>
          s.sendViber(
            invalid<SendViberDto>({
              to: '79991234567',
              imageUrl: 'https://x.test/a.png',
              button: {},
            }),
          ),
      ],
      ['voice with neither text nor audio', (s) => s.sendVoice({ to: '79991234567' })],
      [
        'a voice out of range',
        (s) => s.sendVoice({ to: '79991234567', text: 'Hi', voice: invalid<VoiceNumber>(9) }),
      ],
      [
        'a fallback the channel does not allow',
        (s) =>
          s.sendTelegram({
            to: '79991234567',
            text: 'Hi',
            fallback: invalid<FallbackOf<'telegram'>>({ channel: 'viber', text: 'x' }),
          }),
      ],
      [
        'a cascade without primary content',
        (s) =>
          s.sendCascade({
            to: '79991234567',
            primary: invalid<CascadePrimary>({ channel: 'sms' }),
            fallback: { channel: 'viber', text: 'x' },
          }),
      ],
      ['a blank status id', (s) => s.getStatus('  ')],
      [
        'a legal entity without its tax number',
        (s) =>
          s.register({
            type: 'legal',
            login: 'shop',
            password: 'pw',
            name: 'Ivan Petrov',
            city: 'Moscow',
            phone: '+79991234567',
            email: 'shop@example.com',
            legalAddress: 'Moscow, Tverskaya 1',
            companyName: 'Shop LLC',
          }),
      ],
    ])('%s', async (_case, call) => {
      await expectSameRefusal(call);
    });

    it('a send with no sender in the call nor in the options', async () => {
      const errors = await expectSameRefusal(
        (s) => s.sendSms({ to: '79991234567', text: 'Hi' }),
        {},
      );
      expect(errors[0].field).toBe('from');
    });

    it('an SMS longer than maxSmsSegments', async () => {
      await expectSameRefusal((s) => s.sendSms({ to: '79991234567', text: 'x'.repeat(200) }), {
        senders: SENDERS,
        maxSmsSegments: 1,
      });
    });

    it('invalid module options stop forRoot, as they stop WebcomModule', () => {
      expect(() => WebcomTestingModule.forRoot({ senders: { sms: '' } })).toThrow(
        WebcomValidationError,
      );
    });
  });

  describe('calls and scripted failures', () => {
    beforeEach(() => compile());

    it('records every call in order, refused ones with their error', async () => {
      await webcom.getBalance();
      await webcom.sendSms({ to: 'nope', text: 'Hi' }).catch(() => undefined);
      await webcom.register({
        type: 'individual',
        login: 'ivan',
        password: 'pw',
        name: 'Ivan Petrov',
        city: 'Moscow',
        phone: '+79991234567',
        email: 'ivan@example.com',
        actualAddress: 'Moscow, Tverskaya 1',
      });
      expect(testing.calls.map((c) => c.method)).toEqual(['getBalance', 'sendSms', 'register']);
      expect(testing.calls[0]).toEqual({ method: 'getBalance', result: { balance: 1000 } });
      expect(testing.calls[1].argument).toEqual({ to: 'nope', text: 'Hi' });
      expect(testing.calls[1].error).toBeInstanceOf(WebcomValidationError);
      expect(testing.calls[2].result).toEqual({
        accepted: true,
        status: 200,
        message: 'Registration complete',
      });
    });

    it('failNext fails the next call of that method after validation, then answers again', async () => {
      const timeout = new WebcomTransportError('ETIMEDOUT', true, 'timed out');
      testing.failNext(timeout, { method: 'sendSms' });

      await expect(webcom.getBalance()).resolves.toEqual({ balance: 1000 });
      await expect(webcom.sendSms({ to: 'nope', text: 'Hi' })).rejects.toBeInstanceOf(
        WebcomValidationError,
      );
      await expect(webcom.sendSms({ to: '79991234567', text: 'Hi' })).rejects.toBe(timeout);
      expect(testing.sent).toEqual([]);
      expect(testing.balance).toBe(1000);
      await expect(webcom.sendSms({ to: '79991234567', text: 'Hi' })).resolves.toBeDefined();
    });

    it('failNext without a method fails the next call of any method, `times` in a row', async () => {
      const refused = new WebcomApiError(503, 'Service Unavailable');
      testing.failNext(refused, { times: 2 });
      await expect(webcom.getBalance()).rejects.toBe(refused);
      await expect(webcom.getStatus('1')).rejects.toBe(refused);
      await expect(webcom.getBalance()).resolves.toEqual({ balance: 1000 });
      expect(() => testing.failNext(refused, { times: 0 })).toThrow(RangeError);
    });

    it('a send split over requests is recorded per request; a failure fails only its part', async () => {
      await compile({ senders: SENDERS, maxUrlLength: 256, concurrency: 1 });
      const to = Array.from({ length: 20 }, (_, i) => `7999000${String(i).padStart(4, '0')}`);
      const timeout = new WebcomTransportError('ETIMEDOUT', true, 'timed out');
      testing.failNext(timeout, { method: 'sendSms' });

      const error = await webcom.sendSms({ to, text: 'Hi' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebcomPartialSendError);
      const { sent, failed } = error as WebcomPartialSendError;
      expect(failed).toEqual([{ to: expect.any(Array), error: timeout }]);
      expect(testing.sent.length).toBeGreaterThan(0);
      expect(testing.sent.every((s) => s.method === 'sendSms')).toBe(true);
      const accepted = testing.sent.flatMap((s) => s.to);
      expect([...failed[0].to, ...accepted]).toEqual(to);
      expect(sent.messages).toHaveLength(accepted.length);
      expect(testing.calls).toHaveLength(1);
    });

    it('reset forgets records, failures and statuses and restores the balance', async () => {
      const { messages } = await webcom.sendSms({ to: '79991234567', text: 'Hi' });
      testing.failNext(new WebcomApiError(500, ''));
      testing.reset();
      expect(testing.sent).toEqual([]);
      expect(testing.calls).toEqual([]);
      expect(testing.balance).toBe(1000);
      await expect(webcom.getStatus(messages[0].id)).rejects.toBeInstanceOf(WebcomApiError);
    });
  });

  describe('statuses and balance', () => {
    it('a new message reads `send` until the test sets its statuses, the last one repeating', async () => {
      await compile();
      const { messages } = await webcom.sendSms({ to: '79991234567', text: 'Hi' });
      const id = messages[0].id;
      await expect(webcom.getStatus(id)).resolves.toEqual({
        id,
        state: 'send',
        final: false,
        settled: false,
      });

      testing.setStatus(id, 'deliver', { state: 'read', time: '2026-11-27 12:00:00' });
      await expect(webcom.getStatus(id)).resolves.toEqual({
        id,
        state: 'deliver',
        final: false,
        settled: true,
      });
      const read = { id, state: 'read', final: true, settled: true, time: '2026-11-27 12:00:00' };
      await expect(webcom.getStatus(id)).resolves.toEqual(read);
      await expect(webcom.getStatus(id)).resolves.toEqual(read);
    });

    it('an unknown id is refused as the gateway refuses it; setStatus makes any id known', async () => {
      await compile();
      await expect(webcom.getStatus('42')).rejects.toBeInstanceOf(WebcomApiError);
      testing.setStatus('42', 'not_deliver');
      await expect(webcom.getStatus('42')).resolves.toEqual({
        id: '42',
        state: 'not_deliver',
        final: true,
        settled: true,
      });
      expect(() => testing.setStatus('42')).toThrow(RangeError);
    });

    it('a flashcall status carries its code', async () => {
      await compile();
      const { messages } = await webcom.sendFlashcall({ to: '79991234567' });
      await expect(webcom.getStatus(messages[0].id)).resolves.toMatchObject({
        code: WEBCOM_TESTING_FLASHCALL_CODE,
      });
      testing.setStatus(messages[0].id, { state: 'deliver', code: '4821' });
      await expect(webcom.getStatus(messages[0].id)).resolves.toMatchObject({ code: '4821' });
    });

    it('the starting balance, currency, prices and statuses come from the options', async () => {
      await compile({
        senders: SENDERS,
        balance: 50,
        currency: 'RUB',
        prices: { sms: 10 },
        statuses: ['send', 'deliver', 'read'],
      });
      const { messages, balance } = await webcom.sendSms({ to: '79991234567', text: 'Hi' });
      expect(balance).toBe(40);
      await expect(webcom.getBalance()).resolves.toEqual({ balance: 40, currency: 'RUB' });
      const states = [];
      for (let read = 0; read < 4; read++)
        states.push((await webcom.getStatus(messages[0].id)).state);
      expect(states).toEqual(['send', 'deliver', 'read', 'read']);
    });

    it('waitForFinalStatus and trackDelivery poll the scripted statuses', async () => {
      await compile({ senders: SENDERS, statuses: ['send', 'deliver', 'read'] });
      const { messages } = await webcom.sendViber({
        to: ['79991234567', '79997654321'],
        text: 'Hi',
      });
      const [first, second] = messages.map((m) => m.id);
      testing.setStatus(second, 'send', 'expired');

      const tracked = await firstValueFrom(
        webcom.trackDelivery([first, second], { intervalMs: 1, until: 'read' }).pipe(toArray()),
      );
      expect(tracked.map((s) => `${s.id}:${s.state}`)).toEqual([
        `${first}:send`,
        `${second}:send`,
        `${first}:deliver`,
        `${second}:expired`,
        `${first}:read`,
      ]);
      testing.setStatus(first, 'send', 'read');
      await expect(
        webcom.waitForFinalStatus(first, { intervalMs: 1, until: 'read' }),
      ).resolves.toMatchObject({ state: 'read', final: true, settled: true });
      // By default a wait ends at `deliver`, as an SMS never goes further.
      testing.setStatus(first, 'send', 'deliver', 'read');
      await expect(webcom.waitForFinalStatus(first, { intervalMs: 1 })).resolves.toMatchObject({
        state: 'deliver',
        final: false,
        settled: true,
      });
      await expect(webcom.getStatuses([first, second])).resolves.toEqual([
        expect.objectContaining({ state: 'read' }),
        expect.objectContaining({ state: 'expired' }),
      ]);
    });
  });

  describe('events$', () => {
    it('emits what the real service emits: sent, failed and status changes, without text', async () => {
      await compile();
      let id = '';
      const events = await eventsDuring(async () => {
        id = (await webcom.sendSms({ to: '79991234567', text: 'Secret code 1234' })).messages[0].id;
        await webcom.sendSms({ to: 'nope', text: 'Hi' }).catch(() => undefined);
        testing.failNext(new WebcomTransportError('ECONNRESET', true, 'reset'));
        await webcom.sendSms({ to: '79991234567', text: 'Hi' }).catch(() => undefined);
        testing.setStatus(id, 'send', 'send', 'deliver');
        for (let read = 0; read < 3; read++) await webcom.getStatus(id);
      });
      expect(events).toEqual([
        {
          type: 'sent',
          channel: 'sms',
          recipients: 1,
          messages: [{ id, price: DEFAULT_PRICES.sms }],
          balance: 1000 - DEFAULT_PRICES.sms,
        },
        expect.objectContaining({
          type: 'failed',
          operation: 'send',
          channel: 'sms',
          error: 'WebcomValidationError',
          possiblyDelivered: false,
        }),
        expect.objectContaining({
          type: 'failed',
          operation: 'send',
          channel: 'sms',
          recipients: 1,
          error: 'WebcomTransportError',
          possiblyDelivered: true,
        }),
        { type: 'status', id, state: 'send', final: false, settled: false },
        {
          type: 'status',
          id,
          state: 'deliver',
          previous: 'send',
          final: false,
          settled: true,
        },
      ]);
      expect(JSON.stringify(events)).not.toContain('Secret code');
    });

    it('carries the text with includeTextInEvents, and completes when the module closes', async () => {
      await compile({ senders: SENDERS, includeTextInEvents: true });
      const all: Observable<WebcomEvent[]> = webcom.events$.pipe(toArray());
      const collected = firstValueFrom(all);
      await webcom.sendSms({ to: '79991234567', text: 'Hello' });
      await moduleRef.close();
      expect(await collected).toEqual([expect.objectContaining({ type: 'sent', text: 'Hello' })]);
    });
  });

  describe('at shutdown', () => {
    const SHUTDOWN = { name: 'WebcomTransportError', code: 'ESHUTDOWN', possiblyDelivered: false };

    it('closing the module ends a pending wait at once, and it reads no more', async () => {
      await compile();
      const { messages } = await webcom.sendSms({ to: '79991234567', text: 'Hi' });
      const wait = webcom.waitForFinalStatus(messages[0].id, { intervalMs: 1, maxIntervalMs: 1 });
      // Reads are 50 ms apart at the default budget of 20 a second.
      await new Promise((resolve) => setTimeout(resolve, 150));
      await moduleRef.close();
      await expect(wait).rejects.toMatchObject(SHUTDOWN);
      const reads = testing.calls.filter((call) => call.method === 'getStatus').length;
      expect(reads).toBeGreaterThan(1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(testing.calls.filter((call) => call.method === 'getStatus')).toHaveLength(reads);
    });

    it('a call made after the module closed is refused, and nothing is sent or paid', async () => {
      await compile();
      await moduleRef.close();
      await expect(webcom.sendSms({ to: '79991234567', text: 'Hi' })).rejects.toMatchObject(
        SHUTDOWN,
      );
      await expect(webcom.getBalance()).rejects.toMatchObject(SHUTDOWN);
      expect(testing.sent).toEqual([]);
      expect(testing.balance).toBe(1000);
    });
  });

  describe('in an application', () => {
    @Injectable()
    class Notifier {
      constructor(
        private readonly webcom: WebcomService,
        @InjectWebcom('marketing') private readonly marketing: WebcomService,
      ) {}

      async notify(phone: string) {
        await this.webcom.sendSms({ to: phone, text: 'Your order shipped' });
        await this.marketing.sendViber({ to: phone, text: 'Rate us!' });
      }
    }

    it('named accounts are separate, each with its own controller', async () => {
      moduleRef = await Test.createTestingModule({
        imports: [
          WebcomTestingModule.forRoot({ senders: SENDERS }),
          WebcomTestingModule.forRoot({ name: 'marketing', senders: SENDERS, balance: 5 }),
        ],
        providers: [Notifier],
      }).compile();
      await moduleRef.get(Notifier).notify('+7 999 123 45 67');

      const orders = moduleRef.get(WebcomTestingGateway);
      const marketing = moduleRef.get<WebcomTestingGateway>(
        getWebcomTestingGatewayToken('marketing'),
      );
      expect(orders.sent.map((s) => s.channel)).toEqual(['sms']);
      expect(marketing.sent.map((s) => s.channel)).toEqual(['viber']);
      expect(marketing.balance).toBe(5 - DEFAULT_PRICES.viber);
      expect(moduleRef.get(getWebcomToken('marketing'))).not.toBe(moduleRef.get(WebcomService));
    });

    it('isGlobal makes the stand-in visible to every module', async () => {
      @Module({ providers: [Notifier], exports: [Notifier] })
      class NotificationsModule {}

      moduleRef = await Test.createTestingModule({
        imports: [
          WebcomTestingModule.forRoot({ senders: SENDERS, isGlobal: true }),
          WebcomTestingModule.forRoot({ name: 'marketing', senders: SENDERS, isGlobal: true }),
          NotificationsModule,
        ],
      }).compile();
      await moduleRef.get(Notifier).notify('79991234567');
      expect(moduleRef.get(WebcomTestingGateway).sent).toHaveLength(1);
    });
  });

  describe('forRootAsync', () => {
    /** The app's configuration, as `ConfigModule` reads it from the environment. */
    const config = ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [() => ({ WEBCOM_SENDER_SMS: 'ConfigShop', WEBCOM_TEST_BALANCE: 7 })],
    });

    it("builds the account from the app's ConfigService, gateway settings included", async () => {
      moduleRef = await Test.createTestingModule({
        imports: [
          config,
          WebcomTestingModule.forRootAsync({
            imports: [ConfigModule],
            inject: [ConfigService],
            useFactory: (settings: ConfigService) => ({
              senders: { sms: settings.getOrThrow<string>('WEBCOM_SENDER_SMS') },
              balance: settings.getOrThrow<number>('WEBCOM_TEST_BALANCE'),
            }),
          }),
        ],
      }).compile();
      webcom = moduleRef.get(WebcomService);
      testing = moduleRef.get(WebcomTestingGateway);

      await webcom.sendSms({ to: '8 999 123-45-67', text: 'Hi' });
      expect(testing.sent).toEqual([
        expect.objectContaining({ channel: 'sms', to: ['79991234567'], from: 'ConfigShop' }),
      ]);
      expect(testing.balance).toBe(7 - DEFAULT_PRICES.sms);
    });

    it('takes an async factory, a name and isGlobal, as WebcomModule.forRootAsync does', async () => {
      @Injectable()
      class Marketing {
        constructor(@InjectWebcom('marketing') readonly webcom: WebcomService) {}
      }
      @Module({ providers: [Marketing], exports: [Marketing] })
      class MarketingModule {}

      moduleRef = await Test.createTestingModule({
        imports: [
          config,
          WebcomTestingModule.forRootAsync({
            name: 'marketing',
            isGlobal: true,
            inject: [ConfigService],
            useFactory: (settings: ConfigService) =>
              Promise.resolve({ senders: { viber: `${settings.get('WEBCOM_SENDER_SMS')}Viber` } }),
          }),
          MarketingModule,
        ],
      }).compile();

      await moduleRef.get(Marketing).webcom.sendViber({ to: '79991234567', text: 'Sale' });
      const marketing = moduleRef.get<WebcomTestingGateway>(
        getWebcomTestingGatewayToken('marketing'),
      );
      expect(marketing.sent).toEqual([
        expect.objectContaining({ channel: 'viber', from: 'ConfigShopViber' }),
      ]);
    });

    it("takes the app's WebcomOptionsFactory with useClass", async () => {
      @Injectable()
      class AppWebcomOptions implements WebcomOptionsFactory {
        constructor(private readonly settings: ConfigService) {}
        createWebcomOptions(): WebcomModuleOptions {
          return {
            credentials: { token: 'live-token' },
            senders: { sms: this.settings.getOrThrow<string>('WEBCOM_SENDER_SMS') },
          };
        }
      }

      moduleRef = await Test.createTestingModule({
        imports: [config, WebcomTestingModule.forRootAsync({ useClass: AppWebcomOptions })],
      }).compile();
      await moduleRef.get(WebcomService).sendSms({ to: '79991234567', text: 'Hi' });
      expect(moduleRef.get(WebcomTestingGateway).sent).toEqual([
        expect.objectContaining({ from: 'ConfigShop' }),
      ]);
    });

    it('takes an options factory the imports export, with useExisting', async () => {
      @Injectable()
      class TestWebcomOptions implements WebcomOptionsFactory {
        createWebcomOptions(): WebcomModuleOptions {
          return { credentials: { token: 't' }, senders: { sms: 'Existing' } };
        }
      }
      @Module({ providers: [TestWebcomOptions], exports: [TestWebcomOptions] })
      class OptionsModule {}

      moduleRef = await Test.createTestingModule({
        imports: [
          WebcomTestingModule.forRootAsync({
            imports: [OptionsModule],
            useExisting: TestWebcomOptions,
          }),
        ],
      }).compile();
      await moduleRef.get(WebcomService).sendSms({ to: '79991234567', text: 'Hi' });
      expect(moduleRef.get(WebcomTestingGateway).sent).toEqual([
        expect.objectContaining({ from: 'Existing' }),
      ]);
    });

    it("bad options from the factory stop the module's compile, as they stop WebcomModule", async () => {
      const compiling = Test.createTestingModule({
        imports: [
          WebcomTestingModule.forRootAsync({ useFactory: () => ({ senders: { sms: '' } }) }),
        ],
      }).compile();
      await expect(compiling).rejects.toThrow(WebcomValidationError);
      const named = Test.createTestingModule({
        imports: [
          WebcomTestingModule.forRootAsync({
            name: 'marketing',
            useFactory: () => ({ senders: { sms: '' } }),
          }),
        ],
      }).compile();
      await expect(named).rejects.toThrow("(account 'marketing')");
    });

    it('needs exactly one of useFactory, useClass and useExisting', () => {
      expect(() => WebcomTestingModule.forRootAsync({})).toThrow(/exactly one of useFactory/);
    });
  });
});
