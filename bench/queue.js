// The queue section: N single-recipient SMS jobs, concurrency 16 per worker, one and two worker
// processes, ours (WebcomQueue + its worker) side by side with a hand-written bullmq Queue +
// Worker calling HttpService, plain and with the job options ours sets (retries, retention).
// Producer and workers are separate processes; every send is counted at the stand-in, so a job
// sent twice shows. With a baseline build, its queue runs as one more variant. Needs Redis: REDIS_URL (default redis://127.0.0.1:6379); every run uses keys
// of its own prefix and deletes them after.
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

/** A worker process; `cpuUs` resolves with its CPU from ready to SIGTERM. */
function startWorker(common) {
  const child = spawn(process.execPath, [CHILD, '--role', 'worker', ...common], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const cpuUs = new Promise((resolve) => {
    child.once('exit', () => resolve(Number(/"cpuUs":([\d.]+)/.exec(output)?.[1] ?? NaN)));
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`queue worker exited early (${code})`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('"ready"')) resolve({ child, cpuUs });
    });
  });
}

/** The Redis server's own CPU so far, in µs (INFO cpu: its main thread and its children). */
async function redisCpuUs(redisUrl) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl);
  const info = await redis.info('cpu');
  await redis.quit();
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1e6;
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

/**
 * One run: resolves with jobs/s end to end, the producer's CPU per job (steady and in its first
 * burst), the workers' CPU per job, and sends at the stand-in.
 */
async function runOnce({
  baseUrl,
  redisUrl,
  mode,
  workers,
  n,
  concurrency,
  many,
  dist = undefined,
  jobOptions = false,
}) {
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
    ...(dist ? ['--dist', dist] : []),
    ...(jobOptions ? ['--job-options'] : []),
  ];
  const started = [];
  try {
    for (let w = 0; w < workers; w++) started.push(await startWorker(common));
    const before = (await standInStats(baseUrl)).requests;
    const redisBefore = await redisCpuUs(redisUrl);
    const producer = runNodeJson(CHILD, ['--role', 'producer', ...common]);
    let done;
    let redisCpu;
    for (;;) {
      const sent = (await standInStats(baseUrl)).requests - before;
      if (sent >= n) {
        done = Date.now();
        redisCpu = (await redisCpuUs(redisUrl)) - redisBefore;
        break;
      }
      await sleep(10);
    }
    const produced = await producer;
    // Time for a second send of any job to show.
    await sleep(500);
    const sends = (await standInStats(baseUrl)).requests - before;
    for (const { child } of started) child.kill('SIGTERM');
    const workerCpuUs = (await Promise.all(started.map((w) => w.cpuUs))).reduce((a, b) => a + b);
    return {
      jobsPerS: (n / (done - produced.startedAt)) * 1000,
      enqueueCpuUs: produced.enqueueCpuUs,
      coldCpuUs: produced.coldCpuUs,
      enqueueMs: produced.enqueueMs,
      workerCpuUs: workerCpuUs / n,
      redisCpuUs: redisCpu / n,
      doubleSent: sends - n,
    };
  } finally {
    for (const { child } of started) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(
      started.map(({ child }) =>
        child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined,
      ),
    );
    await deleteKeys(redisUrl, prefix);
  }
}

