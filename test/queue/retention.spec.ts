import '../support/quiet-logs.js';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Job, Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebcomModule } from '../../lib/index.js';
import {
  getWebcomQueueToken,
  WebcomQueue,
  WebcomQueueModule,
  type WebcomQueueModuleOptions,
} from '../../lib/queue/index.js';
import { FakeWebcomServer } from '../../lib/testing/fake-webcom-server.js';
import { describeWithRedis, isolatedQueue, REDIS_URL, removeQueueKeys } from './support/redis.js';

const CREDENTIALS = { user: 'shop', password: 'pw' };

interface Harness {
  app: TestingModule;
  queue: WebcomQueue;
  bull: Queue;
  fake: FakeWebcomServer;
  queueName: string;
  prefix: string;
}

const running: Harness[] = [];

async function start(queueOptions: Partial<WebcomQueueModuleOptions> = {}): Promise<Harness> {
  const fake = await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 100_000 }] });
  const { queueName, prefix } = isolatedQueue('retention');
  const app = await Test.createTestingModule({
    imports: [
      WebcomModule.forRoot({
        isGlobal: true,
        credentials: CREDENTIALS,
        baseUrl: fake.baseUrl,
        senders: { sms: 'Shop' },
      }),
      WebcomQueueModule.forRoot({
        queueName,
        connection: { url: REDIS_URL },
        prefix,
        ...queueOptions,
      }),
    ],
  }).compile();
  await app.init();
  const harness = {
    app,
    queue: app.get<WebcomQueue>(getWebcomQueueToken(queueName)),
    bull: app.get<Queue>(getQueueToken(queueName)),
    fake,
    queueName,
    prefix,
  };
  running.push(harness);
  return harness;
}

afterEach(async () => {
  for (const { app, fake, queueName, prefix } of running.splice(0)) {
    await app.close();
    await fake.stop();
    await removeQueueKeys(queueName, prefix);
  }
});

/** The job as BullMQ stored it in Redis. */
async function stored(bull: Queue, id: string): Promise<Job> {
  const job = await bull.getJob(id);
  if (!job) throw new Error(`job ${id} is not in Redis`);
  return job;
}

async function completed(bull: Queue, id: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await bull.getJobState(id)) !== 'completed') {
    if (Date.now() > deadline) throw new Error(`job ${id} did not complete`);
    await sleep(25);
  }
}

describeWithRedis('WebcomQueue retention of personal data in Redis', () => {
  it('gives every job an age limit by default: completed 1 hour, failed 7 days', async () => {
    const { queue, bull } = await start({ runWorker: false });
    const [id] = await queue.enqueue('sms', { to: ['79991234567'], text: 'Hi' });

    const job = await stored(bull, id);

    // The old default kept failed jobs, numbers and texts, until an operator removed them.
    expect(job.opts.removeOnComplete).toEqual({ age: 3600 });
    expect(job.opts.removeOnFail).toEqual({ age: 7 * 24 * 3600 });
  });

  it('takes the ages given to forRoot', async () => {
    const { queue, bull } = await start({
      runWorker: false,
      removeOnComplete: { age: 60 },
      removeOnFail: { age: 86_400, count: 1000 },
    });
    const [id] = await queue.enqueue('sms', { to: ['79991234567'], text: 'Hi' });

    const job = await stored(bull, id);

    expect(job.opts.removeOnComplete).toEqual({ age: 60 });
    expect(job.opts.removeOnFail).toEqual({ age: 86_400, count: 1000 });
  });

  it('removes a completed job, its number and text, once its age has passed', async () => {
    const { queue, bull } = await start({ removeOnComplete: { age: 1 } });
    const [first] = await queue.enqueue('sms', { to: ['79991234567'], text: 'Code 4821' });
    await completed(bull, first);
    expect(await bull.getJob(first)).toBeDefined();

    // BullMQ removes aged jobs when a later job finishes.
    await sleep(1100);
    const [second] = await queue.enqueue('sms', { to: ['79997654321'], text: 'Hi' });
    await completed(bull, second);

    expect(await bull.getJob(first)).toBeUndefined();
    expect(await queue.getJob(first)).toBeUndefined();
  });
});
