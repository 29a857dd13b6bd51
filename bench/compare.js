// Compares builds of the library side by side, to measure a proposed change before applying it.
//
//   node bench/compare.js --builds DIR_A,DIR_B[,...] [--sections cpu,throughput,bulk,boot]
//        [--runs N] [--size 100000] [--duration 1000] [--conc 1,16,64]
//
// Each DIR is a checkout (or copy) of this repository whose `dist/` is built; `.` is this one.
// For example, to measure a patch:
//   cp -r lib tsconfig*.json package.json /tmp/candidate/ && ln -s "$PWD/node_modules" /tmp/candidate/
//   (cd /tmp/candidate && patch -p1 < change.patch && npx tsc -p tsconfig.build.json)
//   node bench/compare.js --builds .,/tmp/candidate
// Runs of the builds are interleaved, so that other load on the machine falls on each alike.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Logger } from '@nestjs/common';
import {
  BENCH_DIR,
  CREDENTIALS,
  SENDER,
  TEXT,
  fmt,
  median,
  parseArgs,
  runNodeJson,
  startStandIn,
  table,
} from './lib/common.js';

const args = parseArgs();
if (!args.builds) {
  console.error(
    'usage: node bench/compare.js --builds DIR_A,DIR_B [--sections cpu,throughput,bulk,boot]',
  );
  process.exit(2);
}
const builds = String(args.builds)
  .split(',')
  .map((dir) => ({ dir: path.resolve(dir), name: dir }));
const sections = String(args.sections ?? 'cpu,throughput,bulk,boot').split(',');
const runs = Number(args.runs ?? 5);
const log = (...parts) => console.log(...parts);
Logger.overrideLogger(['warn', 'error', 'fatal']);

async function cpu() {
  // Each sample in a fresh process: class-validator keeps one metadata store for every DTO class
  // loaded, so builds sharing a process would slow each other's validation down.
  const script = path.join(BENCH_DIR, 'lib', 'cpu.js');
  const iterations = String(args.iterations ?? 20_000);
  const samples = builds.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < builds.length; i++) {
      samples[i].push(
        await runNodeJson(script, [
          '--json',
          '--dist',
          path.join(builds[i].dir, 'dist'),
          '--iterations',
          iterations,
        ]),
      );
    }
  }
  log(
    `\n## per-call CPU, µs/call (median of ${runs} fresh processes, each the median of 3 runs of ${fmt(Number(iterations))} calls)\n`,
  );
  log(
    table(
      ['build', 'validate + encode + decode', 'WebcomService.sendSms, transport stubbed'],
      builds.map((b, i) => [
        b.name,
        fmt(median(samples[i].map((s) => s.ours)), 2),
        fmt(median(samples[i].map((s) => s.stub)), 2),
      ]),
    ),
  );
}

async function throughput(baseUrl) {
  const { createHand, createRaw } = await import('./lib/clients.js');
  const { measureThroughput } = await import('./lib/throughput.js');
  const clients = [];
  for (const b of builds) {
    const { WebcomService } = await import(pathToFileURL(path.join(b.dir, 'dist/index.js')).href);
    const service = new WebcomService({
      credentials: CREDENTIALS,
      baseUrl,
      senders: { sms: SENDER },
      maxSockets: 64,
    });
    clients.push({
      name: b.name,
      send: async (to) => (await service.sendSms({ to, text: TEXT })).messages,
      close: async () => service.onApplicationShutdown(),
    });
  }
  clients.push(await createHand(baseUrl), await createRaw(baseUrl));
  const concurrencies = String(args.conc ?? '1,16,64')
    .split(',')
    .map(Number);
  const durationMs = Number(args.duration ?? 1_000);
  log(`\n## throughput, one-recipient sendSms (${runs} interleaved runs of ${durationMs} ms)\n`);
  let res;
  try {
    res = await measureThroughput(clients, {
      concurrencies,
      runs,
      durationMs,
      warmupMs: 1_000,
      log,
    });
  } finally {
    for (const c of clients) await c.close();
  }
  const rows = [];
  for (const c of concurrencies) {
    const { hand, raw } = res[c];
    for (const cl of clients) {
      const r = res[c][cl.name];
      rows.push([
        c,
        cl.name,
        fmt(r.rps),
        fmt(r.rps / hand.rps, 2),
        fmt(r.rps / raw.rps, 2),
        fmt(r.cpuUs, 1),
        fmt(hand.cpuUs / r.cpuUs, 2),
        fmt(r.p50, 2),
        fmt(r.p99, 2),
      ]);
    }
  }
  log(
    `\n${table(['conc', 'client', 'req/s', '/hand', '/raw', 'CPU µs/req', 'hand CPU / this', 'p50 ms', 'p99 ms'], rows, ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'])}`,
  );
}

async function bulk(baseUrl) {
  const size = Number(String(args.size ?? 100_000).replace(/_/g, ''));
  const script = path.join(BENCH_DIR, 'bulk-child.js');
  const samples = builds.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < builds.length; i++) {
      samples[i].push(
        await runNodeJson(script, [
          '--base-url',
          baseUrl,
          '--size',
          String(size),
          '--dist',
          path.join(builds[i].dir, 'dist'),
        ]),
      );
    }
  }
  log(`\n## bulk, one sendSms to ${fmt(size)} recipients (median of ${runs} fresh processes)\n`);
  log(
    table(
      ['build', 'wall ms', 'client CPU ms', 'recipients/s', 'requests', 'peak RSS MB', 'runs ms'],
      builds.map((b, i) => {
        const wall = median(samples[i].map((s) => s.wallMs));
        return [
          b.name,
          fmt(wall),
          fmt(median(samples[i].map((s) => s.cpuMs))),
          fmt((size / wall) * 1000),
          fmt(median(samples[i].map((s) => s.requests))),
          fmt(median(samples[i].map((s) => s.peakRssMB)), 1),
          samples[i].map((s) => Math.round(s.wallMs)).join(' '),
        ];
      }),
    ),
  );
}

async function boot() {
  const script = path.join(BENCH_DIR, 'boot-child.js');
  /** @type {[name: string, flags: string[]][]} */
  const variants = [
    ['empty module', []],
    ['empty module, peers preloaded', ['--preload-peers']],
    ...builds.flatMap(
      (b) =>
        /** @type {[name: string, flags: string[]][]} */ ([
          [`${b.name}`, ['--with-webcom', '--dist', path.join(b.dir, 'dist')]],
          [
            `${b.name}, peers preloaded`,
            ['--with-webcom', '--preload-peers', '--dist', path.join(b.dir, 'dist')],
          ],
        ]),
    ),
  ];
  const samples = variants.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < variants.length; i++)
      samples[i].push((await runNodeJson(script, variants[i][1])).bootMs);
  }
  const empty = median(samples[0]);
  const emptyPre = median(samples[1]);
  log(`\n## boot, createApplicationContext (median of ${runs} fresh processes)\n`);
  log(
    table(
      ['context', 'boot ms', 'overhead ms'],
      variants.map(([name], i) => {
        const ms = median(samples[i]);
        return [
          name,
          fmt(ms, 1),
          i < 2 ? '' : fmt(ms - (name.endsWith('preloaded') ? emptyPre : empty), 1),
        ];
      }),
    ),
  );
}

const standIn = await startStandIn();
try {
  if (sections.includes('cpu')) await cpu();
  if (sections.includes('throughput')) await throughput(standIn.baseUrl);
  if (sections.includes('bulk')) await bulk(standIn.baseUrl);
  if (sections.includes('boot')) await boot();
} finally {
  await standIn.stop();
}
