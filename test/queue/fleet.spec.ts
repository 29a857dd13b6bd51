import '../support/quiet-logs.js';
import { Test, type TestingModule } from '@nestjs/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  getWebcomQueueToken,
  WebcomQueue,
  WebcomQueueModule,
  type WebcomJobReport,
} from '../../lib/queue/index.js';
import { FakeWebcomServer, type FakeRequest } from '../../lib/testing/fake-webcom-server.js';
import { describeWithRedis, isolatedQueue, REDIS_URL, removeQueueKeys } from './support/redis.js';
import {
  buildWorkerDist,
  removeWorkerDist,
  WorkerProcess,
  type WorkerConfig,
} from './support/worker-processes.js';

const CREDENTIALS = { user: 'shop', password: 'pw' };

const phoneNumbers = (count: number) =>
  Array.from({ length: count }, (_, i) => `7999${String(i).padStart(7, '0')}`);

/** Each recipient of the send requests the stand-in received, with how often it came. */
function recipientCounts(requests: FakeRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) {
    for (const to of request.query.dadr.split(',')) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

/** The most of `times` within any span of `spanMs` (sliding, not calendar seconds). */
function peakPerSpan(times: number[], spanMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= spanMs) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

/** The most of `times` within one calendar second. */
function peakPerCalendarSecond(times: number[]): number {
  const perSecond = new Map<number, number>();
  for (const time of times) {
    const second = Math.floor(time / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
  return Math.max(0, ...perSecond.values());
}

describeWithRedis('WebcomQueue across worker processes', () => {
  let dist: string;
  let producer: TestingModule | undefined;
  let fake: FakeWebcomServer | undefined;
  const workers: WorkerProcess[] = [];
  const queues: { queueName: string; prefix: string }[] = [];

  beforeAll(async () => {
    dist = await buildWorkerDist();
  }, 60_000);

  afterAll(async () => {
    await removeWorkerDist(dist);
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.close()));
    await producer?.close();
    await fake?.stop();
    for (const { queueName, prefix } of queues.splice(0)) await removeQueueKeys(queueName, prefix);
  });

  async function startProducer(queue: Record<string, unknown>): Promise<WebcomQueue> {
    const names = isolatedQueue('fleet');
    queues.push(names);
    producer = await Test.createTestingModule({
      imports: [
        WebcomQueueModule.forRoot({
          ...names,
          ...queue,
          connection: { url: REDIS_URL },
          runWorker: false,
        }),
      ],
    }).compile();
    await producer.init();
    return producer.get<WebcomQueue>(getWebcomQueueToken(names.queueName));
  }

  function workerConfig(queue: WebcomQueue, extra: Record<string, unknown>): WorkerConfig {
    const { name, opts } = queue.queue;
    return {
      baseUrl: fake!.baseUrl,
      credentials: CREDENTIALS,
      timeoutMs: 5000,
      queue: { queueName: name, prefix: (opts as { prefix: string }).prefix, ...extra },
    };
  }

  async function drained(queue: WebcomQueue, jobs: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await queue.counts();
      if (counts.completed + counts.failed === jobs) return;
      if (Date.now() > deadline) {
        throw new Error(`not drained after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      }
      await sleep(250);
    }
  }

  it('drains 5,000 recipients from one producer with two worker processes: each recipient reached once, never above the rate limit', async () => {
    const limit = 20;
    fake = await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 1_000_000 }] });
    const queue = await startProducer({ maxRecipientsPerJob: 50 });
    const config = workerConfig(queue, {
      concurrency: 8,
      rateLimit: { max: limit, durationMs: 1000 },
    });
    const named = (name: string) => ({
      ...config,
      queue: { ...config.queue, workerOptions: { name } },
    });
    workers.push(
      ...(await Promise.all([
        WorkerProcess.start(dist, named('A')),
        WorkerProcess.start(dist, named('B')),
      ])),
    );
    const to = phoneNumbers(5000);

    const started = Date.now();
    const ids = await queue.enqueue('sms', { to, text: 'Spring sale: 20% off today' });
    await drained(queue, ids.length, 30_000);
    const seconds = (Date.now() - started) / 1000;

    const requests = fake.requests.filter((r) => r.operation === 'send');
    const reached = recipientCounts(requests);
    const jobs = await queue.queue.getJobs(['completed']);
    const byWorker = new Map<string, number>();
    for (const job of jobs)
      byWorker.set(job.processedBy!, (byWorker.get(job.processedBy!) ?? 0) + 1);
    // The limiter spaces the requests' starts (BullMQ's processedOn); each then reaches the
    // gateway a few ms to a few hundred ms later (validation, a cold worker's first connection),
    // so arrivals can bunch by the spread of those delays, measured here job by job.
    const arrivalOf = new Map(requests.map((r) => [r.query.dadr.split(',')[0], r.receivedAt]));
    const delays = jobs.map(
      (job) => arrivalOf.get((job.data.dto.to as string[])[0])! - job.processedOn!,
    );
    const spread = Math.max(...delays) - Math.min(...delays);
    const starts = peakPerSpan(jobs.map((job) => job.processedOn!));
    const arrivals = requests.map((r) => r.receivedAt);
    const arrivalsBeyondSpread = peakPerSpan(arrivals, Math.max(1, 1000 - spread));
    console.log(
      `fleet: ${to.length} recipients, ${ids.length} jobs, ${requests.length} requests in ` +
        `${seconds.toFixed(1)} s (${(requests.length / seconds).toFixed(1)}/s) by workers ` +
        `${JSON.stringify(Object.fromEntries(byWorker))}; limit ${limit}/s: ` +
        `at most ${starts} requests started in any 1 s; at the gateway at most ` +
        `${peakPerCalendarSecond(arrivals)} in a calendar second, ${peakPerSpan(arrivals)} in ` +
        `any 1 s, ${arrivalsBeyondSpread} in any ${1000 - spread} ms (start-to-arrival delays ` +
        `${Math.min(...delays)}–${Math.max(...delays)} ms); ` +
        `${[...reached.values()].filter((n) => n > 1).length} recipients reached more than once`,
    );

    expect(ids).toHaveLength(100);
    expect(await queue.counts()).toMatchObject({ completed: 100, failed: 0, waiting: 0 });
    expect(requests).toHaveLength(100);
    expect(reached.size).toBe(5000);
    expect(to.every((number) => reached.get(number) === 1)).toBe(true);
    expect(requests.length / seconds).toBeLessThanOrEqual(limit);
    expect(starts).toBeLessThanOrEqual(limit);
    expect(arrivalsBeyondSpread).toBeLessThanOrEqual(limit);
    expect([...byWorker.keys()].sort()).toEqual(['A', 'B']);
    const results = jobs.flatMap((job) => job.returnvalue.messages);
    expect(new Set(results.map((m) => m.id)).size).toBe(5000);
  }, 60_000);

  it('loses nothing and sends nothing twice when a worker is SIGKILLed mid-run and restarted; what was in flight is reported possibly delivered', async () => {
    const concurrency = 4;
    fake = await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 1_000_000 }] });
    // Every answer takes a while, so the kill finds sends in flight.
    fake.fail({ kind: 'delay', ms: 300 }, 10_000);
    const queue = await startProducer({ maxRecipientsPerJob: 10 });
    const config = workerConfig(queue, {
      concurrency,
      // Quick stall detection, so the restarted worker recovers the killed one's jobs at once.
      workerOptions: { lockDuration: 1500, stalledInterval: 500 },
    });
    const to = phoneNumbers(400);
    const ids = await queue.enqueue('sms', { to, text: 'Your order has shipped' });

    const doomed = await WorkerProcess.start(dist, config);
    while (fake.requests.length < 2 * concurrency + 1) await sleep(10);
    await doomed.kill();
    const sentBeforeKill = fake.requests.length;
    workers.push(await WorkerProcess.start(dist, config));
    await drained(queue, ids.length, 30_000);

    const reports = (await Promise.all(ids.map((id) => queue.getJob(id)))) as WebcomJobReport[];
    const completed = reports.filter((r) => r.state === 'completed');
    const unknown = reports.filter((r) => r.state === 'failed');
    const reached = recipientCounts(fake.requests.filter((r) => r.operation === 'send'));
    const unknownReached = unknown.flatMap((r) => r.to).filter((n) => reached.has(n)).length;
    console.log(
      `kill: ${ids.length} jobs; ${sentBeforeKill} requests before the SIGKILL; ` +
        `${completed.length} completed, ${unknown.length} reported possibly delivered ` +
        `(${unknownReached} of their ${unknown.length * 10} recipients had reached the gateway); ` +
        `${[...reached.values()].filter((n) => n > 1).length} recipients reached more than once`,
    );

    expect(completed.length + unknown.length).toBe(ids.length);
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.length).toBeLessThanOrEqual(concurrency);
    for (const report of unknown) {
      expect(report.failure).toMatchObject({
        possiblyDelivered: true,
        error: { name: 'WebcomSendInterrupted' },
      });
    }
    for (const report of completed) {
      expect(report.to.every((number) => reached.get(number) === 1)).toBe(true);
      expect(report.result!.messages).toHaveLength(report.to.length);
    }
    expect([...reached.values()].every((n) => n === 1)).toBe(true);
    expect(reports.flatMap((r) => r.to).sort()).toEqual([...to].sort());
  }, 60_000);

  it.each([
    ['WebcomModule first', false],
    ['WebcomQueueModule first', true],
  ])(
    'a worker process (%s) stopped with a send in flight finishes it and then exits by itself',
    async (_, queueFirst) => {
      fake = await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 1000 }] });
      // The answer comes well after SIGTERM: the send is in flight all through the shutdown.
      fake.fail({ kind: 'delay', ms: 800 });
      const queue = await startProducer({});
      const worker = await WorkerProcess.start(dist, {
        ...workerConfig(queue, {}),
        queueFirst,
        exitByItself: true,
      });
      workers.push(worker);
      const [id] = await queue.enqueue('sms', { to: ['79990000001'], text: 'Hi' });
      while (fake.requests.length === 0) await sleep(10);

      // Generous: the process should end within a moment of its close; a left timer, socket or
      // Redis connection keeps it alive for good.
      let giveUp: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        worker.close().then(() => true),
        new Promise<false>((resolve) => (giveUp = setTimeout(() => resolve(false), 20_000))),
      ]);
      clearTimeout(giveUp);

      expect({ ended, log: worker.log }).toMatchObject({
        ended: true,
        log: expect.stringContaining('closed\n'),
      });
      expect(worker.exitCode).toBe(0);
      expect(await queue.getJob(id)).toMatchObject({ state: 'completed', attemptsMade: 1 });
      expect(fake.requests.filter((r) => r.operation === 'send')).toHaveLength(1);
    },
    60_000,
  );
});
