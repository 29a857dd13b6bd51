// The queue section: N single-recipient SMS jobs, concurrency 16 per worker, one and two worker
// processes, ours (WebcomQueue + its worker) side by side with a hand-written bullmq Queue +
// Worker calling HttpService. Producer and workers are separate processes; every send is
// counted at the stand-in, so a job sent twice shows. Needs Redis: REDIS_URL (default
// redis://127.0.0.1:6379); every run uses keys of its own prefix and deletes them after.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BENCH_DIR,
  ROOT_DIR,
  fmt,
  median,
  runNodeJson,
  standInStats,
  table,
} from './lib/common.js';

const CHILD = path.join(BENCH_DIR, 'queue-child.js');

function startWorker(common) {
  const child = spawn(process.execPath, [CHILD, '--role', 'worker', ...common], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`queue worker exited early (${code})`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      if (chunk.includes('"ready"')) resolve(child);
    });
  });
}

async function deleteKeys(redisUrl, prefix) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

/** One run: resolves with jobs/s end to end, enqueue CPU per job, and sends at the stand-in. */
async function runOnce({ baseUrl, redisUrl, mode, workers, n, concurrency, many }) {
  const prefix = `webcom-bench-${randomBytes(4).toString('hex')}`;
  const common = [
    '--mode',
    mode,
    '--base-url',
    baseUrl,
    '--redis',
    redisUrl,
    '--queue',
    'bench',
    '--prefix',
    prefix,
    '--n',
    String(n),
    '--concurrency',
    String(concurrency),
    ...(many ? ['--many'] : []),
  ];
  const children = [];
  try {
    for (let w = 0; w < workers; w++) children.push(await startWorker(common));
    const before = (await standInStats(baseUrl)).requests;
    const producer = runNodeJson(CHILD, ['--role', 'producer', ...common]);
    let done;
    for (;;) {
      const sent = (await standInStats(baseUrl)).requests - before;
      if (sent >= n) {
        done = Date.now();
        break;
      }
      await sleep(10);
    }
    const produced = await producer;
    // Time for a second send of any job to show.
    await sleep(500);
    const sends = (await standInStats(baseUrl)).requests - before;
    return {
      jobsPerS: (n / (done - produced.startedAt)) * 1000,
      enqueueCpuUs: produced.enqueueCpuUs,
      enqueueMs: produced.enqueueMs,
      doubleSent: sends - n,
    };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined,
      ),
    );
    await deleteKeys(redisUrl, prefix);
  }
}

/** The section: interleaved runs, median per variant; pushes its targets onto `targets`. */
export async function queueSection({ baseUrl, log, targets, runs = 3, n = 3_000 }) {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const concurrency = 16;
  log(
    `\n## Queue: ${fmt(n)} single-recipient sendSms jobs, concurrency ${concurrency} per worker ` +
      `(${runs} interleaved runs; median)\n`,
  );
  const variants = [
    { name: 'hand-written bullmq + HttpService', mode: 'hand', many: false },
    { name: 'WebcomQueue.enqueue (ours)', mode: 'ours', many: false },
    { name: 'WebcomQueue.enqueueMany (ours)', mode: 'ours', many: true },
  ];
  const res = {};
  for (const workers of [1, 2]) {
    const samples = variants.map(() => []);
    for (let r = 0; r < runs; r++) {
      for (const [i, variant] of variants.entries()) {
        samples[i].push(await runOnce({ baseUrl, redisUrl, workers, n, concurrency, ...variant }));
      }
    }
    res[workers] = variants.map((variant, i) => ({
      name: variant.name,
      jobsPerS: median(samples[i].map((s) => s.jobsPerS)),
      enqueueCpuUs: median(samples[i].map((s) => s.enqueueCpuUs)),
      enqueueMs: median(samples[i].map((s) => s.enqueueMs)),
      doubleSent: Math.max(...samples[i].map((s) => s.doubleSent)),
      runs: samples[i].map((s) => Math.round(s.jobsPerS)),
    }));
  }
  const rows = [];
  for (const workers of [1, 2]) {
    for (const r of res[workers]) {
      rows.push([
        workers,
        r.name,
        fmt(r.jobsPerS),
        r.runs.join(', '),
        fmt(r.enqueueCpuUs),
        fmt(r.enqueueMs),
        r.doubleSent,
      ]);
    }
  }
  log(
    table(
      [
        'workers',
        'producer',
        'jobs/s end to end',
        'runs',
        'enqueue CPU µs/job',
        'enqueue ms',
        'sent twice',
      ],
      rows,
      ['r', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  for (const workers of [1, 2]) {
    const [hand, ours, many] = res[workers];
    targets.push({
      target: `queue, ${workers} worker(s): ours >= 1.0x hand-written end to end`,
      measured: `${fmt(ours.jobsPerS / hand.jobsPerS, 2)}x (enqueueMany ${fmt(many.jobsPerS / hand.jobsPerS, 2)}x)`,
      met: ours.jobsPerS >= hand.jobsPerS,
    });
    targets.push({
      target: `queue, ${workers} worker(s): enqueue CPU <= 1.5x hand-written`,
      measured: `${fmt(ours.enqueueCpuUs / hand.enqueueCpuUs, 2)}x (enqueueMany ${fmt(many.enqueueCpuUs / hand.enqueueCpuUs, 2)}x)`,
      met: ours.enqueueCpuUs <= 1.5 * hand.enqueueCpuUs,
    });
    targets.push({
      target: `queue, ${workers} worker(s): nothing sent twice`,
      measured: `${Math.max(...res[workers].map((r) => r.doubleSent))} sent twice`,
      met: res[workers].every((r) => r.doubleSent === 0),
    });
  }
  return res;
}
