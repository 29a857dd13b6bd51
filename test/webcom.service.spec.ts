import 'reflect-metadata';
import {
  WebcomApiError,
  WebcomPartialSendError,
  WebcomService,
  WebcomValidationError,
  tokenHash,
  type FallbackOf,
  type SendSmsDto,
  type WebcomModuleOptions,
} from '../lib/index.js';
import { RecordingGateway, successAnswer } from './support/recording-gateway.js';
import { invalid } from './support/thrown.js';

/** An individual's registration; each test gives it the login and password it needs. */
const ANN_LEE = {
  type: 'individual',
  name: 'Ann Lee',
  city: 'Kazan',
  phone: '79991234567',
  email: 'a@example.com',
  actualAddress: 'Baumana 10, 1',
} as const;

describe('WebcomService on the wire', () => {
  let gateway: RecordingGateway;
  let service: WebcomService;
  const create = (extra: Partial<WebcomModuleOptions> = {}) =>
    new WebcomService({
      credentials: { user: 'shop', password: 'p@ss&word=1' },
      baseUrl: gateway.baseUrl,
      senders: {
        sms: 'ShopSMS',
        viber: 'ShopViber',
        voice: 'ShopVoice',
        telegram: 'ShopTg',
        whatsapp: 'ShopWa',
      },
      retries: 0,
      ...extra,
    });
  /** The decoded parameters of the last request, without the credentials. */
  const sent = () => {
    const params = Object.fromEntries(gateway.last.params);
    expect(params.user).toBe('shop');
    expect(params.pwd).toBe('p@ss&word=1');
    delete params.user;
    delete params.pwd;
    return params;
  };

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });
  beforeEach(() => {
    gateway.requests.length = 0;
    gateway.answer = successAnswer;
    service = create();
  });
  afterEach(() => service.onApplicationShutdown());
  afterAll(() => gateway.stop());

  it('sendSms sends type_send_1=sms (D6), the sender, text and recipients as international digits', async () => {
    const result = await service.sendSms({
      to: ['+7 (999) 123-45-67', '8 999 765 43 21'],
      text: 'Code 1234',
    });
    expect(gateway.last.path).toBe('/sendsms.php');
    expect(sent()).toEqual({
      type_send_1: 'sms',
      sadr: 'ShopSMS',
      text: 'Code 1234',
      dadr: '79991234567,79997654321',
    });
    expect(result).toEqual({
      messages: [
        { id: '1000', to: '79991234567', price: 2.5 },
        { id: '1001', to: '79997654321', price: 2.5 },
      ],
      balance: 100,
    });
  });

  it('text reaches the gateway byte for byte', async () => {
    const text = 'a&b=c+d#e%f ? / Привет 😀\r\nend';
    await service.sendSms({ to: '79991234567', text });
    expect(gateway.last.params.get('text')).toBe(text);
    expect(gateway.last.rawUrl).not.toContain('#');
  });

  it('a call names its own sender over the default, and validUntil is written in Moscow time', async () => {
    await service.sendSms({
      to: '79991234567',
      text: 'x',
      from: 'Other',
      validUntil: new Date('2027-11-27T21:30:00Z'),
      fallback: { channel: 'viber', text: 'via viber' },
    });
    expect(sent()).toEqual({
      type_send_1: 'sms',
      sadr: 'Other',
      text: 'x',
      validity_period: '2027-11-28 00:30',
      type_send_2: 'viber',
      sender_viber: 'ShopViber',
      text_viber: 'via viber',
      dadr: '79991234567',
    });
  });

  it('sendViber sends text, button, link and image', async () => {
    await service.sendViber({
      to: '79991234567',
      text: 'Sale',
      button: { text: 'Open', url: 'https://shop.example/sale?a=1&b=2' },
      imageUrl: 'https://shop.example/i.png',
      validUntil: '2027-12-01 10:00',
      fallback: { channel: 'sms', text: 'Sale, see shop.example' },
    });
    expect(sent()).toEqual({
      type_send_1: 'viber',
      sender_viber: 'ShopViber',
      text_viber: 'Sale',
      button_viber: 'Open',
      action_viber: 'https://shop.example/sale?a=1&b=2',
      image_viber: 'https://shop.example/i.png',
      validity_period: '2027-12-01 10:00',
      type_send_2: 'sms',
      sadr: 'ShopSMS',
      text: 'Sale, see shop.example',
      dadr: '79991234567',
    });
  });

  it('sendVoice sends both recipient names (D1) and both interval names (D2)', async () => {
    await service.sendVoice({
      to: '79991234567',
      text: 'Your code is 1 2 3 4',
      waitSeconds: 20,
      retryIntervalSeconds: 60,
      attempts: 3,
      voice: 5,
    });
    expect(sent()).toEqual({
      type_send_1: 'voice',
      name_clients_voice: 'ShopVoice',
      text_voice: 'Your code is 1 2 3 4',
      waiting_voice: '20',
      interval_voice: '60',
      winterval_voice: '60',
      dial_voice: '3',
      gender_voice: '5',
      dadr: '79991234567',
      addr: '79991234567',
    });
  });

  it('sendVoice with ivr and an audio file sends voice_ivr and action_voice', async () => {
    await service.sendVoice({
      to: '79991234567',
      audioUrl: 'https://cdn.example/a.mp3',
      ivr: true,
    });
    expect(sent()).toMatchObject({
      type_send_1: 'voice_ivr',
      action_voice: 'https://cdn.example/a.mp3',
    });
  });

  it('sendCascade sends the primary as type_send_1 and the fallback as type_send_2, each with its content', async () => {
    await service.sendCascade({
      to: '79991234567',
      primary: { channel: 'viber', text: 'Hi on Viber', from: 'VB' },
      fallback: { channel: 'sms', text: 'Hi by SMS', from: 'SM' },
      validUntil: '2027-12-01 10:00',
    });
    expect(sent()).toEqual({
      type_send_1: 'viber',
      sender_viber: 'VB',
      text_viber: 'Hi on Viber',
      validity_period: '2027-12-01 10:00',
      type_send_2: 'sms',
      sadr: 'SM',
      text: 'Hi by SMS',
      dadr: '79991234567',
    });
  });

  it('sendFlashcall sends type_send_1=flashcall and the recipients only', async () => {
    await service.sendFlashcall({ to: '79991234567' });
    expect(sent()).toEqual({ type_send_1: 'flashcall', dadr: '79991234567' });
  });

  it('sendTelegram uses lower-case name_clients_telegram (D4), action_telegram (D7) and its own validity', async () => {
    await service.sendTelegram({
      to: '79991234567',
      text: 'Hi',
      button: { text: 'Go', url: 'https://t.example' },
      validUntil: '2027-12-01 10:00',
    });
    expect(sent()).toEqual({
      type_send_1: 'telegram',
      name_clients_telegram: 'ShopTg',
      text_telegram: 'Hi',
      button_telegram: 'Go',
      action_telegram: 'https://t.example',
      validity_period_telegram: '2027-12-01 10:00',
      dadr: '79991234567',
    });
  });

  it('sendWhatsapp sends an image alone with its own validity', async () => {
    await service.sendWhatsapp({
      to: '79991234567',
      imageUrl: 'https://cdn.example/p.jpg',
      validUntil: '2027-12-01 10:00',
    });
    expect(sent()).toEqual({
      type_send_1: 'whatsapp',
      name_clients_whatsapp: 'ShopWa',
      image_whatsapp: 'https://cdn.example/p.jpg',
      validity_period_whatsapp: '2027-12-01 10:00',
      dadr: '79991234567',
    });
  });

  it('getStatus sends the id under msgid, id_sms and smsid (D3) and decodes the state', async () => {
    gateway.answer = () => ({
      body: '{"state":"read","time":"2026-11-27 12:00","text_sms":"4821"}',
    });
    await expect(service.getStatus('112346')).resolves.toEqual({
      id: '112346',
      state: 'read',
      final: true,
      settled: true,
      time: '2026-11-27 12:00',
      code: '4821',
    });
    expect(sent()).toEqual({ msgid: '112346', id_sms: '112346', smsid: '112346' });
  });

  it('getBalance sends balance=1 and understands the plain-text answer too', async () => {
    gateway.answer = () => ({ body: '143777.36\nRUB', headers: { 'content-type': 'text/plain' } });
    await expect(service.getBalance()).resolves.toEqual({ balance: 143777.36, currency: 'RUB' });
    expect(sent()).toEqual({ balance: '1' });
  });

  it('register goes to the registration path without credentials and returns the answer', async () => {
    gateway.answer = () => ({
      body: '<html><head><title>Reg</title></head><body><p>Registration &amp; welcome</p></body></html>',
    });
    const result = await service.register({
      type: 'individual',
      login: 'newbie',
      password: 'n3w&pass',
      name: 'Иван Петров',
      city: 'Moscow',
      phone: '+7 999 123 45 67',
      email: 'ivan@example.com',
      actualAddress: 'Tverskaya 1, flat 2',
    });
    expect(result).toEqual({ accepted: true, status: 200, message: 'Registration & welcome' });
    expect(gateway.last.path).toBe('/ru/reg/registration.html');
    expect(Object.fromEntries(gateway.last.params)).toEqual({
      registration: '1',
      businessman: 'fl',
      login: 'newbie',
      password: 'n3w&pass',
      name: 'Иван Петров',
      city: 'Moscow',
      phone: '79991234567',
      e_mail: 'ivan@example.com',
      address_facto: 'Tverskaya 1, flat 2',
    });
  });

  it('a refused registration (HTTP 4xx) resolves not accepted, with the page text and no secret', async () => {
    gateway.answer = ({ params }) => ({
      status: 400,
      body:
        `<html><body><ul><li>login: taken</li>` +
        `<li>echo ${params.get('password')} ${encodeURIComponent(params.get('password')!)}</li>` +
        `<li>${params.get('pwd') ?? 'p@ss&word=1'}</li></ul></body></html>`,
    });
    const result = await service.register({ ...ANN_LEE, login: 'taken', password: 'N3w&Secret' });
    expect(result).toEqual({
      accepted: false,
      status: 400,
      message: 'login: taken echo [REDACTED] [REDACTED] [REDACTED]',
    });
  });

  it('a registration page that fails with 5xx still throws: it may have been processed', async () => {
    gateway.answer = () => ({ status: 502, body: 'bad gateway' });
    await expect(
      service.register({ ...ANN_LEE, login: 'a', password: 'b' }),
    ).rejects.toBeInstanceOf(WebcomApiError);
  });

  it('the individual code of registration can be overridden in the options (D5)', async () => {
    const custom = create({ individualCode: 'le' });
    await custom.register({ ...ANN_LEE, login: 'a', password: 'b' });
    expect(gateway.last.params.get('businessman')).toBe('le');
    custom.onApplicationShutdown();
  });

  it('token and token-hash credentials go on the wire in their own parameters', async () => {
    const byToken = create({ credentials: { token: 'tok-1' } });
    await byToken.getBalance();
    expect(gateway.last.params.get('token')).toBe('tok-1');
    expect(gateway.last.params.has('pwd')).toBe(false);
    const byHash = create({ credentials: { user: 'shop', tokenHash: tokenHash('tok-1') } });
    await byHash.getBalance();
    // md5('tok-1'), computed outside the code under test.
    expect(gateway.last.params.get('token_hash')).toBe('2acea42ebb5744d63ad3aad955ec50af');
    byToken.onApplicationShutdown();
    byHash.onApplicationShutdown();
  });

  describe('refuses invalid input before any request', () => {
    const invalidInputs: [string, () => Promise<unknown>, string][] = [
      [
        'an SMS without text',
        () => service.sendSms(invalid<SendSmsDto>({ to: '79991234567' })),
        'text',
      ],
      ['a number that is not one', () => service.sendSms({ to: 'call me', text: 'x' }), 'to'],
      [
        'a Viber button without text',
        () =>
          service.sendViber({
            to: '79991234567',
            button: { text: 'Go', url: 'https://x.example' },
          }),
        'text',
      ],
      [
        'a button link that is not http(s)',
        () =>
          service.sendViber({
            to: '79991234567',
            text: 'x',
            button: { text: 'Go', url: 'javascript:alert(1)' },
          }),
        'button.url',
      ],
      [
        'voice waiting 5 s',
        () => service.sendVoice({ to: '79991234567', text: 'a', waitSeconds: 5 }),
        'waitSeconds',
      ],
      [
        'a Telegram fallback to Viber',
        () =>
          service.sendTelegram({
            to: '79991234567',
            text: 'a',
            fallback: invalid<FallbackOf<'telegram'>>({ channel: 'viber', text: 'b' }),
          }),
        'fallback.channel',
      ],
      [
        'a same-channel fallback with a sender of its own',
        () =>
          service.sendSms({
            to: '79991234567',
            text: 'a',
            fallback: invalid<FallbackOf<'sms'>>({ channel: 'sms', from: 'Other' }),
          }),
        'fallback.from',
      ],
      [
        'a 31st of February',
        () => service.sendSms({ to: '79991234567', text: 'a', validUntil: '2026-02-31 10:00' }),
        'validUntil',
      ],
      [
        'a lone surrogate',
        () => service.sendSms({ to: '79991234567', text: 'bad \uD800' }),
        'text',
      ],
      ['an empty status id', () => service.getStatus(''), 'id'],
      [
        'a legal entity without its tax number',
        () =>
          service.register({
            type: 'legal',
            login: 'a',
            password: 'b',
            name: 'Ann Lee',
            city: 'Kazan',
            phone: '79991234567',
            email: 'a@example.com',
            legalAddress: 'Baumana 10, 1',
            companyName: 'Acme LLC',
          }),
        'inn',
      ],
    ];
    it.each(invalidInputs)('%s', async (_, call, field) => {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WebcomValidationError);
      expect((error as WebcomValidationError).errors.map((e) => e.field)).toContain(field);
      expect(gateway.requests).toHaveLength(0);
    });

    it('a send with no sender in the call or the options', async () => {
      const bare = create({ senders: {} });
      await expect(bare.sendSms({ to: '79991234567', text: 'x' })).rejects.toMatchObject({
        errors: [{ field: 'from' }],
      });
      expect(gateway.requests).toHaveLength(0);
      bare.onApplicationShutdown();
    });
  });

  it('a 2xx answer that is not a success answer is the gateway refusing the call', async () => {
    gateway.answer = () => ({ body: '{"error":"authorization failed"}' });
    await expect(service.sendSms({ to: '79991234567', text: 'x' })).rejects.toEqual(
      expect.objectContaining({ name: 'WebcomApiError', status: 200 }),
    );
    await expect(service.getBalance()).rejects.toBeInstanceOf(WebcomApiError);
  });

  it('splits a large list so no URL exceeds maxUrlLength, keeping the gateway order', async () => {
    const split = create({ maxUrlLength: 400, concurrency: 3 });
    const to = Array.from({ length: 100 }, (_, i) => `7999${String(i).padStart(7, '0')}`);
    let next = 0;
    gateway.answer = ({ params }) => {
      const information = (params.get('dadr') ?? '').split(',').map((number) => ({
        id_message: `${number}-${next++}`,
        price: '1.0',
      }));
      return { body: JSON.stringify({ information, balance: '5.00' }) };
    };
    const result = await split.sendSms({ to, text: 'hello' });
    expect(gateway.requests.length).toBeGreaterThan(1);
    for (const request of gateway.requests)
      expect(request.rawUrl.length + gateway.baseUrl.length).toBeLessThanOrEqual(400);
    const onWire = gateway.requests.flatMap((r) => r.params.get('dadr')!.split(','));
    expect([...onWire].sort()).toEqual([...to].sort());
    expect(result.messages.map((m) => m.id.split('-')[0])).toEqual(to);
    split.onApplicationShutdown();
  });

  it('accounts for every recipient when part of a split send fails', async () => {
    const split = create({ maxUrlLength: 300, concurrency: 2 });
    const to = Array.from({ length: 40 }, (_, i) => `7999${String(i).padStart(7, '0')}`);
    gateway.answer = (request) =>
      request.params.get('dadr')!.includes('79990000010')
        ? { status: 500, body: 'oops' }
        : successAnswer(request);
    const error = (await split
      .sendSms({ to, text: 'hello' })
      .catch((e: unknown) => e)) as WebcomPartialSendError;
    expect(error).toBeInstanceOf(WebcomPartialSendError);
    const failedTo = error.failed.flatMap((f) => f.to);
    expect(failedTo).toContain('79990000010');
    expect(error.failed[0].error).toBeInstanceOf(WebcomApiError);
    expect(error.sent.messages.length + failedTo.length).toBe(to.length);
    split.onApplicationShutdown();
  });
});