/** The section: interleaved runs, median per variant; pushes its targets onto `targets`. */
export async function queueSection({ baseUrl, log, targets, runs = 3, n = 3_000, baseline }) {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const concurrency = 16;
  log(
    `\n## Queue: ${fmt(n)} single-recipient sendSms jobs, concurrency ${concurrency} per worker ` +
      `(${runs} interleaved runs; median)\n\n` +
      'Enqueue CPU is the producer\u2019s per job once it has enqueued three bursts of the same ' +
      'size (steady), and in the first of them, in a fresh process (first burst). Worker CPU is ' +
      'all workers\u2019 per job; Redis CPU is the server\u2019s, from the producer\u2019s start to the last send (the warm-up bursts\u2019 adds included).\n',
  );
  /** @type {{ name: string, mode: string, many: boolean, jobOptions?: boolean, dist?: string }[]} */
  const variants = [
    { name: 'hand-written bullmq + HttpService', mode: 'hand', many: false },
    { name: 'WebcomQueue.enqueue (ours)', mode: 'ours', many: false },
    { name: 'WebcomQueue.enqueueMany (ours)', mode: 'ours', many: true },
    {
      name: 'hand-written, with ours\u2019 job options',
      mode: 'hand',
      many: false,
      jobOptions: true,
    },
  ];
  if (baseline) {
    variants.push({
      name: `WebcomQueue.enqueue (ours, build in ${baseline})`,
      mode: 'ours',
      many: false,
      dist: path.resolve(baseline, 'dist'),
    });
  }
  const res = {};
  for (const workers of [1, 2]) {
    const samples = variants.map(() => []);
    for (let r = 0; r < runs; r++) {
      for (const [i, variant] of variants.entries()) {
        samples[i].push(await runOnce({ baseUrl, redisUrl, workers, n, concurrency, ...variant }));
      }
    }
    const middle = (samples, key) => median(samples.map((s) => s[key]));
    res[workers] = variants.map((variant, i) => ({
      name: variant.name,
      jobsPerS: middle(samples[i], 'jobsPerS'),
      enqueueCpuUs: middle(samples[i], 'enqueueCpuUs'),
      coldCpuUs: middle(samples[i], 'coldCpuUs'),
      enqueueMs: middle(samples[i], 'enqueueMs'),
      workerCpuUs: middle(samples[i], 'workerCpuUs'),
      redisCpuUs: middle(samples[i], 'redisCpuUs'),
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
        fmt(r.coldCpuUs),
        fmt(r.enqueueMs),
        fmt(r.workerCpuUs),
        fmt(r.redisCpuUs),
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
        'enqueue CPU µs/job, steady',
        'first burst',
        'enqueue ms',
        'worker CPU µs/job',
        'Redis CPU µs/job',
        'sent twice',
      ],
      rows,
      ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  const ratio = (a, b) => `${fmt(a / b, 2)}x`;
  for (const workers of [1, 2]) {
    const [hand, ours, many, handWithOptions] = res[workers];
    targets.push({
      target: `queue, ${workers} worker(s): ours >= 1.0x hand-written end to end`,
      measured: `${ratio(ours.jobsPerS, hand.jobsPerS)} (enqueueMany ${ratio(many.jobsPerS, hand.jobsPerS)})`,
      met: ours.jobsPerS >= hand.jobsPerS,
    });
    targets.push({
      target: `queue, ${workers} worker(s): ours / hand-written with ours' job options (reported)`,
      measured: ratio(ours.jobsPerS, handWithOptions.jobsPerS),
      met: ours.jobsPerS >= handWithOptions.jobsPerS,
    });
    targets.push({
      target: `queue, ${workers} worker(s): enqueue CPU <= 1.5x hand-written, steady`,
      measured: `${ratio(ours.enqueueCpuUs, hand.enqueueCpuUs)} (enqueueMany ${ratio(many.enqueueCpuUs, hand.enqueueCpuUs)})`,
      met: ours.enqueueCpuUs <= 1.5 * hand.enqueueCpuUs,
    });
    targets.push({
      target: `queue, ${workers} worker(s): enqueue CPU <= 1.5x hand-written, first burst`,
      measured: `${ratio(ours.coldCpuUs, hand.coldCpuUs)} (enqueueMany ${ratio(many.coldCpuUs, hand.coldCpuUs)})`,
      met: ours.coldCpuUs <= 1.5 * hand.coldCpuUs,
    });
    targets.push({
      target: `queue, ${workers} worker(s): nothing sent twice`,
      measured: `${Math.max(...res[workers].map((r) => r.doubleSent))} sent twice`,
      met: res[workers].every((r) => r.doubleSent === 0),
    });
  }
  return res;
}
