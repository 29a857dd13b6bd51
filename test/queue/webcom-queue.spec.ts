import '../support/quiet-logs.js';
import { jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Job, Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebcomModule, WebcomValidationError, type WebcomModuleOptions } from '../../lib/index.js';
import { WebcomQueueHealthIndicator } from '../../lib/queue/health.js';
import {
  getWebcomQueueToken,
  WebcomQueue,
  WebcomQueueModule,
  type WebcomJobReport,
  type WebcomQueueModuleExtras,
  type WebcomQueueModuleOptions,
} from '../../lib/queue/index.js';
import {
  WebcomQueueTelemetry,
  type JobScope,
  type JobTraceContext,
  type QueueSpanFacts,
} from '../../lib/queue/queue-telemetry.js';
import { FakeWebcomServer } from '../../lib/testing/fake-webcom-server.js';
import { describeWithRedis, isolatedQueue, REDIS_URL, removeQueueKeys } from './support/redis.js';

const CREDENTIALS = { user: 'shop', password: 'pw' };

interface Harness {
  app: TestingModule;
  queue: WebcomQueue;
  fake: FakeWebcomServer;
  queueName: string;
  prefix: string;
}

const running: Harness[] = [];

async function start(
  queueOptions: Partial<WebcomQueueModuleOptions & WebcomQueueModuleExtras> = {},
  webcomOptions: Partial<WebcomModuleOptions> = {},
  fake?: FakeWebcomServer,
): Promise<Harness> {
  const gateway =
    fake ?? (await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 100_000 }] }));
  const { queueName, prefix } = { ...isolatedQueue('queue'), ...queueOptions };
  const app = await Test.createTestingModule({
    imports: [
      WebcomModule.forRoot({
        isGlobal: true,
        credentials: CREDENTIALS,
        baseUrl: gateway.baseUrl,
        senders: { sms: 'Shop' },
        timeoutMs: 2000,
        ...webcomOptions,
      }),
      WebcomQueueModule.forRoot({
        queueName,
        connection: { url: REDIS_URL },
        prefix,
        backoffMs: 200,
        ...queueOptions,
      }),
    ],
    providers: [HealthIndicatorService, WebcomQueueHealthIndicator],
  }).compile();
  await app.init();
  const harness = {
    app,
    queue: app.get<WebcomQueue>(getWebcomQueueToken(queueName)),
    fake: gateway,
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

/** The job once it is completed or failed. */
async function settled(
  queue: WebcomQueue,
  id: string,
  timeoutMs = 10_000,
): Promise<WebcomJobReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await queue.getJob(id);
    if (report && (report.state === 'completed' || report.state === 'failed')) return report;
    if (Date.now() > deadline)
      throw new Error(`job ${id} still ${report?.state} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

const sends = (fake: FakeWebcomServer) => fake.requests.filter((r) => r.operation === 'send');

describeWithRedis('WebcomQueue on Redis', () => {
  it('sends a job through WebcomService and keeps the ids and prices as its result', async () => {
    const { queue, fake } = await start();
    const [id] = await queue.enqueue('sms', { to: ['79990000001', '79990000002'], text: 'Hi' });

    const report = await settled(queue, id);

    expect(report).toMatchObject({ state: 'completed', channel: 'sms', part: 0, parts: 1 });
    expect(report.to).toEqual(['79990000001', '79990000002']);
    const sent = [...fake.messages.values()];
    expect(report.result!.messages).toEqual(
      sent.map((m) => ({ id: m.id, to: m.to, price: m.price })),
    );
    expect(report.result!.balance).toBe(fake.balanceOf('shop'));
    expect(sends(fake)).toHaveLength(1);
    expect(sends(fake)[0].query).toMatchObject({ dadr: '79990000001,79990000002', sadr: 'Shop' });
  });

  it('refuses an invalid DTO at enqueue: WebcomValidationError, and nothing reaches Redis', async () => {
    const { queue, fake } = await start({ runWorker: false });

    await expect(queue.enqueue('sms', { to: ['12'], text: 'Hi' })).rejects.toThrow(
      WebcomValidationError,
    );
    await expect(
      queue.enqueue('viber', { to: '79990000001', button: { text: 'Go', url: 'ftp://x' } }),
    ).rejects.toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ field: 'button.url' })]),
    });
    await expect(
      queue.enqueue('sms', { to: '79990000001', text: 'Hi' }, { priority: 0 }),
    ).rejects.toMatchObject({ errors: [{ field: 'priority', messages: expect.any(Array) }] });

    expect(await queue.counts()).toEqual({
      waiting: 0,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 0,
    });
    expect(sends(fake)).toHaveLength(0);
  });

  it('enqueues many different messages in one pipeline, ids in order, each sent once', async () => {
    const { queue, fake } = await start();
    const addBulk = jest.spyOn(queue.queue, 'addBulk');
    const add = jest.spyOn(queue.queue, 'add');

    const ids = await queue.enqueueMany([
      { channel: 'sms', dto: { to: '79990000001', text: 'Code 1111' } },
      { channel: 'viber', dto: { to: '79990000002', text: 'Hello', from: 'Shop' } },
      { channel: 'sms', dto: { to: '79990000003', text: 'Code 3333' }, options: { priority: 5 } },
    ]);

    expect(ids).toHaveLength(3);
    expect(addBulk).toHaveBeenCalledTimes(1);
    expect(add).not.toHaveBeenCalled();
    const reports = await Promise.all(ids.map((id) => settled(queue, id)));
    expect(reports.map((r) => [r.state, r.channel, r.to])).toEqual([
      ['completed', 'sms', ['79990000001']],
      ['completed', 'viber', ['79990000002']],
      ['completed', 'sms', ['79990000003']],
    ]);
    expect(
      sends(fake)
        .map((r) => r.query.dadr)
        .sort(),
    ).toEqual(['79990000001', '79990000002', '79990000003']);
  });

  it('enqueues one single-request message with one add, not a pipeline of its own', async () => {
    const { queue } = await start({ runWorker: false });
    const addBulk = jest.spyOn(queue.queue, 'addBulk');
    const add = jest.spyOn(queue.queue, 'add');

    const [id] = await queue.enqueue('sms', { to: '79990000001', text: 'Hi' });

    expect(add).toHaveBeenCalledTimes(1);
    expect(addBulk).not.toHaveBeenCalled();
    expect((await queue.getJob(id))?.state).toBe('waiting');
  });

  it('refuses the whole enqueueMany for one invalid item, naming its index', async () => {
    const { queue, fake } = await start({ runWorker: false });

    const refused = queue.enqueueMany([
      { channel: 'sms', dto: { to: '79990000001', text: 'Hi' } },
      { channel: 'sms', dto: { to: '12', text: 'Hi' } },
      { channel: 'sms', dto: { to: '79990000003', text: 'Hi' }, options: { delay: -1 } },
    ]);

    await expect(refused).rejects.toBeInstanceOf(WebcomValidationError);
    await expect(refused).rejects.toMatchObject({
      errors: [expect.objectContaining({ field: 'items[1].to' })],
    });
    expect(await queue.counts()).toMatchObject({ waiting: 0, delayed: 0 });
    expect(sends(fake)).toHaveLength(0);
  });

  it('gives one job, and one send, for an idempotencyKey enqueued twice', async () => {
    const { queue, fake } = await start();
    const dto = { to: ['79990000001'], text: 'Your code is 1234' };

    const first = await queue.enqueue('sms', dto, { idempotencyKey: 'otp:order-42' });
    const second = await queue.enqueue('sms', dto, { idempotencyKey: 'otp:order-42' });
    await settled(queue, first[0]);
    const third = await queue.enqueue('sms', dto, { idempotencyKey: 'otp:order-42' });
    await sleep(300);

    expect(first).toEqual(['otp%3Aorder-42#0']);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(sends(fake)).toHaveLength(1);
    expect(await queue.counts()).toMatchObject({ completed: 1, waiting: 0, failed: 0 });
  });

  it('never retries a send whose outcome is unknown, and marks its job possiblyDelivered', async () => {
    const { queue, fake } = await start({ attempts: 5 });
    fake.fail({ kind: 'drop' });

    const [id] = await queue.enqueue('sms', { to: ['79990000001'], text: 'Hi' });
    const report = await settled(queue, id);
    await sleep(800); // four backoffs' worth: a retry would have shown by now

    expect(report.state).toBe('failed');
    expect(report.failure).toMatchObject({
      possiblyDelivered: true,
      error: { name: 'WebcomTransportError', possiblyDelivered: true },
      reason: expect.stringMatching(/^possibly delivered, not retried: /),
    });
    expect(sends(fake)).toHaveLength(1);
    expect((await queue.getJob(id))!.state).toBe('failed');
  });

  it('treats a 5xx answer to a send as possibly delivered, and a refusal as final', async () => {
    const { queue, fake } = await start({ attempts: 5 });
    fake.fail({ kind: 'http', status: 502 });
    const [unknown] = await queue.enqueue('sms', { to: ['79990000001'], text: 'Hi' });
    const unknownReport = await settled(queue, unknown);

    fake.setBalance(0, 'shop');
    const [refused] = await queue.enqueue('sms', { to: ['79990000002'], text: 'Hi' });
    const refusedReport = await settled(queue, refused);

    expect(unknownReport.failure).toMatchObject({
      possiblyDelivered: true,
      error: { status: 502 },
    });
    expect(refusedReport.failure).toMatchObject({
      possiblyDelivered: false,
      error: { name: 'WebcomApiError', body: expect.stringContaining('insufficient balance') },
      reason: expect.stringMatching(/^not delivered: /),
    });
    expect(sends(fake)).toHaveLength(2);
  });

  it('retries with backoff a send that provably never left, until the gateway is back', async () => {
    const stopped = await FakeWebcomServer.start();
    const port = Number(new URL(stopped.baseUrl).port);
    await stopped.stop();
    const { queue } = await start({ backoffMs: 700 }, { baseUrl: stopped.baseUrl, retries: 0 });

    const [id] = await queue.enqueue('sms', { to: ['79990000001'], text: 'Hi' });
    await sleep(300);
    const duringBackoff = await queue.getJob(id);
    const back = await FakeWebcomServer.start({
      port,
      accounts: [{ ...CREDENTIALS, balance: 100 }],
    });
    try {
      const report = await settled(queue, id);

      expect(duringBackoff).toMatchObject({ state: 'delayed', attemptsMade: 1 });
      expect(report).toMatchObject({ state: 'completed', attemptsMade: 2 });
      expect(sends(back)).toHaveLength(1);
    } finally {
      await back.stop();
    }
  });

  it('resends a possibly delivered job only when asked to', async () => {
    const { queue, fake } = await start();
    fake.fail({ kind: 'drop' });
    const [id] = await queue.enqueue('sms', { to: ['79990000001'], text: 'Hi' });
    await settled(queue, id);

    await queue.resend(id);
    const report = await settled(queue, id);

    expect(report).toMatchObject({ state: 'completed', attemptsMade: 1 });
    expect(report.failure).toBeUndefined();
    expect(sends(fake)).toHaveLength(2);
    await expect(queue.resend(id)).rejects.toThrow('only a failed job can be resent');
  });

  it('refuses to send again a job that a dashboard retried after it went out', async () => {
    const { app, queue, fake, queueName } = await start();
    const [id] = await queue.enqueue('sms', { to: ['79990000001'], text: 'Hi' });
    await settled(queue, id);

    const bullQueue = app.get<Queue>(getQueueToken(queueName));
    await (await bullQueue.getJob(id))!.retry('completed');
    const report = await settled(queue, id);

    expect(report.state).toBe('failed');
    expect(report.failure).toMatchObject({
      possiblyDelivered: true,
      error: { name: 'WebcomSendInterrupted' },
    });
    expect(sends(fake)).toHaveLength(1);
  });

  it('splits a large recipient list into one job per request and reports counts', async () => {
    const { queue, fake } = await start({ runWorker: false, maxRecipientsPerJob: 100 });
    const to = Array.from({ length: 250 }, (_, i) => `7999${String(i).padStart(7, '0')}`);

    const ids = await queue.enqueue('sms', { to, text: 'Hi' }, { priority: 10 });
    const delayed = await queue.enqueue(
      'sms',
      { to: '79990000001', text: 'Hi' },
      { delay: 60_000 },
    );

    expect(ids).toHaveLength(3);
    expect(delayed).toHaveLength(1);
    expect(await queue.counts()).toEqual({
      waiting: 3,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 1,
    });
    const reports = await Promise.all(ids.map((id) => queue.getJob(id)));
    expect(reports.map((r) => r!.to.length)).toEqual([100, 100, 50]);
    expect(reports.map((r) => r!.state)).toEqual(['prioritized', 'prioritized', 'prioritized']);
    expect(sends(fake)).toHaveLength(0);
  });

  it('lets in-flight jobs finish when the app closes', async () => {
    const fake = await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 100 }] });
    fake.fail({ kind: 'delay', ms: 600 });
    const { app, queue, queueName, prefix } = await start({}, {}, fake);
    running.pop();
    const [id] = await queue.enqueue('sms', { to: ['79990000001'], text: 'Hi' });
    while (sends(fake).length === 0) await sleep(20);

    await app.close();

    const producer = await start({ queueName, prefix, runWorker: false }, {}, fake);
    const report = await producer.queue.getJob(id);
    expect(report).toMatchObject({ state: 'completed' });
    expect(report!.result!.messages).toHaveLength(1);
  });

  it('reports Redis health with the job counts, and down without throwing when Redis is gone', async () => {
    const { app } = await start({ runWorker: false });
    const health = app.get(WebcomQueueHealthIndicator);
    const { queueName } = running[0];

    const up = await health.isHealthy('queue', { queueName });
    expect(up).toEqual({
      queue: { status: 'up', waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 },
    });

    const unreachable = await Test.createTestingModule({
      imports: [
        WebcomQueueModule.forRoot({
          queueName: 'unreachable',
          connection: { url: 'redis://127.0.0.1:1' },
          runWorker: false,
        }),
      ],
      providers: [HealthIndicatorService, WebcomQueueHealthIndicator],
    }).compile();
    try {
      const down = await unreachable
        .get(WebcomQueueHealthIndicator)
        .isHealthy('queue', { queueName: 'unreachable', timeoutMs: 500 });
      expect(down).toEqual({
        queue: {
          status: 'down',
          message: expect.stringContaining('queue unavailable'),
          error: expect.any(String),
        },
      });
      const missing = await health.isHealthy('queue', { queueName: 'nope' });
      expect(missing.queue).toMatchObject({
        status: 'down',
        message: expect.stringContaining('"nope"'),
      });
    } finally {
      await unreachable.close();
    }
  });

  it('stops the application at boot when the worker has no WebcomService to send with', async () => {
    const { queueName, prefix } = isolatedQueue('orphan');
    const app = await Test.createTestingModule({
      imports: [WebcomQueueModule.forRoot({ queueName, prefix, connection: { url: REDIS_URL } })],
    }).compile();
    await expect(app.init()).rejects.toThrow(
      /no WebcomService is registered for the default account/,
    );
    await app.close();
  });

  it('names a missing account at boot and lists the accounts that exist', async () => {
    const { queueName, prefix } = isolatedQueue('misnamed');
    const app = await Test.createTestingModule({
      imports: [
        WebcomModule.forRoot({ credentials: CREDENTIALS }),
        WebcomModule.forRoot({ name: 'marketing', credentials: CREDENTIALS }),
        WebcomQueueModule.forRoot({
          queueName,
          prefix,
          account: 'markting',
          connection: { url: REDIS_URL },
        }),
      ],
    }).compile();
    try {
      await expect(app.init()).rejects.toThrow(
        'no WebcomService is registered for the account "markting" ' +
          '(accounts registered: (default), marketing)',
      );
    } finally {
      await app.close();
    }
  });
});

describeWithRedis('WebcomQueue retention of personal data in Redis', () => {
  /** The job as BullMQ stored it in Redis. */
  async function stored({ app, queueName }: Harness, id: string): Promise<Job> {
    const job = await app.get<Queue>(getQueueToken(queueName)).getJob(id);
    if (!job) throw new Error(`job ${id} is not in Redis`);
    return job;
  }

  it('gives every job an age limit by default: completed 1 hour, failed 7 days', async () => {
    const harness = await start({ runWorker: false });
    const [id] = await harness.queue.enqueue('sms', { to: ['79991234567'], text: 'Hi' });

    const job = await stored(harness, id);

    // The old default kept failed jobs, numbers and texts, until an operator removed them.
    expect(job.opts.removeOnComplete).toEqual({ age: 3600 });
    expect(job.opts.removeOnFail).toEqual({ age: 7 * 24 * 3600 });
  });

  it('takes the ages given to forRoot', async () => {
    const harness = await start({
      runWorker: false,
      removeOnComplete: { age: 60 },
      removeOnFail: { age: 86_400, count: 1000 },
    });
    const [id] = await harness.queue.enqueue('sms', { to: ['79991234567'], text: 'Hi' });

    const job = await stored(harness, id);

    expect(job.opts.removeOnComplete).toEqual({ age: 60 });
    expect(job.opts.removeOnFail).toEqual({ age: 86_400, count: 1000 });
  });

  it('removes a completed job, its number and text, once its age has passed', async () => {
    const { queue } = await start({ removeOnComplete: { age: 1 } });
    const [first] = await queue.enqueue('sms', { to: ['79991234567'], text: 'Code 4821' });
    expect(await settled(queue, first)).toMatchObject({ state: 'completed' });

    // BullMQ removes aged jobs when a later job finishes.
    await sleep(1100);
    const [second] = await queue.enqueue('sms', { to: ['79997654321'], text: 'Hi' });
    await settled(queue, second);

    expect(await queue.getJob(first)).toBeUndefined();
  });
});

describeWithRedis('the queue telemetry', () => {
  it('is one provider, which the enqueue and the job run both report to', async () => {
    const seen: string[] = [];
    class NotingTelemetry extends WebcomQueueTelemetry {
      override enqueue<T>(
        facts: QueueSpanFacts,
        run: (trace: JobTraceContext | undefined) => Promise<T>,
      ): Promise<T> {
        seen.push(`enqueue ${facts.channel}`);
        return super.enqueue(facts, run);
      }
      override process<T>(
        trace: JobTraceContext | undefined,
        facts: QueueSpanFacts,
        run: (scope: JobScope) => Promise<T>,
      ): Promise<T> {
        seen.push(`process ${facts.channel}`);
        return super.process(trace, facts, run);
      }
    }
    const fake = await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 1000 }] });
    const { queueName, prefix } = isolatedQueue('telemetry');
    const app = await Test.createTestingModule({
      imports: [
        WebcomModule.forRoot({
          isGlobal: true,
          credentials: CREDENTIALS,
          baseUrl: fake.baseUrl,
          senders: { sms: 'Shop' },
        }),
        WebcomQueueModule.forRoot({ queueName, prefix, connection: { url: REDIS_URL } }),
      ],
    })
      .overrideProvider(WebcomQueueTelemetry)
      .useFactory({ factory: () => new NotingTelemetry(queueName) })
      .compile();
    await app.init();
    running.push({ app, fake, queueName, prefix, queue: app.get(getWebcomQueueToken(queueName)) });
    const queue = app.get<WebcomQueue>(getWebcomQueueToken(queueName));

    const [id] = await queue.enqueue('sms', { to: '79990000001', text: 'Hi' });

    expect((await settled(queue, id)).state).toBe('completed');
    expect(seen).toEqual(['enqueue sms', 'process sms']);
  });
});
