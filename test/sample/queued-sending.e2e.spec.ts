import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { FakeWebcomServer } from 'nestjs-webcom/testing';
import {
  describeWithRedis,
  isolatedQueue,
  REDIS_URL,
  removeQueueKeys,
} from '../queue/support/redis.js';
import { sampleOnFakeGateway } from './support/sample-gateway.js';

describeWithRedis('the sample application with queued sending', () => {
  const { prefix } = isolatedQueue('sample');
  let app: INestApplication;
  let fake: FakeWebcomServer;

  beforeAll(async () => {
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('WEBCOM_')) delete process.env[name];
    }
    Object.assign(process.env, { WEBCOM_QUEUE_REDIS_URL: REDIS_URL, WEBCOM_QUEUE_PREFIX: prefix });
    fake = await sampleOnFakeGateway();
    // Imported now: the app decides on queued sending from the environment as it loads.
    const { AppModule } = await import('../../sample/src/app.module.js');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await fake.stop();
    await removeQueueKeys('webcom', prefix);
  });

  it('enqueues a send, answers its job ids, and its worker delivers it once', async () => {
    const sent = await request(app.getHttpServer())
      .post('/messages/sms')
      .send({ to: ['+7 999 123-45-67', '+7 999 123-45-68'], text: 'queued hello' })
      .expect(201);
    expect(sent.body).toEqual({ jobIds: [expect.any(String)] });

    const [jobId] = sent.body.jobIds as string[];
    let job: { state: string; result?: { messages: unknown[] } } | undefined;
    for (let i = 0; i < 100 && job?.state !== 'completed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await request(app.getHttpServer()).get(`/messages/jobs/${jobId}`).expect(200)).body;
    }
    expect(job).toMatchObject({ state: 'completed', result: { messages: [{}, {}] } });
    const sends = fake.requests.filter(
      (r) => r.operation === 'send' && r.query.text === 'queued hello',
    );
    expect(sends).toHaveLength(1);
    expect(sends[0].query.dadr).toBe('79991234567,79991234568');
  });

  it('refuses invalid input at enqueue time, with the field list', async () => {
    const refused = await request(app.getHttpServer())
      .post('/messages/sms')
      .send({ to: 'nobody', text: 'x' })
      .expect(400);
    expect(JSON.stringify(refused.body)).toContain('to');
  });

  it('a job that does not exist is a 404', async () => {
    await request(app.getHttpServer()).get('/messages/jobs/nope').expect(404);
  });
});
