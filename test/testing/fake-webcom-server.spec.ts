import { createHash } from 'node:crypto';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_PRICES,
  FakeWebcomServer,
  type FakeWebcomServerOptions,
} from '../../lib/testing/fake-webcom-server.js';

type Params = Record<string, string>;

interface HttpResult {
  status: number;
  headers: Headers;
  body: string;
}

const AUTH: Params = { user: 'tester', pwd: 'secret' };
const SMS: Params = { ...AUTH, type_send_1: 'sms', sadr: 'Shop', dadr: '79990000001', text: 'Hi' };

const servers: FakeWebcomServer[] = [];

async function startFake(options?: FakeWebcomServerOptions): Promise<FakeWebcomServer> {
  const fake = await FakeWebcomServer.start(options);
  servers.push(fake);
  return fake;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((fake) => fake.stop()));
});

async function call(
  fake: FakeWebcomServer,
  path: string,
  params: Params = {},
  init?: RequestInit,
): Promise<HttpResult> {
  const search = new URLSearchParams(params).toString();
  const response = await fetch(`${fake.baseUrl}${path}${search ? `?${search}` : ''}`, init);
  return { status: response.status, headers: response.headers, body: await response.text() };
}

function script(fake: FakeWebcomServer, params: Params): Promise<HttpResult> {
  return call(fake, '/sendsms.php', params);
}

async function scriptJson(
  fake: FakeWebcomServer,
  params: Params,
): Promise<Record<string, unknown>> {
  const { status, body } = await script(fake, params);
  expect(status).toBe(200);
  return JSON.parse(body) as Record<string, unknown>;
}

async function sendIds(fake: FakeWebcomServer, params: Params): Promise<string[]> {
  const answer = (await scriptJson(fake, params)) as { information: Array<{ id_message: string }> };
  return answer.information.map((item) => item.id_message);
}

function statusOf(fake: FakeWebcomServer, id: string, auth: Params = AUTH) {
  return scriptJson(fake, { ...auth, msgid: id });
}

function register(fake: FakeWebcomServer, params: Params): Promise<HttpResult> {
  return call(fake, '/ru/reg/registration.html', params);
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** What a client at socket level sees, including answers cut short. */
interface RawResult {
  status?: number;
  headers?: IncomingHttpHeaders;
  body: Buffer;
  complete: boolean;
  error?: NodeJS.ErrnoException;
  startedAt: number;
  headersAt?: number;
  endedAt: number;
}

function rawGet(url: string): Promise<RawResult> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const chunks: Buffer[] = [];
    const request = httpGet(url, { agent: false }, (response) => {
      const headersAt = Date.now();
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A cut-short body is reported through `complete`.
      response.on('error', () => undefined);
      response.on('close', () =>
        resolve({
          status: response.statusCode,
          headers: response.headers,
          body: Buffer.concat(chunks),
          complete: response.complete,
          startedAt,
          headersAt,
          endedAt: Date.now(),
        }),
      );
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      resolve({ body: Buffer.alloc(0), complete: false, error, startedAt, endedAt: Date.now() });
    });
  });
}

function scriptUrl(fake: FakeWebcomServer, params: Params): string {
  return `${fake.baseUrl}/sendsms.php?${new URLSearchParams(params).toString()}`;
}

const moscowTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Moscow',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function sleepUntil(epochMs: number): Promise<void> {
  return sleep(Math.max(0, epochMs - Date.now()));
}

/** `YYYY-MM-DD HH:MM` in Moscow, `minutesFromNow` away. */
function moscowMinute(minutesFromNow: number): string {
  return moscowTime.format(Date.now() + minutesFromNow * 60_000).slice(0, 16);
}

