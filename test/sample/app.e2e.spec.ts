import { Logger, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { FakeWebcomServer } from 'nestjs-webcom/testing';
import request from 'supertest';
import { AppModule } from '../../sample/src/app.module.js';
import {
  BALANCE_EXAMPLE,
  HEALTH_EXAMPLE,
  SEND_SMS_EXAMPLE,
  type ExampleRequest,
} from '../../sample/src/startup-banner.js';
import { sampleOnFakeGateway } from './support/sample-gateway.js';

const PHONE = '+7 999 123-45-67';
const DIGITS = '79991234567';

/** The sample's environment for these tests, on a gateway emulator (`sampleOnFakeGateway`). */
const ENVIRONMENT = {
  WEBCOM_HEALTH_MIN_BALANCE: '50',
  WEBCOM_HEALTH_WARN_BALANCE: '200',
  // A failed read answers at once rather than after the retries' backoff.
  WEBCOM_RETRIES: '0',
  // Small enough that 40 recipients take several requests.
  WEBCOM_MAX_URL_LENGTH: '400',
};

describe('the sample application', () => {
  let app: INestApplication;
  let fake: FakeWebcomServer;

  beforeAll(async () => {
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('WEBCOM_')) delete process.env[name];
    }
    Object.assign(process.env, ENVIRONMENT);
    fake = await sampleOnFakeGateway();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await fake.stop();
  });

  beforeEach(() => {
    fake.clearFaults();
    fake.clearRequests();
    fake.setBalance(1000);
  });

  const post = (path: string, body: object) => request(app.getHttpServer()).post(path).send(body);
  const get = (path: string) => request(app.getHttpServer()).get(path);

  describe('sends', () => {
    it.each([
      ['sms', { to: PHONE, text: 'Hello' }, 'sms'],
      [
        'viber',
        { to: PHONE, text: 'Hi', button: { text: 'Open', url: 'https://example.com/o/1' } },
        'viber',
      ],
      ['voice', { to: PHONE, text: 'Your code is 1 2 3 4', attempts: 2 }, 'voice'],
      [
        'cascade',
        {
          to: PHONE,
          primary: { channel: 'viber', text: 'Hi' },
          fallback: { channel: 'sms', text: 'Hi by SMS' },
        },
        'viber',
      ],
      ['flashcall', { to: PHONE }, 'flashcall'],
      ['telegram', { to: PHONE, text: 'Hi' }, 'telegram'],
      ['whatsapp', { to: PHONE, imageUrl: 'https://example.com/a.png' }, 'whatsapp'],
    ])(
      'POST /messages/%s sends on that channel and answers the ids',
      async (path, body, channel) => {
        const response = await post(`/messages/${path}`, body).expect(201);
        const [message] = response.body.messages;
        expect(response.body).toEqual({
          messages: [{ id: expect.any(String), to: DIGITS, price: expect.any(Number) }],
          balance: fake.balanceOf(),
        });
        expect(fake.messages.get(message.id)).toMatchObject({ channel, to: DIGITS });
      },
    );

    it('the senders default to the emulator demo names', async () => {
      await post('/messages/sms', { to: PHONE, text: 'Hello' }).expect(201);
      expect(fake.requests[0].query).toMatchObject({ type_send_1: 'sms', sadr: 'WebcomDemo' });
    });
  });

  it('GET /messages/:id/status reads the status of a sent message', async () => {
    const sent = await post('/messages/flashcall', { to: PHONE }).expect(201);
    const id: string = sent.body.messages[0].id;
    await get(`/messages/${id}/status`)
      .expect(200)
      .expect(({ body }) => expect(body).toMatchObject({ id, state: 'send', final: false }));

    fake.setStatus(id, 'deliver', '4821');
    const { body } = await get(`/messages/${id}/status`).expect(200);
    expect(body).toMatchObject({ id, state: 'deliver', final: false, code: '4821' });
  });

  it('GET /balance answers the account balance', async () => {
    fake.setBalance(321.5);
    await get('/balance').expect(200, { balance: 321.5 });
  });

  describe('POST /registrations', () => {
    const individual = {
      type: 'individual',
      login: 'new-shop',
      password: 'S3cret!',
      name: 'Ivan Petrov',
      city: 'Moscow',
      phone: '8 999 123 45 67',
      email: 'ivan@example.com',
      actualAddress: 'Moscow, Tverskaya street 1',
    };

    it('opens an account and passes the gateway answer on', async () => {
      const { body } = await post('/registrations', individual).expect(201);
      expect(body).toEqual({
        accepted: true,
        status: 200,
        message: expect.stringContaining('Registration complete') as unknown,
      });
      expect(fake.requests[0].query).toMatchObject({ businessman: 'fl', phone: DIGITS });
    });

    it('names the fields a legal entity lacks', async () => {
      const { body } = await post('/registrations', { ...individual, type: 'legal' }).expect(400);
      expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'companyName',
        'inn',
        'legalAddress',
      ]);
      expect(fake.requests).toEqual([]);
    });
  });

  describe('invalid input', () => {
    it('is a 400 that lists every invalid field, nested ones as dotted paths', async () => {
      const { body } = await post('/messages/viber', {
        to: 'call me',
        text: 'Hi',
        button: { text: 'Open', url: 'not a url' },
        colour: 'red',
      }).expect(400);
      expect(body).toMatchObject({ statusCode: 400, error: 'WebcomValidationError' });
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { field: 'to', messages: [expect.any(String)] },
          { field: 'button.url', messages: [expect.any(String)] },
          { field: 'colour', messages: ['property colour should not exist'] },
        ]),
      );
      expect(fake.requests).toEqual([]);
    });

    it('a malformed message id is a 400 for the field id', async () => {
      const { body } = await get(`/messages/${'9'.repeat(300)}/status`).expect(400);
      expect(body.errors).toEqual([{ field: 'id', messages: [expect.any(String)] }]);
    });
  });

  describe('gateway failures', () => {
    it('a refusal by the gateway is a 502 with its status', async () => {
      fake.fail({ kind: 'http', status: 500 });
      const { body } = await post('/messages/sms', { to: PHONE, text: 'Hello' }).expect(502);
      expect(body).toMatchObject({ statusCode: 502, error: 'WebcomApiError', gatewayStatus: 500 });
    });

    it('a send the gateway cannot pay for is a 502 too', async () => {
      fake.setBalance(0);
      const { body } = await post('/messages/sms', { to: PHONE, text: 'Hello' }).expect(502);
      expect(body.message).toContain('insufficient balance');
    });

    it('a connection lost after the request went out is a 502 that says it may have been delivered', async () => {
      fake.fail({ kind: 'drop' });
      const { body } = await post('/messages/sms', { to: PHONE, text: 'Hello' }).expect(502);
      expect(body).toMatchObject({
        statusCode: 502,
        error: 'WebcomTransportError',
        code: expect.any(String),
        possiblyDelivered: true,
      });
    });

    it('a split send that partly failed is a 502 accounting for every recipient', async () => {
      const recipients = Array.from({ length: 40 }, (_, i) => `7999${String(1000000 + i)}`);
      fake.fail({ kind: 'http', status: 500 });
      const { body } = await post('/messages/sms', { to: recipients, text: 'Sale!' }).expect(502);
      expect(body.error).toBe('WebcomPartialSendError');
      const failed = body.failed.flatMap((part: { to: string[] }) => part.to);
      expect(body.sent.messages.length + failed.length).toBe(recipients.length);
      expect(body.failed[0].error).toMatchObject({
        name: 'WebcomApiError',
        gatewayStatus: 500,
        possiblyDelivered: false,
      });
    });
  });

  describe('GET /health', () => {
    // Terminus logs each failed check as an error; here they are the expected outcome.
    beforeAll(() => Logger.overrideLogger(false));
    afterAll(() => Logger.overrideLogger(['error']));

    it('is up with the balance', async () => {
      const { body } = await get('/health').expect(200);
      expect(body).toMatchObject({
        status: 'ok',
        details: { webcom: { status: 'up', balance: 1000, minBalance: 50, warnBalance: 200 } },
      });
    });

    it('is degraded, still 200, below WEBCOM_HEALTH_WARN_BALANCE', async () => {
      fake.setBalance(150);
      const { body } = await get('/health').expect(200);
      expect(body).toMatchObject({
        status: 'degraded',
        details: { webcom: { status: 'degraded', balance: 150 } },
      });
    });

    it('is down, 503, below WEBCOM_HEALTH_MIN_BALANCE', async () => {
      fake.setBalance(10);
      const { body } = await get('/health').expect(503);
      expect(body).toMatchObject({
        status: 'error',
        error: { webcom: { status: 'down', balance: 10 } },
      });
    });

    it('is down, 503, with the reason when the balance cannot be read', async () => {
      fake.fail({ kind: 'html' });
      const { body } = await get('/health').expect(503);
      expect(body.error.webcom).toMatchObject({ status: 'down', error: 'WebcomApiError' });
    });
  });

  it.each<ExampleRequest>([SEND_SMS_EXAMPLE, BALANCE_EXAMPLE, HEALTH_EXAMPLE])(
    'the logged example "$title" works',
    async ({ method, path, body }) => {
      const call = method === 'POST' ? post(path, body ?? {}) : get(path);
      const response = await call;
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(300);
    },
  );
});
