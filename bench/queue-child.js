// One process of the queue benchmark: a producer that enqueues N single-recipient SMS jobs at
// once, or a worker that sends them to the stand-in; ours (WebcomQueueModule) or hand-written
// (a bullmq Queue + Worker calling @nestjs/axios HttpService).
//   node bench/queue-child.js --role producer|worker --mode ours|hand --base-url URL
//        --redis URL --queue NAME --prefix PREFIX [--n 3000] [--concurrency 16] [--many]
// A worker prints {"ready":true} once it takes jobs and runs until SIGTERM. A producer prints
// {"startedAt","enqueueMs","enqueueCpuUs"} (CPU of this process per enqueued job); --many makes
// ours use one enqueueMany instead of N concurrent enqueue calls.
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

const { Logger, Module } = await import('@nestjs/common');
Logger.overrideLogger(['error', 'fatal']);

/** Ours: an application context with WebcomQueueModule (and WebcomModule for a worker). */
async function oursApp(runWorker) {
  const { NestFactory } = await import('@nestjs/core');
  // The built package, by a computed path: the bench type-checks before the build exists.
  const { WebcomModule } = await import(pathToFileURL(DIST_INDEX).href);
  const { WebcomQueueModule, WebcomQueue, getWebcomQueueToken } = await import(
    pathToFileURL(path.join(path.dirname(DIST_INDEX), 'queue', 'index.js')).href
  );
  const imports = [
    WebcomQueueModule.forRoot({ queueName, connection, prefix, concurrency, runWorker }),
  ];
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
  return { app, queue: /** @type {any} */ (app.get(getWebcomQueueToken(queueName))), WebcomQueue };
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

if (role === 'worker') {
  let close;
  if (mode === 'hand') {
    close = await handWorker();
  } else {
    const { app } = await oursApp(true);
    close = () => app.close();
  }
  console.log(JSON.stringify({ ready: true }));
  process.once('SIGTERM', () => {
    void Promise.resolve(close()).finally(() => process.exit(0));
  });
} else {
  let enqueueAll;
  let close;
  if (mode === 'hand') {
    const { Queue } = await import('bullmq');
    const queue = new Queue(queueName, { connection, prefix });
    await queue.waitUntilReady();
    enqueueAll = () =>
      Promise.all(numbers.map((to) => queue.add('sms', { to, text: TEXT, from: SENDER })));
    close = () => queue.close();
  } else {
    const { app, queue } = await oursApp(false);
    await queue.queue.waitUntilReady();
    enqueueAll = args.many
      ? () => queue.enqueueMany(numbers.map((to) => ({ channel: 'sms', dto: { to, text: TEXT } })))
      : () => Promise.all(numbers.map((to) => queue.enqueue('sms', { to, text: TEXT })));
    close = () => app.close();
  }
  const startedAt = Date.now();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await enqueueAll();
  const enqueueMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await close();
  console.log(
    JSON.stringify({ startedAt, enqueueMs, enqueueCpuUs: (used.user + used.system) / n }),
  );
  process.exit(0);
}