describe('FakeWebcomServer', () => {
  describe('server', () => {
    it('listens on an ephemeral loopback port and stops refusing connections', async () => {
      const fake = await startFake();
      expect(fake.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      expect((await script(fake, { ...AUTH, balance: '1' })).status).toBe(200);

      await fake.stop();
      await expect(fetch(`${fake.baseUrl}/sendsms.php`)).rejects.toThrow();
      await expect(fake.stop()).resolves.toBeUndefined();
    });

    it.each(['/', '/sendsms.php/', '//sendsms.php', '/SENDSMS.PHP', '/ru/reg/registration'])(
      'answers 404 on %s and records it as unknown',
      async (path) => {
        const fake = await startFake();
        const { status, body } = await call(fake, path, { ...AUTH, balance: '1' });
        expect(status).toBe(404);
        expect(body).not.toContain('balance');
        expect(fake.requests.map((request) => request.operation)).toEqual(['unknown']);
      },
    );

    it('answers 405 to anything but GET', async () => {
      const fake = await startFake();
      const { status, headers, body } = await call(
        fake,
        '/sendsms.php',
        { ...AUTH, balance: '1' },
        {
          method: 'POST',
        },
      );
      expect(status).toBe(405);
      expect(headers.get('allow')).toBe('GET');
      expect(JSON.parse(body)).toEqual({ error: 'method not allowed' });
    });

    it("labels answers with PHP's default content type", async () => {
      const fake = await startFake();
      const { headers } = await script(fake, { ...AUTH, balance: '1' });
      expect(headers.get('content-type')).toBe('text/html; charset=UTF-8');
    });
  });

  describe('requests', () => {
    it('records each request decoded, in order, with the raw target', async () => {
      const fake = await startFake();
      const before = Date.now();
      const raw =
        '/sendsms.php?user=tester&pwd=secret&dadr=1&dadr=79990000001&text=a%2Bb+c%26d%3De%23f%25&sadr=S';
      await fetch(`${fake.baseUrl}${raw}`);
      await script(fake, { ...AUTH, balance: '1' });
      await script(fake, { ...AUTH, smsid: '5' });
      await register(fake, { registration: '1' });

      expect(fake.requests.map((request) => request.operation)).toEqual([
        'send',
        'balance',
        'status',
        'registration',
      ]);
      const [first] = fake.requests;
      expect(first).toMatchObject({ method: 'GET', path: '/sendsms.php', url: raw });
      expect(first.query.text).toBe('a+b c&d=e#f%');
      expect(first.query.dadr).toBe('79990000001');
      expect(first.params.getAll('dadr')).toEqual(['1', '79990000001']);
      expect(first.receivedAt).toBeGreaterThanOrEqual(before);
      expect(first.fault).toBeUndefined();
    });

    it('forgets what it received on clearRequests', async () => {
      const fake = await startFake();
      await script(fake, { ...AUTH, balance: '1' });
      fake.clearRequests();
      expect(fake.requests).toEqual([]);
      await script(fake, { ...AUTH, balance: '1' });
      expect(fake.requests).toHaveLength(1);
    });
  });

  describe('authentication with configured accounts', () => {
    const accounts = [
      { user: 'alice', password: 'secret-a', token: 'token-a', balance: 100 },
      { user: 'bob', password: 'secret-b', balance: 50, currency: 'USD' },
    ];

    it.each<[string, Params, string]>([
      ['user + pwd', { user: 'alice', pwd: 'secret-a' }, '100.00'],
      ['token', { token: 'token-a' }, '100.00'],
      ['user + token_hash', { user: 'alice', token_hash: md5('token-a') }, '100.00'],
      ['user + pwd of another account', { user: 'bob', pwd: 'secret-b' }, '50.00'],
      [
        'two forms naming the same account',
        { user: 'alice', pwd: 'secret-a', token: 'token-a' },
        '100.00',
      ],
    ])('accepts %s', async (_form, credentials, balance) => {
      const fake = await startFake({ accounts });
      expect(await scriptJson(fake, { ...credentials, balance: '1' })).toEqual({ balance });
    });

    it.each<[string, Params]>([
      ['no credentials', {}],
      ['a wrong password', { user: 'alice', pwd: 'secret-b' }],
      ['an unknown user', { user: 'carol', pwd: 'secret-a' }],
      ['a user alone', { user: 'alice' }],
      ['a password alone', { pwd: 'secret-a' }],
      ['an empty password', { user: 'alice', pwd: '' }],
      ['a wrong token', { token: 'token-b' }],
      ['the hash of a wrong token', { user: 'alice', token_hash: md5('token-b') }],
      ['an upper-case hash', { user: 'alice', token_hash: md5('token-a').toUpperCase() }],
      ['the raw token as token_hash', { user: 'alice', token_hash: 'token-a' }],
      ['a token_hash without user', { token_hash: md5('token-a') }],
      ['a token_hash for an account without token', { user: 'bob', token_hash: md5('') }],
      ['forms naming different accounts', { user: 'bob', pwd: 'secret-b', token: 'token-a' }],
      ['one right and one wrong form', { user: 'alice', pwd: 'wrong', token: 'token-a' }],
    ])('refuses %s with a 200 error body', async (_case, credentials) => {
      const fake = await startFake({ accounts });
      for (const operation of [{ balance: '1' }, SMS]) {
        const { status, body } = await script(fake, { ...operation, ...credentials });
        expect(status).toBe(200);
        expect(JSON.parse(body)).toEqual({ error: 'authorization failed' });
      }
      expect(fake.messages.size).toBe(0);
    });

    it('keeps each account to its own messages', async () => {
      const fake = await startFake({ accounts });
      const [id] = await sendIds(fake, { ...SMS, user: 'alice', pwd: 'secret-a' });
      expect(fake.messages.get(id)?.account).toBe('alice');
      expect(await statusOf(fake, id, { token: 'token-a' })).toMatchObject({ state: 'send' });
      expect(await statusOf(fake, id, { user: 'bob', pwd: 'secret-b' })).toEqual({
        error: 'unknown message id',
      });
    });
  });

  describe('authentication without configured accounts', () => {
    it.each<[string, Params]>([
      ['any user + pwd', { user: 'anyone', pwd: 'anything' }],
      ['any token', { token: 'whatever' }],
      ['any well-formed token_hash', { user: 'anyone', token_hash: md5('x') }],
    ])('accepts %s into one shared account', async (_form, credentials) => {
      const fake = await startFake();
      await sendIds(fake, { ...SMS, ...credentials });
      expect(await scriptJson(fake, { ...AUTH, balance: '1' })).toEqual({ balance: '996.80' });
      expect([...fake.messages.values()][0].account).toBe('*');
    });

    it.each<[string, Params]>([
      ['no credentials', {}],
      ['a user alone', { user: 'anyone' }],
      ['a token_hash that is not MD5 hex', { user: 'anyone', token_hash: 'plain-token' }],
    ])('still refuses %s', async (_case, credentials) => {
      const fake = await startFake();
      expect(await scriptJson(fake, { ...credentials, balance: '1' })).toEqual({
        error: 'authorization failed',
      });
    });
  });

  describe('balance', () => {
    it('answers the balance with 2 decimals and follows setBalance', async () => {
      const fake = await startFake();
      expect(await scriptJson(fake, { ...AUTH, balance: '1' })).toEqual({ balance: '1000.00' });
      fake.setBalance(143777.357);
      expect(fake.balanceOf()).toBe(143777.357);
      expect(await scriptJson(fake, { ...AUTH, balance: '1' })).toEqual({ balance: '143777.36' });
    });

    it('reads and sets the balance of a named account', async () => {
      const fake = await startFake({
        accounts: [
          { user: 'alice', password: 'a' },
          { token: 'token-b', balance: 7 },
        ],
      });
      expect(fake.balanceOf()).toBe(1000);
      expect(fake.balanceOf('token-b')).toBe(7);
      fake.setBalance(12.5, 'alice');
      expect(await scriptJson(fake, { user: 'alice', pwd: 'a', balance: '1' })).toEqual({
        balance: '12.50',
      });
      expect(() => fake.balanceOf('nobody')).toThrow(/nobody/);
    });

    it('debits the price of every recipient and answers what is left', async () => {
      const fake = await startFake();
      const answer = await scriptJson(fake, {
        ...SMS,
        dadr: '79990000001,79990000002,79990000003',
      });
      expect(answer.balance).toBe('990.40');
      expect(fake.balanceOf()).toBeCloseTo(990.4, 7);
      await sendIds(fake, { ...AUTH, type_send_1: 'flashcall', dadr: '79990000004' });
      expect(fake.balanceOf()).toBeCloseTo(990.4 - DEFAULT_PRICES.flashcall, 7);
    });

    it('charges the configured price of the primary channel', async () => {
      const fake = await startFake({ prices: { viber: 0.27 } });
      const answer = await scriptJson(fake, {
        ...AUTH,
        type_send_1: 'viber',
        sender_viber: 'Shop',
        text_viber: 'Hi',
        type_send_2: 'sms',
        sadr: 'Shop',
        text: 'Hi',
        dadr: '79990000001,79990000002',
      });
      expect(answer.information).toEqual([
        { id_message: expect.any(String), price: '0.2700000' },
        { id_message: expect.any(String), price: '0.2700000' },
      ]);
      expect(answer.balance).toBe('999.46');
    });

    it('refuses a send the balance cannot pay, entirely', async () => {
      const fake = await startFake({ prices: { sms: 10 } });
      fake.setBalance(19.99);
      expect(await scriptJson(fake, { ...SMS, dadr: '79990000001,79990000002' })).toEqual({
        error: 'insufficient balance',
      });
      expect(fake.balanceOf()).toBe(19.99);
      expect(fake.messages.size).toBe(0);

      fake.setBalance(20);
      await sendIds(fake, { ...SMS, dadr: '79990000001,79990000002' });
      expect(fake.balanceOf()).toBe(0);
    });
  });

  describe('send', () => {
    it('answers one id and price per recipient, in order, and stores the messages', async () => {
      const fake = await startFake();
      const before = Date.now();
      const answer = await scriptJson(fake, { ...SMS, dadr: '79990000002,79990000001' });
      const information = answer.information as Array<{ id_message: string; price: string }>;
      expect(information.map((item) => item.price)).toEqual(['3.2000000', '3.2000000']);
      const [first, second] = information.map((item) => item.id_message);
      expect(first).toMatch(/^\d+$/);
      expect(Number(second)).toBeGreaterThan(Number(first));

      expect([...fake.messages.keys()]).toEqual([first, second]);
      expect(fake.messages.get(first)).toMatchObject({
        id: first,
        channel: 'sms',
        to: '79990000002',
        account: '*',
        price: 3.2,
        state: 'send',
        params: { ...SMS, dadr: '79990000002,79990000001' },
      });
      expect(fake.messages.get(second)?.to).toBe('79990000001');
      expect(fake.messages.get(first)?.sentAt).toBeGreaterThanOrEqual(before);

      const [third] = await sendIds(fake, SMS);
      expect(Number(third)).toBeGreaterThan(Number(second));
    });

    it('keeps text byte for byte', async () => {
      const fake = await startFake();
      const text = 'Code: 1&2=3+4 #5 %20 😀 Привет';
      const [id] = await sendIds(fake, { ...SMS, text });
      expect(fake.messages.get(id)?.params.text).toBe(text);
    });

    it('treats a send without type_send_1 as SMS (D6)', async () => {
      const fake = await startFake();
      const withoutType = { ...SMS };
      delete withoutType.type_send_1;
      const [id] = await sendIds(fake, withoutType);
      expect(fake.messages.get(id)?.channel).toBe('sms');
    });

    it('takes voice recipients from addr alone (D1)', async () => {
      const fake = await startFake();
      const ids = await sendIds(fake, {
        ...AUTH,
        type_send_1: 'voice',
        name_clients_voice: 'Shop',
        text_voice: 'Hello',
        addr: '79990000001,79990000002',
      });
      expect(ids.map((id) => fake.messages.get(id)?.to)).toEqual(['79990000001', '79990000002']);
    });

    const viber: Params = {
      ...AUTH,
      type_send_1: 'viber',
      sender_viber: 'Shop',
      dadr: '79990000001',
    };
    const telegram: Params = {
      ...AUTH,
      type_send_1: 'telegram',
      name_clients_telegram: 'Shop',
      dadr: '79990000001',
    };
    const whatsapp: Params = {
      ...AUTH,
      type_send_1: 'whatsapp',
      name_clients_whatsapp: 'Shop',
      dadr: '79990000001',
    };
    const voice: Params = {
      ...AUTH,
      type_send_1: 'voice',
      name_clients_voice: 'Shop',
      dadr: '79990000001',
      text_voice: 'Hello',
    };
    const button = { button_viber: 'Open', action_viber: 'https://example.com/a?b=c' };
    const image = { image_viber: 'https://example.com/i.png' };

    it.each<[string, Params]>([
      ['sms with a validity period', { ...SMS, validity_period: moscowMinute(60) }],
      ['sms in the current minute', { ...SMS, validity_period: moscowMinute(0) }],
      ['sms falling back to sms', { ...SMS, type_send_2: 'sms' }],
      [
        'sms falling back to viber',
        { ...SMS, type_send_2: 'viber', sender_viber: 'Shop', text_viber: 'Hi' },
      ],
      ['viber text', { ...viber, text_viber: 'Hi' }],
      ['viber text + button', { ...viber, text_viber: 'Hi', ...button }],
      ['viber text + button + image', { ...viber, text_viber: 'Hi', ...button, ...image }],
      ['viber image alone', { ...viber, ...image }],
      [
        'viber with empty unused fields',
        { ...viber, text_viber: 'Hi', button_viber: '', image_viber: '' },
      ],
      [
        'viber falling back to sms',
        { ...viber, text_viber: 'Hi', type_send_2: 'sms', sadr: 'S', text: 'Hi' },
      ],
      [
        'telegram text',
        { ...telegram, text_telegram: 'Hi', validity_period_telegram: moscowMinute(5) },
      ],
      [
        'telegram text + button + image',
        {
          ...telegram,
          text_telegram: 'Hi',
          button_telegram: 'Open',
          action_telegram: 'https://example.com',
          image_telegram: 'http://example.com/i.png',
        },
      ],
      [
        'telegram falling back to sms',
        { ...telegram, text_telegram: 'Hi', type_send_2: 'sms', sadr: 'S', text: 'Hi' },
      ],
      ['whatsapp image alone', { ...whatsapp, image_whatsapp: 'https://example.com/i.png' }],
      [
        'whatsapp text',
        { ...whatsapp, text_whatsapp: 'Hi', validity_period_whatsapp: moscowMinute(5) },
      ],
      [
        'voice with every setting at its bounds',
        {
          ...voice,
          waiting_voice: '35',
          interval_voice: '3600',
          winterval_voice: '3600',
          dial_voice: '9',
          gender_voice: '8',
        },
      ],
      [
        'voice with lower bounds',
        { ...voice, waiting_voice: '10', interval_voice: '10', dial_voice: '1', gender_voice: '1' },
      ],
      [
        'voice with an audio file',
        { ...voice, text_voice: '', action_voice: 'https://example.com/a.mp3' },
      ],
      ['voice with dadr and addr alike (D1)', { ...voice, addr: '79990000001' }],
      ['voice falling back to sms', { ...voice, type_send_2: 'sms', sadr: 'S', text: 'Hi' }],
      ['voice_ivr', { ...voice, type_send_1: 'voice_ivr' }],
      ['flashcall', { ...AUTH, type_send_1: 'flashcall', dadr: '79990000001' }],
    ])('accepts %s', async (_case, params) => {
      const fake = await startFake();
      const answer = await scriptJson(fake, params);
      expect(answer.information).toEqual([
        { id_message: expect.stringMatching(/^\d+$/), price: expect.any(String) },
      ]);
      expect(fake.messages.size).toBe(1);
    });

    it.each<[string, Params, RegExp]>([
      ['an unknown type_send_1', { ...SMS, type_send_1: 'fax' }, /type_send_1/],
      ['a capitalised type_send_1', { ...SMS, type_send_1: 'Telegram' }, /type_send_1/],
      ['no dadr', { ...SMS, dadr: '' }, /dadr/],
      ['a + in dadr', { ...SMS, dadr: '+79990000001' }, /dadr/],
      ['a space after a comma in dadr', { ...SMS, dadr: '79990000001, 79990000002' }, /dadr/],
      ['a trailing comma in dadr', { ...SMS, dadr: '79990000001,' }, /dadr/],
      ['a 16-digit number', { ...SMS, dadr: '7999000000100000' }, /dadr/],
      ['sms without sadr', { ...SMS, sadr: '' }, /sadr/],
      ['sms without text', { ...SMS, text: '' }, /text/],
      ['sms falling back to telegram', { ...SMS, type_send_2: 'telegram' }, /type_send_2/],
      [
        'sms falling back to viber without viber content',
        { ...SMS, type_send_2: 'viber', sender_viber: 'S' },
        /viber/,
      ],
      [
        'sms falling back to viber without viber sender',
        { ...SMS, type_send_2: 'viber', text_viber: 'Hi' },
        /sender_viber/,
      ],
      ['viber without sender', { ...viber, sender_viber: '', text_viber: 'Hi' }, /sender_viber/],
      ['viber without content', viber, /viber content/],
      [
        'viber button text without link',
        { ...viber, text_viber: 'Hi', button_viber: 'Open' },
        /go together/,
      ],
      [
        'viber button link without text',
        { ...viber, text_viber: 'Hi', action_viber: 'https://e.com' },
        /go together/,
      ],
      [
        'viber text + image without button',
        { ...viber, text_viber: 'Hi', ...image },
        /viber content/,
      ],
      ['viber button without text', { ...viber, ...button }, /viber content/],
      ['viber button + image without text', { ...viber, ...button, ...image }, /viber content/],
      ['viber image that is not a URL', { ...viber, image_viber: 'picture.png' }, /image_viber/],
      [
        'viber link that is not http(s)',
        { ...viber, text_viber: 'Hi', button_viber: 'Go', action_viber: 'javascript:alert(1)' },
        /action_viber/,
      ],
      [
        'viber falling back to whatsapp',
        { ...viber, text_viber: 'Hi', type_send_2: 'whatsapp' },
        /type_send_2/,
      ],
      [
        'viber falling back to sms without sms text',
        { ...viber, text_viber: 'Hi', type_send_2: 'sms', sadr: 'S' },
        /text/,
      ],
      [
        'telegram with a capitalised sender name (D4)',
        {
          ...telegram,
          name_clients_telegram: '',
          Name_clients_telegram: 'Shop',
          text_telegram: 'Hi',
        },
        /name_clients_telegram/,
      ],
      [
        'telegram image with text but no button',
        { ...telegram, text_telegram: 'Hi', image_telegram: 'https://e.com/i.png' },
        /telegram content/,
      ],
      [
        'telegram falling back to viber',
        { ...telegram, text_telegram: 'Hi', type_send_2: 'viber' },
        /type_send_2/,
      ],
      [
        'whatsapp without sender',
        { ...whatsapp, name_clients_whatsapp: '', text_whatsapp: 'Hi' },
        /name_clients_whatsapp/,
      ],
      [
        'whatsapp link without button text',
        { ...whatsapp, text_whatsapp: 'Hi', action_whatsapp: 'https://e.com' },
        /go together/,
      ],
      ['voice without sender', { ...voice, name_clients_voice: '' }, /name_clients_voice/],
      ['voice with neither text nor audio', { ...voice, text_voice: '' }, /or both/],
      [
        'voice audio that is not a URL',
        { ...voice, text_voice: '', action_voice: 'a.mp3' },
        /action_voice/,
      ],
      ['waiting_voice 9', { ...voice, waiting_voice: '9' }, /waiting_voice/],
      ['waiting_voice 36', { ...voice, waiting_voice: '36' }, /waiting_voice/],
      ['interval_voice 3601', { ...voice, interval_voice: '3601' }, /interval_voice/],
      ['winterval_voice 9', { ...voice, winterval_voice: '9' }, /winterval_voice/],
      [
        'interval_voice and winterval_voice differing (D2)',
        { ...voice, interval_voice: '60', winterval_voice: '90' },
        /differ/,
      ],
      ['dial_voice 0', { ...voice, dial_voice: '0' }, /dial_voice/],
      ['dial_voice 10', { ...voice, dial_voice: '10' }, /dial_voice/],
      ['gender_voice 9', { ...voice, gender_voice: '9' }, /gender_voice/],
      ['a fractional gender_voice', { ...voice, gender_voice: '1.5' }, /gender_voice/],
      ['voice with dadr and addr differing (D1)', { ...voice, addr: '79990000002' }, /addr/],
      ['voice falling back to telegram', { ...voice, type_send_2: 'telegram' }, /type_send_2/],
      [
        'flashcall with a fallback',
        {
          ...AUTH,
          type_send_1: 'flashcall',
          dadr: '79990000001',
          type_send_2: 'sms',
          sadr: 'S',
          text: 'Hi',
        },
        /type_send_2/,
      ],
      [
        'a validity period with a T',
        { ...SMS, validity_period: '2099-11-27T12:00' },
        /validity_period/,
      ],
      [
        'a validity period with seconds',
        { ...SMS, validity_period: '2099-11-27 12:00:00' },
        /validity_period/,
      ],
      [
        'a validity period on 30 February',
        { ...SMS, validity_period: '2099-02-30 12:00' },
        /validity_period/,
      ],
      [
        'a validity period at 24:00',
        { ...SMS, validity_period: '2099-01-01 24:00' },
        /validity_period/,
      ],
      ['a validity period in the past', { ...SMS, validity_period: moscowMinute(-2) }, /past/],
      [
        'a telegram validity period in ISO form',
        { ...telegram, text_telegram: 'Hi', validity_period_telegram: '2099-01-01T10:00:00Z' },
        /validity_period_telegram/,
      ],
    ])('refuses %s', async (_case, params, reason) => {
      const fake = await startFake();
      const answer = await scriptJson(fake, params);
      expect(Object.keys(answer)).toEqual(['error']);
      expect(answer.error).toMatch(reason);
      expect(fake.messages.size).toBe(0);
      expect(fake.balanceOf()).toBe(1000);
    });
  });

  describe('status', () => {
    // Wide windows: a loaded machine must not turn 'deliver' into 'read' between two checks.
    const timing = { deliverAfterMs: 100, readAfterMs: 200 };
    const readAfterSending = 300;
    const viber: Params = { ...AUTH, type_send_1: 'viber', sender_viber: 'S', text_viber: 'Hi' };

    it('advances a Viber message send -> deliver -> read, with Moscow times', async () => {
      const fake = await startFake(timing);
      const [id] = await sendIds(fake, { ...viber, dadr: '79990000001' });
      const sentAt = fake.messages.get(id)!.sentAt;
      expect(await statusOf(fake, id)).toEqual({ state: 'send', time: '', text_sms: '' });

      await sleepUntil(sentAt + 150);
      expect(await statusOf(fake, id)).toEqual({
        state: 'deliver',
        time: moscowTime.format(sentAt + 100),
        text_sms: '',
      });
      expect(fake.messages.get(id)?.state).toBe('deliver');

      await sleepUntil(sentAt + readAfterSending + 20);
      expect(await statusOf(fake, id)).toEqual({
        state: 'read',
        time: moscowTime.format(sentAt + readAfterSending),
        text_sms: '',
      });
    });

    it('stops SMS, voice and flashcall at deliver', async () => {
      const fake = await startFake(timing);
      const ids = [
        ...(await sendIds(fake, SMS)),
        ...(await sendIds(fake, {
          ...AUTH,
          type_send_1: 'voice',
          name_clients_voice: 'S',
          text_voice: 'x',
          dadr: '79990000001',
        })),
        ...(await sendIds(fake, { ...AUTH, type_send_1: 'flashcall', dadr: '79990000001' })),
      ];
      await sleepUntil(fake.messages.get(ids[2])!.sentAt + readAfterSending + 20);
      for (const id of ids) expect((await statusOf(fake, id)).state).toBe('deliver');
    });

    it.each([
      ['79990000000', 'not_deliver'],
      ['79990000999', 'expired'],
      ['79990000998', 'partly_deliver'],
    ])('ends a message to %s %s', async (number, state) => {
      const fake = await startFake(timing);
      const [id] = await sendIds(fake, { ...viber, dadr: number });
      expect((await statusOf(fake, id)).state).toBe('send');
      await sleepUntil(fake.messages.get(id)!.sentAt + readAfterSending + 20);
      expect((await statusOf(fake, id)).state).toBe(state);
    });

    it('finds a message by msgid, id_sms or smsid (D3)', async () => {
      const fake = await startFake();
      const [id] = await sendIds(fake, SMS);
      for (const name of ['msgid', 'id_sms', 'smsid']) {
        expect(await scriptJson(fake, { ...AUTH, [name]: id })).toMatchObject({ state: 'send' });
      }
      expect(await scriptJson(fake, { ...AUTH, msgid: id, id_sms: id, smsid: id })).toMatchObject({
        state: 'send',
      });
    });

    it.each<[string, Params, string]>([
      ['an unknown id', { msgid: '1' }, 'unknown message id'],
      ['an empty id', { msgid: '' }, 'message id is required'],
      [
        'ids that differ',
        { msgid: 'ID', id_sms: 'ID', smsid: '1' },
        'msgid, id_sms and smsid differ',
      ],
    ])('refuses %s', async (_case, params, error) => {
      const fake = await startFake();
      const [id] = await sendIds(fake, SMS);
      const withId = Object.fromEntries(
        Object.entries(params).map(([name, value]) => [name, value.replace('ID', id)]),
      );
      expect(await scriptJson(fake, { ...AUTH, ...withId })).toEqual({ error });
    });

    it('holds a pinned state whatever the time', async () => {
      const fake = await startFake(timing);
      const [id] = await sendIds(fake, { ...viber, dadr: '79990000001' });
      const before = Date.now();
      fake.setStatus(id, 'expired');
      await sleepUntil(fake.messages.get(id)!.sentAt + readAfterSending + 20);
      const answer = await statusOf(fake, id);
      expect(answer.state).toBe('expired');
      expect(answer.time).toBe(moscowTime.format(fake.messages.get(id)!.updatedAt));
      expect(fake.messages.get(id)!.updatedAt).toBeGreaterThanOrEqual(before);

      fake.setStatus(id, 'send');
      expect(await statusOf(fake, id)).toEqual({ state: 'send', time: '', text_sms: '' });
      expect(() => fake.setStatus('404', 'read')).toThrow(/404/);
    });

    it('reads a flashcall code back through text_sms', async () => {
      const fake = await startFake();
      const [id] = await sendIds(fake, { ...AUTH, type_send_1: 'flashcall', dadr: '79990000001' });
      const code = fake.messages.get(id)?.code;
      expect(code).toMatch(/^\d{4}$/);
      expect(await statusOf(fake, id)).toEqual({ state: 'send', time: '', text_sms: code });

      fake.setStatus(id, 'deliver', '0042');
      expect(await statusOf(fake, id)).toMatchObject({ state: 'deliver', text_sms: '0042' });
    });
  });

  describe('plain-text forms', () => {
    it('answers a send with ids ending in ,0', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'plain-text' });
      const { status, body } = await script(fake, { ...SMS, dadr: '79990000001,79990000002' });
      expect(status).toBe(200);
      expect(body).toBe(`${[...fake.messages.keys()].join(',')},0`);
      expect(fake.messages.size).toBe(2);
    });

    it('answers the balance on one line and the currency on the next', async () => {
      const fake = await startFake({
        accounts: [{ user: 'u', password: 'p', balance: 12.345, currency: 'USD' }],
      });
      fake.fail({ kind: 'plain-text' });
      expect((await script(fake, { user: 'u', pwd: 'p', balance: '1' })).body).toBe('12.35\nUSD');
    });

    it('answers a status with the bare state word, then returns to JSON', async () => {
      const fake = await startFake();
      const [id] = await sendIds(fake, SMS);
      fake.setStatus(id, 'not_deliver');
      fake.fail({ kind: 'plain-text' });
      expect((await script(fake, { ...AUTH, msgid: id })).body).toBe('not_deliver');
      expect(await statusOf(fake, id)).toMatchObject({ state: 'not_deliver' });
    });

    it('answers a refusal as an error line', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'plain-text' });
      expect((await script(fake, { balance: '1' })).body).toBe('error: authorization failed');
    });
  });

  describe('registration', () => {
    const common: Params = {
      registration: '1',
      login: 'newuser',
      password: 'n3w-pass',
      name: 'Ivan Petrov',
      city: 'Moscow',
      phone: '79537775522',
      e_mail: 'registration@example.com',
    };
    const legalEntity: Params = {
      ...common,
      businessman: 'le',
      inn: '5551112223',
      juridical_address: 'Moscow, Tverskaya 24',
      company_name: 'Romashka LLC',
    };
    const soleProprietor: Params = {
      ...common,
      businessman: 'ip',
      inn: '555111222333',
      juridical_address: 'Moscow, Tverskaya 24',
      ogrnip: '3047700000000',
    };
    const individual: Params = {
      ...common,
      businessman: 'fl',
      address_facto: 'Moscow, Arbat 1, flat 2',
    };

    it.each([
      ['a legal entity', legalEntity],
      ['a sole proprietor', soleProprietor],
      ['an individual', individual],
      ['a Cyrillic name with a hyphen', { ...individual, name: 'Анна-Мария Иванова' }],
    ])('registers %s and opens an account for its login', async (_case, params) => {
      const fake = await startFake({ accounts: [] });
      const { status, headers, body } = await register(fake, params);
      expect(status).toBe(200);
      expect(headers.get('content-type')).toMatch(/^text\/html/);
      expect(body).toContain('newuser');
      expect(await scriptJson(fake, { user: 'newuser', pwd: 'n3w-pass', balance: '1' })).toEqual({
        balance: '0.00',
      });
      expect(await scriptJson(fake, { user: 'newuser', pwd: 'wrong', balance: '1' })).toEqual({
        error: 'authorization failed',
      });
    });

    it('checks a registered login strictly even in permissive mode', async () => {
      const fake = await startFake();
      expect((await register(fake, individual)).status).toBe(200);
      expect(await scriptJson(fake, { user: 'newuser', pwd: 'wrong', balance: '1' })).toEqual({
        error: 'authorization failed',
      });
      fake.setBalance(5, 'newuser');
      expect(await scriptJson(fake, { user: 'newuser', pwd: 'n3w-pass', balance: '1' })).toEqual({
        balance: '5.00',
      });
    });

    it('uses the configured code for individuals (D5)', async () => {
      const fake = await startFake({ individualCode: 'phys' });
      expect((await register(fake, { ...individual, businessman: 'phys' })).status).toBe(200);
      const refused = await register(fake, { ...individual, login: 'other' });
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('businessman');
    });

    it.each<[string, Params, string]>([
      ['registration other than 1', { ...individual, registration: '0' }, 'registration'],
      ['an unknown businessman', { ...individual, businessman: 'xx' }, 'businessman'],
      ['no login', { ...individual, login: '' }, 'login'],
      ['no password', { ...individual, password: '' }, 'password'],
      ['a name of 2 letters', { ...individual, name: 'Iv' }, 'name'],
      ['a name with a digit', { ...individual, name: 'Ivan 2' }, 'name'],
      ['a name with a digit in a word', { ...individual, name: 'Iv4n Petrov' }, 'name'],
      ['a name with a double space', { ...individual, name: 'Ivan  Petrov' }, 'name'],
      ['a name in Greek', { ...individual, name: 'Αλέξης' }, 'name'],
      ['a city of 2 characters', { ...individual, city: 'Ab' }, 'city'],
      ['no phone', { ...individual, phone: '' }, 'phone'],
      ['a phone with +', { ...individual, phone: '+79537775522' }, 'phone'],
      ['an e-mail without domain dot', { ...individual, e_mail: 'user@example' }, 'e_mail'],
      ['an e-mail without @', { ...individual, e_mail: 'user.example.com' }, 'e_mail'],
      [
        'an individual address of 9 characters',
        { ...individual, address_facto: 'Arbat 1-2' },
        'address_facto',
      ],
      ['a legal entity inn of 9 digits', { ...legalEntity, inn: '555111222' }, 'inn'],
      ['a legal entity inn with letters', { ...legalEntity, inn: '55511122AB' }, 'inn'],
      [
        'a short legal address',
        { ...legalEntity, juridical_address: 'Tverskaya' },
        'juridical_address',
      ],
      ['a company name of 4 characters', { ...legalEntity, company_name: 'Romy' }, 'company_name'],
      ['a legal entity without company name', { ...legalEntity, company_name: '' }, 'company_name'],
      ['a sole proprietor without inn', { ...soleProprietor, inn: '' }, 'inn'],
      [
        'a sole proprietor with a short address',
        { ...soleProprietor, juridical_address: 'Short st' },
        'juridical_address',
      ],
      ['an ogrnip of 12 digits', { ...soleProprietor, ogrnip: '304770000000' }, 'ogrnip'],
      ['an ogrnip of 16 digits', { ...soleProprietor, ogrnip: '3047700000000000' }, 'ogrnip'],
      [
        'an individual registered as a legal entity',
        { ...individual, businessman: 'le' },
        'company_name',
      ],
    ])('refuses %s with 400 naming the field', async (_case, params, field) => {
      const fake = await startFake({ accounts: [] });
      const { status, headers, body } = await register(fake, params);
      expect(status).toBe(400);
      expect(headers.get('content-type')).toMatch(/^text\/html/);
      expect(body).toContain(`<li>${field}:`);
      expect(() => fake.balanceOf(params.login)).toThrow();
    });

    it('lists every problem at once', async () => {
      const fake = await startFake();
      const { body } = await register(fake, {
        ...legalEntity,
        city: 'A',
        inn: '1',
        company_name: '',
      });
      expect(body).toMatch(/city:.*inn:.*company_name:/s);
    });

    it('refuses a login already taken', async () => {
      const fake = await startFake({ accounts: [{ user: 'alice', password: 'a' }] });
      const { status, body } = await register(fake, { ...individual, login: 'alice' });
      expect(status).toBe(400);
      expect(body).toContain('login: already taken');
      expect((await register(fake, individual)).status).toBe(200);
      expect((await register(fake, individual)).status).toBe(400);
    });
  });

  describe('faults', () => {
    it('answers an HTTP error without performing the operation', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'http', status: 503 });
      const { status, headers, body } = await script(fake, SMS);
      expect(status).toBe(503);
      expect(headers.get('content-type')).toMatch(/^text\/html/);
      expect(body).toContain('503 Service Unavailable');
      expect(fake.messages.size).toBe(0);
      expect(fake.balanceOf()).toBe(1000);
      expect(fake.requests[0]).toMatchObject({ operation: 'send', fault: 'http' });
    });

    it('answers an HTTP error with the given body and headers', async () => {
      const fake = await startFake();
      fake.fail({
        kind: 'http',
        status: 429,
        body: '{"error":"slow down"}',
        headers: { 'Retry-After': '2', 'Content-Type': 'application/json' },
      });
      const { status, headers, body } = await script(fake, SMS);
      expect(status).toBe(429);
      expect(headers.get('retry-after')).toBe('2');
      expect(headers.get('content-type')).toBe('application/json');
      expect(body).toBe('{"error":"slow down"}');
    });

    it('applies queued faults in order, then answers normally', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'http', status: 500 }, 2);
      fake.fail({ kind: 'empty' });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) {
        const { status, body } = await script(fake, { ...AUTH, balance: '1' });
        statuses.push(`${status} ${body.length > 0 && body.startsWith('{') ? body : ''}`.trim());
      }
      expect(statuses).toEqual(['500', '500', '200', '200 {"balance":"1000.00"}']);
      expect(fake.requests.map((request) => request.fault)).toEqual([
        'http',
        'http',
        'empty',
        undefined,
      ]);
    });

    it('forgets queued faults on clearFaults', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'http', status: 500 }, 3);
      fake.clearFaults();
      expect((await script(fake, { ...AUTH, balance: '1' })).status).toBe(200);
    });

    it('refuses a fault count that is not a positive integer', async () => {
      const fake = await startFake();
      expect(() => fake.fail({ kind: 'drop' }, 0)).toThrow(RangeError);
      expect(() => fake.fail({ kind: 'drop' }, 1.5)).toThrow(RangeError);
    });

    it('applies faults to registration and to unknown paths too', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'http', status: 502 }, 2);
      expect((await register(fake, {})).status).toBe(502);
      expect((await call(fake, '/elsewhere')).status).toBe(502);
    });

    it('delays the answer but performs the operation at once', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'delay', ms: 150 });
      const started = Date.now();
      const answer = await scriptJson(fake, { ...AUTH, balance: '1' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(answer).toEqual({ balance: '1000.00' });

      fake.fail({ kind: 'delay', ms: 300 });
      await expect(
        fetch(scriptUrl(fake, SMS), { signal: AbortSignal.timeout(50) }),
      ).rejects.toThrow();
      expect(fake.messages.size).toBe(1);
      expect(fake.requests.at(-1)?.fault).toBe('delay');
    });

    it('trickles the body one byte at a time after prompt headers', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'trickle', intervalMs: 10 });
      const result = await rawGet(scriptUrl(fake, { ...AUTH, balance: '1' }));
      const body = '{"balance":"1000.00"}';
      expect(result.status).toBe(200);
      expect(result.complete).toBe(true);
      expect(result.body.toString()).toBe(body);
      expect(result.headersAt! - result.startedAt).toBeLessThan(150);
      expect(result.endedAt - result.headersAt!).toBeGreaterThanOrEqual((body.length - 1) * 10);
    });

    it('drops the connection without an answer and without performing the operation', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'drop' });
      const result = await rawGet(scriptUrl(fake, SMS));
      expect(result.status).toBeUndefined();
      expect(result.error?.code).toBe('ECONNRESET');
      expect(fake.requests[0]).toMatchObject({ operation: 'send', fault: 'drop' });
      expect(fake.messages.size).toBe(0);

      fake.fail({ kind: 'drop' });
      await expect(fetch(scriptUrl(fake, SMS))).rejects.toThrow();
    });

    it('truncates the body after performing the operation', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'truncate' });
      const result = await rawGet(scriptUrl(fake, SMS));
      expect(result.status).toBe(200);
      expect(result.complete).toBe(false);
      const declared = Number(result.headers?.['content-length']);
      expect(declared).toBeGreaterThan(20);
      expect(result.body.length).toBe(Math.floor(declared / 2));
      expect(result.body.toString()).toMatch(/^\{"information":\[\{"id_message":"/);
      expect(fake.messages.size).toBe(1);

      fake.fail({ kind: 'truncate' });
      const response = await fetch(scriptUrl(fake, { ...AUTH, balance: '1' }));
      await expect(response.text()).rejects.toThrow();
    });

    it.each<['malformed' | 'html' | 'empty', RegExp]>([
      ['malformed', /^\{"information":/],
      ['html', /^<!DOCTYPE html>.*Fatal error/s],
      ['empty', /^$/],
    ])('answers 200 with a %s body that is no answer', async (kind, shape) => {
      const fake = await startFake();
      fake.fail({ kind });
      const { status, headers, body } = await script(fake, SMS);
      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe('text/html; charset=UTF-8');
      expect(body).toMatch(shape);
      expect(() => JSON.parse(body)).toThrow();
      expect(fake.messages.size).toBe(0);
    });

    it('answers an oversized body of exactly the given size', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'oversized', bytes: 200_000 });
      const { status, headers, body } = await script(fake, { ...AUTH, balance: '1' });
      expect(status).toBe(200);
      expect(headers.get('content-length')).toBe('200000');
      expect(body).toBe('x'.repeat(200_000));
    });

    it('stops streaming an oversized body when the client gives up', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'oversized', bytes: 500_000_000 });
      const controller = new AbortController();
      const response = await fetch(scriptUrl(fake, { ...AUTH, balance: '1' }), {
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      expect((await reader.read()).value?.length).toBeGreaterThan(0);
      controller.abort();
      expect(await scriptJson(fake, { ...AUTH, balance: '1' })).toEqual({ balance: '1000.00' });
    });

    it.each([
      [undefined, 302],
      [301, 301],
    ])('redirects (status %s) without performing the operation', async (given, expected) => {
      const fake = await startFake();
      fake.fail({ kind: 'redirect', location: 'https://my3.webcom.mobi/login.php', status: given });
      const response = await fetch(scriptUrl(fake, SMS), { redirect: 'manual' });
      expect(response.status).toBe(expected);
      expect(response.headers.get('location')).toBe('https://my3.webcom.mobi/login.php');
      expect(fake.messages.size).toBe(0);
    });
  });

  describe('connections', () => {
    it('counts sockets open now and at most', async () => {
      const fake = await startFake();
      expect(fake.peakConnections).toBe(0);
      fake.fail({ kind: 'delay', ms: 100 }, 5);
      const pending = Array.from({ length: 5 }, () =>
        rawGet(scriptUrl(fake, { ...AUTH, balance: '1' })),
      );
      await sleep(50);
      expect(fake.openConnections).toBe(5);
      const results = await Promise.all(pending);
      expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200]);
      expect(fake.peakConnections).toBe(5);

      for (let waited = 0; fake.openConnections > 0 && waited < 1000; waited += 10) await sleep(10);
      expect(fake.openConnections).toBe(0);
      expect(fake.peakConnections).toBe(5);
    });

    it('destroys sockets still answering when it stops', async () => {
      const fake = await startFake();
      fake.fail({ kind: 'trickle', intervalMs: 1000 });
      const pending = rawGet(scriptUrl(fake, { ...AUTH, balance: '1' }));
      await sleep(50);
      const started = Date.now();
      await fake.stop();
      const result = await pending;
      expect(Date.now() - started).toBeLessThan(500);
      expect(result.complete).toBe(false);
      expect(fake.openConnections).toBe(0);
    });
  });
});
