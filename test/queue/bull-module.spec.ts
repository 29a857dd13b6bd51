import '../support/quiet-logs.js';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebcomModule, WebcomValidationError } from '../../lib/index.js';
import {
  getWebcomQueueToken,
  WebcomQueue,
  WebcomQueueModule,
  type WebcomJobReport,
} from '../../lib/queue/index.js';
import { FakeWebcomServer } from '../../lib/testing/fake-webcom-server.js';
import { describeWithRedis, isolatedQueue, REDIS_URL, removeQueueKeys } from './support/redis.js';

const CREDENTIALS = { user: 'shop', password: 'pw' };
const UNREACHABLE_REDIS = { url: 'redis://127.0.0.1:1' };

async function settled(queue: WebcomQueue, id: string): Promise<WebcomJobReport> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const report = await queue.getJob(id);
    if (report?.state === 'completed' || report?.state === 'failed') return report;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${report?.state}`);
    await sleep(50);
  }
}

describeWithRedis('WebcomQueueModule with the app’s BullModule', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function names(label: string) {
    const queue = isolatedQueue(label);
    cleanups.push(() => removeQueueKeys(queue.queueName, queue.prefix));
    return queue;
  }

  async function boot(imports: Parameters<typeof Test.createTestingModule>[0]['imports']) {
    const app = await Test.createTestingModule({ imports }).compile();
    cleanups.push(() => app.close());
    await app.init();
    return app;
  }

  /** The job's hash, read straight from Redis under `prefix`. */
  async function jobKeyExists(app: TestingModule, queueName: string, prefix: string, id: string) {
    const client = await app.get<Queue>(getQueueToken(queueName)).getBackend().client;
    return (await client.hget(`${prefix}:${queueName}:${id}`, 'name')) !== null;
  }

  it('without a connection, sends over the connection and prefix of BullModule.forRoot', async () => {
    const fake = await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 100 }] });
    cleanups.push(() => fake.stop());
    const { queueName, prefix } = names('shared');
    const app = await boot([
      BullModule.forRoot({ connection: { url: REDIS_URL }, prefix }),
      WebcomModule.forRoot({ credentials: CREDENTIALS, baseUrl: fake.baseUrl }),
      WebcomQueueModule.forRoot({ queueName }),
    ]);
    const queue = app.get<WebcomQueue>(getWebcomQueueToken(queueName));

    const [id] = await queue.enqueue('sms', { to: '79990000001', text: 'Hi', from: 'Shop' });
    const report = await settled(queue, id);

    expect(report).toMatchObject({ state: 'completed', attemptsMade: 1 });
    expect(fake.requests.filter((r) => r.operation === 'send')).toHaveLength(1);
    expect(app.get(getQueueToken(queueName))).toBe(queue.queue);
    expect(await jobKeyExists(app, queueName, prefix, id)).toBe(true);
  });

  it('forRootAsync with configKey reuses the BullModule.forRoot of that key, and its own prefix wins', async () => {
    const shared = names('keyed');
    const own = names('keyed-own');
    const app = await boot([
      BullModule.forRoot('webcom-redis', { connection: { url: REDIS_URL }, prefix: shared.prefix }),
      BullModule.forRoot({ connection: UNREACHABLE_REDIS, prefix: 'not-this-one' }),
      WebcomQueueModule.forRootAsync({
        queueName: shared.queueName,
        configKey: 'webcom-redis',
        useFactory: () => ({ runWorker: false }),
      }),
      WebcomQueueModule.forRoot({
        queueName: own.queueName,
        configKey: 'webcom-redis',
        prefix: own.prefix,
        runWorker: false,
      }),
    ]);
    const sharedQueue = app.get<WebcomQueue>(getWebcomQueueToken(shared.queueName));
    const ownQueue = app.get<WebcomQueue>(getWebcomQueueToken(own.queueName));

    const [sharedId] = await sharedQueue.enqueue('sms', { to: '79990000001', text: 'Hi' });
    const [ownId] = await ownQueue.enqueue('sms', { to: '79990000001', text: 'Hi' });

    expect(await jobKeyExists(app, shared.queueName, shared.prefix, sharedId)).toBe(true);
    expect(await jobKeyExists(app, own.queueName, own.prefix, ownId)).toBe(true);
    expect(await sharedQueue.counts()).toMatchObject({ waiting: 1 });
    expect(await ownQueue.counts()).toMatchObject({ waiting: 1 });
  });

  it('with a connection of its own, takes nothing from BullModule.forRoot: neither its connection nor its prefix', async () => {
    const { queueName, prefix } = names('own');
    const app = await boot([
      BullModule.forRoot({ connection: UNREACHABLE_REDIS, prefix: 'app-prefix' }),
      WebcomQueueModule.forRoot({
        queueName,
        prefix,
        connection: { url: REDIS_URL },
        runWorker: false,
      }),
      WebcomQueueModule.forRoot({
        queueName: `${queueName}-default-prefix`,
        connection: { url: REDIS_URL },
        runWorker: false,
      }),
    ]);
    const queue = app.get<WebcomQueue>(getWebcomQueueToken(queueName));

    const [id] = await queue.enqueue('sms', { to: '79990000001', text: 'Hi' });

    expect(await jobKeyExists(app, queueName, prefix, id)).toBe(true);
    const defaultPrefixQueue = app.get<Queue>(getQueueToken(`${queueName}-default-prefix`));
    expect(defaultPrefixQueue.toKey('')).toBe(`bull:${queueName}-default-prefix:`);
  });

  it('stops the application at boot when there is no connection anywhere', async () => {
    const { queueName } = isolatedQueue('none');
    const refusals: unknown[] = [];
    for (const imports of [
      [WebcomQueueModule.forRoot({ queueName, runWorker: false })],
      [
        BullModule.forRoot({ connection: { url: REDIS_URL } }),
        WebcomQueueModule.forRoot({ queueName, configKey: 'missing', runWorker: false }),
      ],
    ]) {
      refusals.push(
        await Test.createTestingModule({ imports })
          .compile()
          .then(
            (app) => app.close(),
            (error: unknown) => error,
          ),
      );
    }

    for (const refusal of refusals) expect(refusal).toBeInstanceOf(WebcomValidationError);
    expect(refusals).toMatchObject([
      {
        errors: [
          { field: 'connection', messages: [expect.stringContaining('BullModule.forRoot(…)')] },
        ],
      },
      {
        errors: [
          {
            field: 'connection',
            messages: [expect.stringContaining("BullModule.forRoot('missing', …)")],
          },
        ],
      },
    ]);
  });
});
