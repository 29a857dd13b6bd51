// One process of the queue benchmark: a producer that enqueues N single-recipient SMS jobs at
// once, or a worker that sends them to the stand-in; ours (WebcomQueueModule) or hand-written
// (a bullmq Queue + Worker calling @nestjs/axios HttpService).
//   node bench/queue-child.js --role producer|worker --mode ours|hand --base-url URL
//        --redis URL --queue NAME --prefix PREFIX [--n 3000] [--concurrency 16] [--many]
//        [--dist DIR] [--job-options]
// A worker prints {"ready":true} once it takes jobs, runs until SIGTERM, then prints {"cpuUs"}:
// its CPU from ready to SIGTERM. A producer first enqueues three bursts of N messages of the same
// shape to a queue no worker reads (the first is a fresh process's first burst, whose CPU it
// reports as coldCpuUs), then the measured N, and prints {"startedAt","enqueueMs","enqueueCpuUs","coldCpuUs"} (CPU of this
// process per enqueued job). --many makes ours use one enqueueMany instead of N concurrent
// enqueue calls; --dist runs ours from another build (default: this checkout's dist/);
// --job-options gives the hand-written producer the job options ours sets by default.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { firstValueFrom } from 'rxjs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { CREDENTIALS, DIST_INDEX, SENDER, TEXT, parseArgs, russianMobiles } from './lib/common.js';
import { handDecode, handQuery } from './lib/clients.js';

const args = parseArgs();
const { role, mode, queue: queueName, prefix } = args;
const baseUrl = args['base-url'];
const redisUrl = args.redis;
const n = Number(args.n ?? 3_000);
const concurrency = Number(args.concurrency ?? 16);
const connection = { url: redisUrl };
const warmupQueueName = `${queueName}-warmup`;
const WARMUP_BURSTS = 3;
/** Ours' default job options (docs/queue.md): retries with backoff, and the retention. */
const OURS_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 604800 },
};
const distDir = path.resolve(args.dist ?? path.dirname(DIST_INDEX));

const { Logger, Module } = await import('@nestjs/common');
Logger.overrideLogger(['error', 'fatal']);

/**
 * Ours: an application context with WebcomQueueModule (and WebcomModule for a worker); a
 * producer also has the warm-up queue.
 */
async function oursApp(runWorker) {
  const { NestFactory } = await import('@nestjs/core');
  // The built package, by a computed path: the bench type-checks before the build exists.
  const { WebcomModule } = await import(pathToFileURL(path.join(distDir, 'index.js')).href);
  const { WebcomQueueModule, getWebcomQueueToken } = await import(
    pathToFileURL(path.join(distDir, 'queue', 'index.js')).href
  );
  const imports = [
    WebcomQueueModule.forRoot({ queueName, connection, prefix, concurrency, runWorker }),
  ];
  if (!runWorker) {
    imports.push(
      WebcomQueueModule.forRoot({ queueName: warmupQueueName, connection, prefix, runWorker }),
    );
  }
  if (runWorker) {
    imports.unshift(
      WebcomModule.forRoot({
        isGlobal: true,
        credentials: CREDENTIALS,
        baseUrl,
        senders: { sms: SENDER },
        maxSockets: 64,
      }),
    );
  }
  class BenchModule {}
  Module({ imports })(BenchModule);
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  app.enableShutdownHooks();
  /** @type {(name: string) => any} */
  const queueOf = (name) => app.get(getWebcomQueueToken(name));
  return {
    app,
    queue: queueOf(queueName),
    warmup: runWorker ? undefined : queueOf(warmupQueueName),
  };
}

async function handWorker() {
  const { Worker } = await import('bullmq');
  const { default: axios } = await import('axios');
  const { HttpService } = await import('@nestjs/axios');
  const http = await import('node:http');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const httpService = new HttpService(axios.create({ httpAgent: agent }));
  const url = `${baseUrl}/sendsms.php?`;
  const worker = new Worker(
    queueName,
    async (job) => {
      const response = await firstValueFrom(
        httpService.get(url + handQuery(job.data.to), { responseType: 'text' }),
      );
      return handDecode(response.data);
    },
    { connection, prefix, concurrency },
  );
  await worker.waitUntilReady();
  return async () => {
    await worker.close();
    agent.destroy();
  };
}

const numbers = russianMobiles(n);

/** CPU of this process since `since`, in µs. */
function cpuSince(since) {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

if (role === 'worker') {
  let close;
  if (mode === 'hand') {
    close = await handWorker();
  } else {
    const { app } = await oursApp(true);
    close = () => app.close();
  }
  const ready = process.cpuUsage();
  console.log(JSON.stringify({ ready: true }));
  process.once('SIGTERM', () => {
    console.log(JSON.stringify({ cpuUs: cpuSince(ready) }));
    void Promise.resolve(close()).finally(() => process.exit(0));
  });
} else {
  /** Enqueues N messages to a queue: the hand-written producer's or ours. */
  let enqueueAll;
  let close;
  let queue;
  let warmup;
  if (mode === 'hand') {
    const { Queue } = await import('bullmq');
    const options = {
      connection,
      prefix,
      ...(args['job-options'] ? { defaultJobOptions: OURS_JOB_OPTIONS } : {}),
    };
    queue = new Queue(queueName, options);
    warmup = new Queue(warmupQueueName, options);
    await Promise.all([queue.waitUntilReady(), warmup.waitUntilReady()]);
    enqueueAll = (/** @type {any} */ to) =>
      Promise.all(numbers.map((number) => to.add('sms', { to: number, text: TEXT, from: SENDER })));
    close = () => Promise.all([queue.close(), warmup.close()]);
  } else {
    const app = await oursApp(false);
    ({ queue, warmup } = app);
    await Promise.all([queue.queue.waitUntilReady(), warmup.queue.waitUntilReady()]);
    enqueueAll = args.many
      ? (/** @type {any} */ to) =>
          to.enqueueMany(
            numbers.map((number) => ({ channel: 'sms', dto: { to: number, text: TEXT } })),
          )
      : (/** @type {any} */ to) =>
          Promise.all(numbers.map((number) => to.enqueue('sms', { to: number, text: TEXT })));
    close = () => app.app.close();
  }
  const cold = process.cpuUsage();
  await enqueueAll(warmup);
  const coldCpuUs = cpuSince(cold) / n;
  // Two more bursts: the JIT has then compiled what a long-running producer runs.
  for (let burst = 1; burst < WARMUP_BURSTS; burst++) await enqueueAll(warmup);
  const startedAt = Date.now();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await enqueueAll(queue);
  const enqueueMs = performance.now() - started;
  const enqueueCpuUs = cpuSince(cpu) / n;
  await close();
  console.log(JSON.stringify({ startedAt, enqueueMs, enqueueCpuUs, coldCpuUs }));
  process.exit(0);
}
