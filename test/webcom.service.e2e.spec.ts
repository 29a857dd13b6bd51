import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { toArray, firstValueFrom } from 'rxjs';
import { FakeWebcomServer } from '../lib/testing/fake-webcom-server.js';
import {
  getWebcomToken,
  InjectWebcom,
  WebcomModule,
  WebcomService,
  WebcomTrackingTimeoutError,
  WebcomValidationError,
  type WebcomEvent,
} from '../lib/index.js';
import { expectNoSecret } from './support/secret-renderings.js';

const PASSWORD = 'ev&nts=S3cret';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
describe('WebcomService through the public API, against the emulator: tracking, SMS parts, events, several accounts', () => {
  let fake: FakeWebcomServer;
  let webcom: WebcomService;

  beforeAll(async () => {
    fake = await FakeWebcomServer.start({
      accounts: [
        { user: 'shop', password: PASSWORD, balance: 500 },
        { user: 'promo', password: 'promo-pw', balance: 300 },
      ],
      deliverAfterMs: 40,
      readAfterMs: 40,
    });
    webcom = new WebcomService({
      credentials: { user: 'shop', password: PASSWORD },
      baseUrl: fake.baseUrl,
      senders: { sms: 'Shop', viber: 'ShopV' },
      maxSmsSegments: 2,
    });
  });
  afterAll(async () => {
    webcom.onApplicationShutdown();
    await fake.stop();
  });

  describe('tracking', () => {
    const polls = (id: string) =>
      fake.requests.filter((r) => r.operation === 'status' && r.query.msgid === id).length;

    it('an OTP SMS: waitForFinalStatus resolves once it is delivered (settled), and stops', async () => {
      const { messages } = await webcom.sendSms({ to: '79991234567', text: 'code 4821' });
      const id = messages[0].id;
      const status = await webcom.waitForFinalStatus(id, { intervalMs: 10, timeoutMs: 5000 });
      expect(status).toMatchObject({ id, state: 'deliver', settled: true, final: false });
      const seen = polls(id);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(polls(id)).toBe(seen);
    });

    it('an OTP SMS: trackDelivery completes once every message is settled', async () => {
      const { messages } = await webcom.sendSms({
        to: ['79991234567', '79991234999'],
        text: 'code 4821',
      });
      const seen = await firstValueFrom(
        webcom
          .trackDelivery(
            messages.map((m) => m.id),
            { intervalMs: 10, timeoutMs: 5000 },
          )
          .pipe(toArray()),
      );
      expect(seen.filter((s) => s.settled).map((s) => [s.id, s.state])).toEqual(
        expect.arrayContaining([
          [messages[0].id, 'deliver'],
          [messages[1].id, 'expired'],
        ]),
      );
      expect(seen.at(-1)).toMatchObject({ settled: true });
    });

    it("with until 'read', waitForFinalStatus polls past deliver until the message is read, and stops", async () => {
      const { messages } = await webcom.sendViber({ to: '79991234567', text: 'track me' });
      const id = messages[0].id;
      const final = await webcom.waitForFinalStatus(id, {
        until: 'read',
        intervalMs: 10,
        maxIntervalMs: 20,
        timeoutMs: 5000,
      });
      expect(final).toMatchObject({ id, state: 'read', final: true, settled: true });
      const seen = polls(id);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(polls(id)).toBe(seen);
    });

    it("with until 'read', trackDelivery emits each change of each message and completes when all are final", async () => {
      const { messages } = await webcom.sendViber({
        to: ['79991234567', '79991234000'],
        text: 'two',
      });
      const ids = messages.map((m) => m.id);
      const seen = await firstValueFrom(
        webcom
          .trackDelivery(ids, { until: 'read', intervalMs: 10, maxIntervalMs: 20, timeoutMs: 5000 })
          .pipe(toArray()),
      );
      const statesOf = (id: string) => seen.filter((s) => s.id === id).map((s) => s.state);
      expect(statesOf(ids[0]).at(-1)).toBe('read');
      expect(statesOf(ids[1]).at(-1)).toBe('not_deliver');
      for (const id of ids) {
        const states = statesOf(id);
        expect(new Set(states).size).toBe(states.length);
      }
    });

    it('unsubscribing stops all polling', async () => {
      const { messages } = await webcom.sendSms({ to: '79991234567', text: 'stop' });
      const id = messages[0].id;
      fake.setStatus(id, 'send');
      const polls = () => fake.requests.filter((r) => r.query.msgid === id).length;
      const subscription = webcom
        .trackDelivery([id], { intervalMs: 10, maxIntervalMs: 10 })
        .subscribe();
      // Wait for polling to be under way however loaded the machine is, rather than a fixed time.
      const started = Date.now();
      while (polls() < 2 && Date.now() - started < 5_000) await sleep(5);
      subscription.unsubscribe();
      const atUnsubscribe = polls();
      expect(atUnsubscribe).toBeGreaterThanOrEqual(2);
      // A read already on the wire when we unsubscribed may still arrive; nothing after it.
      await sleep(100);
      const settled = polls();
      expect(settled - atUnsubscribe).toBeLessThanOrEqual(1);
      await sleep(200);
      expect(polls()).toBe(settled);
    });

    it('a timeout reports the last state seen', async () => {
      const { messages } = await webcom.sendSms({ to: '79991234567', text: 'stuck' });
      fake.setStatus(messages[0].id, 'deliver');
      const error = await webcom
        .waitForFinalStatus(messages[0].id, { until: 'read', intervalMs: 10, timeoutMs: 80 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebcomTrackingTimeoutError);
      expect((error as WebcomTrackingTimeoutError).lastStatus).toMatchObject({ state: 'deliver' });
    });

    it('getStatuses reads many, in order, and a flashcall code comes back as code', async () => {
      const sms = await webcom.sendSms({ to: '79991234567', text: 'a' });
      const flash = await webcom.sendFlashcall({ to: '79991234568' });
      const statuses = await webcom.getStatuses([flash.messages[0].id, sms.messages[0].id]);
      expect(statuses.map((s) => s.id)).toEqual([flash.messages[0].id, sms.messages[0].id]);
      expect(statuses[0].code).toBe(fake.messages.get(flash.messages[0].id)!.code);
      expect(statuses[0].code).toMatch(/^\d{4}$/);
    });
  });

  describe('SMS parts', () => {
    it('maxSmsSegments refuses a longer text before sending, naming the part count', async () => {
      fake.clearRequests();
      const error = await webcom
        .sendSms({ to: '79991234567', text: 'Ж'.repeat(135) })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebcomValidationError);
      expect((error as WebcomValidationError).errors).toEqual([
        { field: 'text', messages: ['is 3 SMS parts, more than maxSmsSegments (2)'] },
      ]);
      expect(fake.requests).toHaveLength(0);
      await expect(
        webcom.sendSms({ to: '79991234567', text: 'Ж'.repeat(134) }),
      ).resolves.toBeDefined();
    });

    it('applies to an SMS fallback too', async () => {
      await expect(
        webcom.sendViber({
          to: '79991234567',
          text: 'v',
          fallback: { channel: 'sms', text: 'x'.repeat(307) },
        }),
      ).rejects.toMatchObject({ errors: [{ field: 'fallback.text' }] });
    });
  });

  describe('events', () => {
    it('emit sent, status and failed in order, with no secret and no text by default', async () => {
      const events: WebcomEvent[] = [];
      const subscription = webcom.events$.subscribe((event) => events.push(event));
      const { messages } = await webcom.sendSms({
        to: ['79991234567', '79991234568'],
        text: 'secret text',
      });
      fake.setStatus(messages[0].id, 'deliver');
      await webcom.getStatus(messages[0].id);
      fake.setStatus(messages[0].id, 'read');
      await webcom.getStatus(messages[0].id);
      await webcom.getStatus(messages[0].id);
      await webcom.sendSms({ to: 'nope', text: 'x' }).catch(() => undefined);
      subscription.unsubscribe();

      expect(events.map((e) => e.type)).toEqual(['sent', 'status', 'status', 'failed']);
      expect(events[0]).toEqual({
        type: 'sent',
        channel: 'sms',
        recipients: 2,
        // Ids and prices: events carry no phone numbers.
        messages: messages.map(({ id, price }) => ({ id, price })),
        balance: expect.any(Number),
      });
      expect(events[1]).toMatchObject({
        id: messages[0].id,
        state: 'deliver',
        final: false,
        settled: true,
      });
      expect(events[2]).toMatchObject({
        state: 'read',
        previous: 'deliver',
        final: true,
        settled: true,
      });
      expect(events[3]).toMatchObject({
        operation: 'send',
        error: 'WebcomValidationError',
        possiblyDelivered: false,
      });
      const rendered = JSON.stringify(events);
      expectNoSecret([rendered], PASSWORD);
      expect(rendered).not.toContain('secret text');
    });

    it('carry the text when includeTextInEvents is set', async () => {
      const verbose = new WebcomService({
        credentials: { user: 'shop', password: PASSWORD },
        baseUrl: fake.baseUrl,
        senders: { sms: 'Shop' },
        includeTextInEvents: true,
      });
      const sent = firstValueFrom(verbose.events$);
      await verbose.sendSms({ to: '79991234567', text: 'audit me' });
      await expect(sent).resolves.toMatchObject({ type: 'sent', text: 'audit me' });
      verbose.onApplicationShutdown();
    });
  });

  describe('registration', () => {
    const newcomer = {
      type: 'individual' as const,
      login: 'newcomer',
      password: 'Fresh&Pass9',
      name: 'Ann Lee',
      city: 'Kazan',
      phone: '+7 999 123 45 67',
      email: 'ann@example.com',
      actualAddress: 'Baumana 10, flat 1',
    };

    it('is accepted once, then refused with the page text, as a result rather than an error', async () => {
      await expect(webcom.register(newcomer)).resolves.toEqual({
        accepted: true,
        status: 200,
        message: 'Registration complete: newcomer',
      });
      await expect(webcom.register(newcomer)).resolves.toEqual({
        accepted: false,
        status: 400,
        message: 'login: already taken',
      });
    });
  });

  describe('several accounts', () => {
    it('two accounts in one app send with their own credentials and balances', async () => {
      @Injectable()
      class Notifications {
        constructor(
          readonly transactional: WebcomService,
          @InjectWebcom('marketing') readonly marketing: WebcomService,
        ) {}
      }
      const moduleRef = await Test.createTestingModule({
        imports: [
          WebcomModule.forRoot({
            credentials: { user: 'shop', password: PASSWORD },
            baseUrl: fake.baseUrl,
            senders: { sms: 'Shop' },
          }),
          WebcomModule.forRootAsync({
            name: 'marketing',
            useFactory: () =>
              Promise.resolve({
                credentials: { user: 'promo', password: 'promo-pw' },
                baseUrl: fake.baseUrl,
                senders: { sms: 'Promo' },
              }),
          }),
        ],
        providers: [Notifications],
      }).compile();
      const { transactional, marketing } = moduleRef.get(Notifications);
      expect(moduleRef.get(getWebcomToken('marketing'))).toBe(marketing);
      const promoBefore = fake.balanceOf('promo');
      fake.clearRequests();

      await transactional.sendSms({ to: '79991234567', text: 'order shipped' });
      await marketing.sendSms({ to: '79991234567', text: 'sale!' });

      expect(fake.requests.map((r) => [r.query.user, r.query.sadr])).toEqual([
        ['shop', 'Shop'],
        ['promo', 'Promo'],
      ]);
      expect(fake.balanceOf('promo')).toBeLessThan(promoBefore);
      await expect(marketing.getBalance()).resolves.toEqual({ balance: fake.balanceOf('promo') });
      await moduleRef.close();
    });
  });
});
