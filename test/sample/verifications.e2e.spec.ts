import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { FakeWebcomServer } from 'nestjs-webcom/testing';
import request from 'supertest';
import { AppModule } from '../../sample/src/app.module.js';
import { setupOpenApi } from '../../sample/src/openapi.js';
import { sampleOnFakeGateway } from './support/sample-gateway.js';

const DIGITS = '79991234567';

describe('the sample application: verifications', () => {
  let app: INestApplication;
  let fake: FakeWebcomServer;

  beforeAll(async () => {
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('WEBCOM_')) delete process.env[name];
    }
    process.env.WEBCOM_RETRIES = '0';
    fake = await sampleOnFakeGateway();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    setupOpenApi(app);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await fake.stop();
  });

  const post = (path: string, body: object) => request(app.getHttpServer()).post(path).send(body);

  /** The code in the last SMS the emulator received for `to`. */
  const lastCode = (to: string) =>
    fake.requests
      .filter((r) => r.operation === 'send' && r.query.dadr === to)
      .at(-1)!
      .query.text.match(/\d{6}/)![0];

  it('POST /verifications sends a code, POST /verifications/:id/check approves it once', async () => {
    const started = await post('/verifications', { to: '+7 999 123-45-67' }).expect(201);
    expect(started.body).toMatchObject({ to: DIGITS, channel: 'sms', status: 'pending' });
    const code = lastCode(DIGITS);
    await post(`/verifications/${started.body.id}/check`, { code: '0' })
      .expect(200)
      .expect({ status: 'wrong_code', attemptsLeft: 4 });
    await post(`/verifications/${started.body.id}/check`, { code })
      .expect(200)
      .expect({ status: 'approved', attemptsLeft: 0 });
    await post(`/verifications/${started.body.id}/check`, { code })
      .expect(200)
      .expect({ status: 'not_found', attemptsLeft: 0 });
  });

  it('answers 409 with the pending id, 429 with Retry-After, 400 on to', async () => {
    const to = '79990000042';
    const started = await post('/verifications', { to }).expect(201);
    const conflict = await post('/verifications', { to }).expect(409);
    expect(conflict.body).toMatchObject({ verificationId: started.body.id });
    const early = await post(`/verifications/${started.body.id}/resend`, {}).expect(429);
    expect(Number(early.headers['retry-after'])).toBeGreaterThan(0);
    const invalid = await post('/verifications', { to: [to, '79990000043'] }).expect(400);
    expect(JSON.stringify(invalid.body)).toContain('"to"');
  });

  it('lists both endpoints in the OpenAPI document of /docs', async () => {
    const document = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/verifications', '/verifications/{id}/check']),
    );
  });
});
