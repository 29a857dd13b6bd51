import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { CapturingLogger } from './support/capturing-logger.js';
import { lastValueFrom, toArray } from 'rxjs';
import {
  WebcomAmbiguousSendError,
  WebcomPartialSendError,
  WebcomService,
  WebcomValidationError,
  webcomErrorResponse,
  type WebcomEvent,
  type WebcomModuleOptions,
} from '../lib/index.js';
import { RecordingGateway, successAnswer, type Answer } from './support/recording-gateway.js';
import { expectNoSecret, phpEchoes, renderings } from './support/secret-renderings.js';
import { invalid } from './support/thrown.js';

/** Every PHP echo form of `value`, one per line. */
const echoOf = (value: string) =>
  phpEchoes(value)
    .map(([form, echoed]) => `${form}: ${echoed}`)
    .join('\n');

/**
 * Issue 11 through the public service, on the wire: what a user meets when input is hostile or
 * the gateway's answer is odd.
 */
describe('hardening on the wire', () => {
  let gateway: RecordingGateway;
  let service: WebcomService;
  let events: WebcomEvent[];
  const create = (extra: Partial<WebcomModuleOptions> = {}) => {
    const created = new WebcomService({
      credentials: { user: 'shop', password: 'pw' },
      baseUrl: gateway.baseUrl,
      senders: { sms: 'Shop', viber: 'ShopV', voice: 'ShopVoice' },
      retries: 0,
      // The request log lines too are checked for what must never be logged.
      logRequests: true,
      ...extra,
    });
    created.events$.subscribe((event) => events.push(event));
    return created;
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e,
    );
  /** A send answer with the given JSON `information` entries. */
  const answerWith =
    (information: string, balance = '"10"'): Answer =>
    () => ({ body: `{"information":[${information}],"balance":${balance}}` });

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });
  beforeEach(() => {
    gateway.requests.length = 0;
    gateway.answer = successAnswer;
    events = [];
    service = create();
  });
  afterEach(() => service.onApplicationShutdown());
  afterAll(() => gateway.stop());

  describe('input', () => {
    it.each([
      ['from', () => service.sendSms({ to: '79991234567', text: 'hi', from: 'S\uD800' }), 'from'],
      [
        'fallback.from',
        () =>
          service.sendViber({
            to: '79991234567',
            text: 'hi',
            fallback: { channel: 'sms', text: 'x', from: '\uDC00' },
          }),
        'fallback.from',
      ],
      [
        'audioUrl',
        () => service.sendVoice({ to: '79991234567', audioUrl: 'https://x.example/\uD800' }),
        'audioUrl',
      ],
      ['a status id', () => service.getStatus('12\uD800'), 'id'],
      [
        'a registration field',
        () =>
          service.register({
            type: 'individual',
            login: 'new\uD800',
            password: 'secret',
            name: 'Ivan',
            city: 'Moscow',
            phone: '79991234567',
            email: 'a@example.com',
            actualAddress: 'Moscow, Tverskaya 7',
          }),
        'login',
      ],
    ])('a lone surrogate in %s is a WebcomValidationError naming it', async (_, call, field) => {
      const error = await failure(call());
      expect(error).toBeInstanceOf(WebcomValidationError);
      expect((error as WebcomValidationError).errors.map((e) => e.field)).toEqual([field]);
      expect(gateway.requests).toHaveLength(0);
    });

    it('several numbers in one string are refused, nothing sent, the error telling to pass an array', async () => {
      const error = await failure(service.sendSms({ to: '79991234567;79997654321', text: 'hi' }));
      expect(error).toBeInstanceOf(WebcomValidationError);
      expect((error as Error).message).toMatch(/array/);
      expect(gateway.requests).toHaveLength(0);
    });

    it('too long a text is refused on `text`, saying how long it may be', async () => {
      const unlimited = create({ maxSmsSegments: null });
      const error = await failure(unlimited.sendSms({ to: '79991234567', text: 'я'.repeat(1400) }));
      unlimited.onApplicationShutdown();
      expect((error as WebcomValidationError).errors).toEqual([
        { field: 'text', messages: [expect.stringMatching(/at most \d+ .*maxUrlLength \(8000\)/)] },
      ]);
      expect(gateway.requests).toHaveLength(0);
    });

    it('an id the gateway returned with `,`, `&` or `#` is read back, percent-encoded', async () => {
      const id = 'a,b&pwd=x#c';
      gateway.answer = answerWith(JSON.stringify({ id_message: id, price: '1' }));
      const [message] = (await service.sendSms({ to: '79991234567', text: 'hi' })).messages;
      expect(message.id).toBe(id);
      gateway.answer = () => ({ body: '{"state":"deliver"}' });
      await expect(service.getStatus(message.id)).resolves.toMatchObject({ id, state: 'deliver' });
      expect(gateway.last.params.get('msgid')).toBe(id);
      expect(gateway.last.params.get('pwd')).toBe('pw');
    });

    it('D10: voice sends text and an audio URL together', async () => {
      await service.sendVoice({
        to: '79991234567',
        text: 'Ваш код 1234',
        audioUrl: 'https://x.example/a.mp3',
      });
      expect(gateway.last.params.get('text_voice')).toBe('Ваш код 1234');
      expect(gateway.last.params.get('action_voice')).toBe('https://x.example/a.mp3');
    });
  });

  describe('status ids: one id or an array of ids', () => {
    const STATE = () => ({ body: '{"state":"deliver"}' });

    it("getStatuses('12345') reads the one id 12345, not its characters", async () => {
      gateway.answer = STATE;
      const statuses = await service.getStatuses('12345');
      expect(statuses).toEqual([expect.objectContaining({ id: '12345', state: 'deliver' })]);
      expect(gateway.requests.map((r) => r.params.get('msgid'))).toEqual(['12345']);
    });

    it.each([
      ['null', null],
      ['a number', 12345],
      ['an array holding null', ['1', null]],
    ])('getStatuses(%s) is a WebcomValidationError, nothing read', async (_, ids) => {
      const error = await failure(service.getStatuses(invalid<string[]>(ids)));
      expect(error).toBeInstanceOf(WebcomValidationError);
      expect(gateway.requests).toHaveLength(0);
    });

    it("trackDelivery('777') tracks message 777", async () => {
      gateway.answer = () => ({ body: '{"state":"read"}' });
      const statuses = await lastValueFrom(
        service.trackDelivery('777', { intervalMs: 10 }).pipe(toArray()),
      );
      expect(statuses.map((s) => s.id)).toEqual(['777']);
      expect(gateway.requests.map((r) => r.params.get('msgid'))).toEqual(['777']);
    });

    it('trackDelivery(null) errors with a WebcomValidationError, nothing read', async () => {
      const error = await failure(lastValueFrom(service.trackDelivery(invalid<string>(null))));
      expect(error).toBeInstanceOf(WebcomValidationError);
      expect(gateway.requests).toHaveLength(0);
    });
  });

  describe('secrets and private data in echoes', () => {
    let logger: CapturingLogger;
    beforeEach(() => {
      logger = new CapturingLogger();
      Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
      Logger.overrideLogger(logger);
    });
    afterEach(() => Logger.overrideLogger(['error']));

    const PASSWORD = 'n3w \'acc"ount/пароль&';
    const registration = {
      type: 'individual' as const,
      login: 'newuser',
      password: PASSWORD,
      name: 'Ivan',
      city: 'Moscow',
      phone: '79991234567',
      email: 'a@example.com',
      actualAddress: 'Moscow, Tverskaya 7',
    };

    it.each([500, 502])(
      "the new account's password echoed by the registration page (HTTP %i) reaches no error, event or log",
      async (status) => {
        gateway.answer = () => ({ status, body: echoOf(PASSWORD).slice(0, 900) });
        const error = await failure(service.register(registration));
        expect(error).toMatchObject({ name: 'WebcomApiError', status });
        expectNoSecret(renderings(error), PASSWORD);
        expectNoSecret([JSON.stringify(events)], PASSWORD);
        expectNoSecret(logger.lines, PASSWORD);
      },
    );

    const TEXT = 'Ваш код 4821, Иван & "друзья"/';

    it.each([200, 400, 500])(
      'message text echoed in a refusal (HTTP %i) reaches neither the failed event nor the log',
      async (status) => {
        gateway.answer = () => ({ status, body: `error: ${echoOf(TEXT)}`.slice(0, 900) });
        const error = await failure(service.sendSms({ to: '79991234567', text: TEXT }));
        expect(error).toMatchObject({ name: 'WebcomApiError' });
        const failed = events.filter((e) => e.type === 'failed');
        expect(failed).toHaveLength(1);
        expectNoSecret([JSON.stringify(failed)], TEXT);
        expectNoSecret(logger.lines, TEXT);
      },
    );

    it('a fallback text and a button text are private too', async () => {
      const fallbackText = 'Запасной текст для Ивана';
      gateway.answer = () => ({
        status: 400,
        body: `${encodeURIComponent(fallbackText)} ${JSON.stringify('Open the offer')}`,
      });
      await failure(
        service.sendViber({
          to: '79991234567',
          text: 'hi',
          button: { text: 'Open the offer', url: 'https://x.example' },
          fallback: { channel: 'sms', text: fallbackText },
        }),
      );
      const rendered = JSON.stringify(events);
      expectNoSecret([rendered], fallbackText);
      expectNoSecret([rendered], 'Open the offer');
    });

    it('with includeTextInEvents the failed event may carry the echoed text', async () => {
      service.onApplicationShutdown();
      service = create({ includeTextInEvents: true });
      gateway.answer = () => ({ status: 400, body: `error: ${TEXT}` });
      await failure(service.sendSms({ to: '79991234567', text: TEXT }));
      expect(events.find((e) => e.type === 'failed')).toMatchObject({
        message: expect.stringContaining(TEXT),
      });
    });
  });

  describe('duplicate recipients and which id is whose', () => {
    it('one message per distinct number, each id with its recipient', async () => {
      const result = await service.sendSms({
        to: ['+7 999 123-45-67', '79997654321', '8 (999) 123-45-67'],
        text: 'hi',
      });
      expect(gateway.requests).toHaveLength(1);
      expect(gateway.last.params.get('dadr')).toBe('79991234567,79997654321');
      expect(result.messages).toEqual([
        { id: '1000', to: '79991234567', price: 2.5 },
        { id: '1001', to: '79997654321', price: 2.5 },
      ]);
    });

    it('a split send maps every id to its recipient, in request order', async () => {
      service = create({ maxUrlLength: 300 });
      let next = 0;
      gateway.answer = ({ params }) => ({
        body: JSON.stringify({
          information: params
            .get('dadr')!
            .split(',')
            .map((to) => ({ id_message: `${next++}-${to}`, price: '1' })),
        }),
      });
      const to = Array.from({ length: 20 }, (_, i) => `7999${String(i).padStart(7, '0')}`);
      const result = await service.sendSms({ to, text: 'hi' });
      expect(gateway.requests.length).toBeGreaterThan(1);
      expect(result.messages.map((m) => m.to)).toEqual(to);
      for (const message of result.messages)
        expect(message.id).toMatch(new RegExp(`-${message.to}$`));
    });

    it('a partly failed split send says which recipient got which id', async () => {
      service = create({ maxUrlLength: 300 });
      gateway.answer = (request) =>
        request.params.get('dadr')!.includes('79990000000')
          ? { status: 400, body: 'no' }
          : successAnswer(request);
      const to = Array.from({ length: 20 }, (_, i) => `7999${String(i).padStart(7, '0')}`);
      const error = (await failure(service.sendSms({ to, text: 'hi' }))) as WebcomPartialSendError;
      expect(error).toBeInstanceOf(WebcomPartialSendError);
      const sentTo = error.sent.messages.map((m) => m.to);
      const failedTo = error.failed.flatMap((f) => f.to);
      expect([...failedTo, ...sentTo].sort()).toEqual([...to].sort());
      expect(failedTo).toContain('79990000000');
    });
  });

  describe('answers (D12)', () => {
    it.each([
      ['""', undefined],
      ['null', undefined],
      ['"NaN"', undefined],
      ['"-3"', undefined],
      ['"10,60"', 10.6],
    ])('an answer with ids and a price of %s is an acceptance', async (price, expected) => {
      gateway.answer = answerWith(`{"id_message":"77","price":${price}}`);
      const result = await service.sendSms({ to: '79991234567', text: 'hi' });
      expect(result.messages).toEqual([
        expected === undefined
          ? { id: '77', to: '79991234567' }
          : { id: '77', to: '79991234567', price: expected },
      ]);
    });

    it('an id above 2^53 comes back with its digits and is read back exactly', async () => {
      gateway.answer = answerWith('{"id_message":12345678901234567890123,"price":1}');
      const [message] = (await service.sendSms({ to: '79991234567', text: 'hi' })).messages;
      expect(message.id).toBe('12345678901234567890123');
      gateway.answer = () => ({ body: '{"state":"send"}' });
      await service.getStatus(message.id);
      expect(gateway.last.params.get('msgid')).toBe('12345678901234567890123');
    });

    describe("D13: the vendor's example answer to a send to one number", () => {
      const VENDOR_ANSWER =
        '{"information":[{"id_message":"112346","price":"10.6000000"}, {"id_message":"112347","price":"0.2700000"}], "balance": "143777.36"}';
      const to = '79991234567';
      const sends: [string, (s: WebcomService) => Promise<unknown>][] = [
        ['sms', (s) => s.sendSms({ to, text: 'hi' })],
        ['viber', (s) => s.sendViber({ to, text: 'hi' })],
        ['voice', (s) => s.sendVoice({ to, text: 'hi' })],
        ['flashcall', (s) => s.sendFlashcall({ to })],
        ['telegram', (s) => s.sendTelegram({ to, text: 'hi' })],
        ['whatsapp', (s) => s.sendWhatsapp({ to, text: 'hi' })],
        [
          'cascade',
          (s) =>
            s.sendCascade({
              to,
              primary: { channel: 'viber', text: 'hi' },
              fallback: { channel: 'sms', text: 'hi' },
            }),
        ],
      ];

      it.each(sends)('%s: an acceptance of two messages, both to that number', async (_, send) => {
        service = create({
          senders: { sms: 'Shop', viber: 'ShopV', voice: 'V', telegram: 'T', whatsapp: 'W' },
        });
        gateway.answer = () => ({ body: VENDOR_ANSWER });
        await expect(send(service)).resolves.toEqual({
          messages: [
            { id: '112346', to, price: 10.6 },
            { id: '112347', to, price: 0.27 },
          ],
          balance: 143777.36,
        });
        expect(events.map((e) => e.type)).toEqual(['sent']);
      });

      it('to two numbers, two ids map in order', async () => {
        gateway.answer = () => ({ body: VENDOR_ANSWER });
        const result = await service.sendSms({ to: [to, '79997654321'], text: 'hi' });
        expect(result.messages.map((m) => [m.id, m.to])).toEqual([
          ['112346', to],
          ['112347', '79997654321'],
        ]);
      });

      it('to three numbers, two ids are an ambiguous acceptance keeping both', async () => {
        gateway.answer = () => ({ body: VENDOR_ANSWER });
        const error = await failure(
          service.sendSms({ to: [to, '79997654321', '79997654322'], text: 'hi' }),
        );
        expect(error).toBeInstanceOf(WebcomAmbiguousSendError);
        expect(error).toMatchObject({
          possiblyDelivered: true,
          recipients: 3,
          messages: [
            { id: '112346', price: 10.6 },
            { id: '112347', price: 0.27 },
          ],
        });
      });
    });

    it('one id for two recipients is a WebcomAmbiguousSendError carrying it, possibly delivered', async () => {
      gateway.answer = answerWith('{"id_message":"5","price":"1"}');
      const error = await failure(
        service.sendSms({ to: ['79991234567', '79997654321'], text: 'hi' }),
      );
      expect(error).toBeInstanceOf(WebcomAmbiguousSendError);
      expect(error).toMatchObject({ possiblyDelivered: true, messages: [{ id: '5', price: 1 }] });
      expect(events.filter((e) => e.type === 'failed')).toEqual([
        expect.objectContaining({ error: 'WebcomAmbiguousSendError', possiblyDelivered: true }),
      ]);
    });

    it('over HTTP, WebcomExceptionFilter answers an ambiguous acceptance 502, possibly delivered, with its ids', () => {
      const body = webcomErrorResponse(new WebcomAmbiguousSendError([{ id: '5', price: 1 }], 2));
      expect(body).toEqual({
        statusCode: 502,
        error: 'WebcomAmbiguousSendError',
        message: expect.stringMatching(/may have been delivered/),
        possiblyDelivered: true,
        messages: [{ id: '5', price: 1 }],
      });
    });

    it('a balance of 400 digits is refused', async () => {
      gateway.answer = () => ({ body: `{"balance":"${'9'.repeat(400)}"}` });
      await expect(service.getBalance()).rejects.toMatchObject({ name: 'WebcomApiError' });
    });
  });
});
