// The benchmark: nestjs-webcom side by side with what a team writes by hand and with raw
// node:http, against a gateway stand-in in a separate process on 127.0.0.1.
//
//   npm run bench                      build, then every section (about 2 minutes)
//   node bench/run.js --quick          a reduced run, as a smoke check (about 20 s)
//   node bench/run.js --only cpu,boot  some sections: throughput, cpu, bulk, boot, import, otel,
//                                      verification
//   node bench/run.js --json out.json  also write every figure as JSON
//   node bench/run.js --sizes 1000,100000 --runs 3   override bulk sizes / runs per figure
//   node bench/run.js --baseline DIR   also runs another build (DIR/dist) of ours in the
//                                      throughput rounds, as "before", interleaved with the rest,
//                                      and in the tracking and queue sections
//   node bench/run.js --only tracking --tracking-n 100000 --tracking-rate 2000
//   node bench/run.js --only queue --queue-runs 3   (needs Redis: REDIS_URL)
//
// Every figure is the median of several runs after a warm-up. Sections that measure memory or
// start-up run each sample in a fresh child process. Needs a build (dist/): `npm run build`.
import { performance } from 'node:perf_hooks';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BENCH_DIR,
  DIST_INDEX,
  ROOT_DIR,
  fmt,
  median,
  parseArgs,
  runNodeJson,
  startStandIn,
  table,
  verdict,
} from './lib/common.js';

const args = parseArgs();
const quick = Boolean(args.quick);
const SECTIONS = ['throughput', 'cpu', 'bulk', 'boot', 'import'];
SECTIONS.push('otel'); // bench/otel.js: the OpenTelemetry instrumentation's per-call cost
SECTIONS.push('tracking', 'queue'); // bench/tracking.js, bench/queue.js
SECTIONS.push('verification'); // bench/verification.js: start + check, memory and Redis stores
const only = args.only ? String(args.only).split(',') : SECTIONS;
for (const name of only) {
  if (!SECTIONS.includes(name))
    throw new Error(`--only: unknown section ${name} (${SECTIONS.join(', ')})`);
}
const intList = (value) =>
  String(value)
    .split(',')
    .map((n) => Number(n.replace(/_/g, '')));

const config = quick
  ? {
      throughput: { concurrencies: [1, 16, 64], runs: 2, durationMs: 300, warmupMs: 300 },
      cpu: { iterations: 2_000, runs: 3 },
      bulk: { sizes: [1_000, 10_000], runs: () => 1 },
      boot: { runs: 2 },
      import: { runs: 2 },
    }
  : {
      throughput: { concurrencies: [1, 16, 64], runs: 5, durationMs: 1_000, warmupMs: 1_000 },
      cpu: { iterations: 20_000, runs: 7 },
      bulk: {
        sizes: [1_000, 10_000, 100_000, 1_000_000],
        runs: (size) => (size >= 1_000_000 ? 3 : 5),
      },
      boot: { runs: 7 },
      import: { runs: 7 },
    };
if (args.runs) {
  const runs = Number(args.runs);
  config.throughput.runs = runs;
  config.cpu.runs = runs;
  config.bulk.runs = () => runs;
  config.boot.runs = runs;
  config.import.runs = runs;
}
if (args.sizes) config.bulk.sizes = intList(args.sizes);

// Issue 13's targets: twice the hand-written client and 0.60 of raw node:http at concurrency 64,
// and no worse than that at 1 and 16; validate + encode + decode within 8 µs.
const TARGETS = {
  oursOverHand: 2.0,
  oursOverRaw: 0.6,
  cpuUs: 8,
  bulk100kMs: 1_000,
  bulk100kRssMB: 200,
  linearFactor: 1.5,
  bootOverheadMs: 50,
};

const log = (...parts) => console.log(...parts);
const results = { quick, machine: machine(), sections: {} };
const targets = [];

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const version = (pkg) => {
    try {
      return JSON.parse(
        readFileSync(path.join(ROOT_DIR, 'node_modules', pkg, 'package.json'), 'utf8'),
      ).version;
    } catch {
      return '?';
    }
  };
  return {
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    model,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    packages: Object.fromEntries(
      [
        '@nestjs/core',
        '@nestjs/axios',
        'axios',
        'class-validator',
        'class-transformer',
        'libphonenumber-js',
      ].map((p) => [p, version(p)]),
    ),
  };
}

const loadavg = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

// ------------------------------------------------------------------ 1. throughput

async function throughputSection(baseUrl) {
  const { createOurs, createHand, createRaw } = await import('./lib/clients.js');
  const { measureThroughput } = await import('./lib/throughput.js');
  const clients = [await createOurs(baseUrl), await createHand(baseUrl), await createRaw(baseUrl)];
  if (args.baseline) {
    const distIndex = pathToFileURL(path.resolve(String(args.baseline), 'dist', 'index.js')).href;
    clients.push(await createOurs(baseUrl, {}, undefined, { distIndex, name: 'before' }));
  }
  const c = config.throughput;
  log(
    `\n## 1. Throughput and latency, one-recipient sendSms (${c.runs} runs of ${c.durationMs} ms after ${c.warmupMs} ms warm-up)\n`,
  );
  let res;
  try {
    res = await measureThroughput(clients, { ...c, log });
  } finally {
    for (const client of clients) await client.close();
  }
  const names = {
    ours: 'WebcomService (ours)',
    hand: 'HttpService.get by hand',
    raw: 'raw node:http',
    before: `ours, build in ${args.baseline}`,
  };
  const rows = [];
  for (const conc of c.concurrencies) {
    for (const { name } of clients) {
      const r = res[conc][name];
      rows.push([
        conc,
        names[name],
        fmt(r.rps),
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        fmt(r.cpuUs, 0),
        r.errors,
      ]);
    }
  }
  log(
    `\n${table(['concurrency', 'client', 'req/s', 'p50 ms', 'p99 ms', 'client CPU µs/req', 'errors'], rows, ['r', 'l', 'r', 'r', 'r', 'r', 'r'])}\n`,
  );
  const ratioRows = c.concurrencies.map((conc) => {
    const { ours, hand, raw, before } = res[conc];
    return [
      conc,
      fmt(ours.rps / hand.rps, 2),
      fmt(ours.rps / raw.rps, 2),
      fmt(hand.rps / raw.rps, 2),
      fmt(hand.cpuUs / ours.cpuUs, 2),
      fmt(raw.cpuUs / ours.cpuUs, 2),
      ...(before ? [fmt(before.rps / hand.rps, 2), fmt(before.rps / raw.rps, 2)] : []),
    ];
  });
  log(
    table(
      [
        'concurrency',
        'ours/hand-written',
        'ours/raw',
        'hand-written/raw',
        'by CPU: ours/hand',
        'by CPU: ours/raw',
        ...(args.baseline ? ['before/hand-written', 'before/raw'] : []),
      ],
      ratioRows,
    ),
  );
  log(
    '\nratios are of req/s; "by CPU" ratios compare client CPU per request (inverse), which other load on\n' +
      'the machine disturbs less than req/s.',
  );
  for (const conc of c.concurrencies) {
    const { ours, hand, raw } = res[conc];
    targets.push({
      target: `ours/hand-written >= ${TARGETS.oursOverHand} at concurrency ${conc}`,
      measured: fmt(ours.rps / hand.rps, 2),
      met: ours.rps / hand.rps >= TARGETS.oursOverHand,
    });
    targets.push({
      target: `ours/raw >= ${TARGETS.oursOverRaw} at concurrency ${conc}`,
      measured: fmt(ours.rps / raw.rps, 2),
      met: ours.rps / raw.rps >= TARGETS.oursOverRaw,
    });
  }
  return res;
}

// ------------------------------------------------------------------ 2. per-call CPU

async function cpuSection() {
  const { measureCpu } = await import('./lib/cpu.js');
  const c = config.cpu;
  log(
    `\n## 2. Per-call CPU cost without network (median of ${c.runs} runs of ${fmt(c.iterations)} calls, µs/call)\n`,
  );
  const rows = await measureCpu(c);
  log(
    table(
      ['path', 'CPU µs/call (median)', 'min', 'max', 'wall µs/call'],
      Object.entries(rows).map(([name, r]) => [
        name,
        fmt(r.us, 2),
        fmt(r.min, 2),
        fmt(r.max, 2),
        fmt(r.wallUs, 2),
      ]),
    ),
  );
  // Per-call cost of the service path under each process-wide setup (SERVICE_VARIANTS).
  const { SERVICE_VARIANTS } = await import('./lib/cpu.js');
  const variantScript = path.join(BENCH_DIR, 'lib', 'cpu.js');
  const variants = {};
  for (const variant of SERVICE_VARIANTS) {
    const flags = ['--json', '--iterations', String(c.iterations), '--runs', String(c.runs)];
    if (variant.setup) flags.push('--setup', variant.setup);
    variants[variant.name] = (await runNodeJson(variantScript, flags)).stub;
  }
  log(
    `\n${table(
      ['WebcomService.sendSms, transport stubbed, fresh process', 'CPU µs/call'],
      Object.entries(variants).map(([name, us]) => [name, fmt(us, 2)]),
    )}`,
  );
  rows.variants = variants;
  const ours = rows['ours: validate + encode + decode'].us;
  const hand = rows['hand: URLSearchParams + JSON.parse'].us;
  log(`\nours/hand CPU per call: ${fmt(ours / hand, 1)}x`);
  targets.push({
    target: `validate + encode + decode <= ${TARGETS.cpuUs} µs`,
    measured: `${fmt(ours, 1)} µs`,
    met: ours <= TARGETS.cpuUs,
  });
  return rows;
}

// ------------------------------------------------------------------ 3. bulk

async function bulkSection(baseUrl) {
  const c = config.bulk;
  log('\n## 3. Bulk: one sendSms to N recipients (each run in a fresh process; median)\n');
  const script = path.join(BENCH_DIR, 'bulk-child.js');
  const res = {};
  for (const size of c.sizes) {
    const runs = [];
    for (let r = 0; r < c.runs(size); r++) {
      runs.push(await runNodeJson(script, ['--base-url', baseUrl, '--size', String(size)]));
    }
    const wallMs = median(runs.map((x) => x.wallMs));
    res[size] = {
      wallMs,
      cpuMs: median(runs.map((x) => x.cpuMs)),
      recipientsPerS: (size / wallMs) * 1000,
      usPerRecipient: (wallMs * 1000) / size,
      requests: median(runs.map((x) => x.requests)),
      rssBeforeMB: median(runs.map((x) => x.rssBeforeMB)),
      peakRssMB: median(runs.map((x) => x.peakRssMB)),
      runs: runs.map((x) => Math.round(x.wallMs)),
    };
    log(`  ${fmt(size)} recipients: ${fmt(wallMs)} ms (runs: ${res[size].runs.join(', ')} ms)`);
  }
  log(
    `\n${table(
      [
        'recipients',
        'wall ms',
        'client CPU ms',
        'recipients/s',
        'µs/recipient',
        'requests',
        'RSS before MB',
        'peak RSS MB',
      ],
      c.sizes.map((size) => {
        const r = res[size];
        return [
          fmt(size),
          fmt(r.wallMs),
          fmt(r.cpuMs),
          fmt(r.recipientsPerS),
          fmt(r.usPerRecipient, 2),
          fmt(r.requests),
          fmt(r.rssBeforeMB, 1),
          fmt(r.peakRssMB, 1),
        ];
      }),
    )}`,
  );
  if (res[100_000]) {
    const r = res[100_000];
    targets.push({
      target: `100,000 recipients < ${TARGETS.bulk100kMs} ms`,
      measured: `${fmt(r.wallMs)} ms`,
      met: r.wallMs < TARGETS.bulk100kMs,
    });
    targets.push({
      target: `100,000 recipients peak RSS < ${TARGETS.bulk100kRssMB} MB`,
      measured: `${fmt(r.peakRssMB, 1)} MB`,
      met: r.peakRssMB < TARGETS.bulk100kRssMB,
    });
  }
  const small = res[10_000];
  const large = res[1_000_000] ?? res[100_000];
  if (small && large && large !== small) {
    const factor = large.usPerRecipient / small.usPerRecipient;
    const largeSize = res[1_000_000] ? '1,000,000' : '100,000';
    log(
      `\ncost per recipient, ${largeSize} vs 10,000: ${fmt(factor, 2)}x (1.00 = perfectly linear)`,
    );
    targets.push({
      target: `linear 10k -> ${largeSize === '1,000,000' ? '1M' : '100k'} (µs/recipient grows <= ${TARGETS.linearFactor}x)`,
      measured: `${fmt(factor, 2)}x`,
      met: factor <= TARGETS.linearFactor,
    });
  }
  return res;
}

// ------------------------------------------------------------------ 4. boot

async function bootSection() {
  const c = config.boot;
  log(
    `\n## 4. Boot: NestFactory.createApplicationContext, logger: false (${c.runs} fresh processes each; median)\n`,
  );
  const script = path.join(BENCH_DIR, 'boot-child.js');
  /** @type {[name: string, flags: string[]][]} */
  const variants = [
    ['empty module', []],
    ['WebcomModule.forRoot', ['--with-webcom']],
    ['empty module, peers preloaded', ['--preload-peers']],
    ['WebcomModule.forRoot, peers preloaded', ['--with-webcom', '--preload-peers']],
  ];
  const samples = Object.fromEntries(variants.map(([name]) => [name, []]));
  // Interleaved, so that load from elsewhere on the machine falls on every variant alike.
  for (let r = 0; r < c.runs; r++) {
    for (const [name, flags] of variants) samples[name].push(await runNodeJson(script, flags));
  }
  const res = {};
  for (const [name] of variants) {
    res[name] = {
      bootMs: median(samples[name].map((s) => s.bootMs)),
      sinceProcessStartMs: median(samples[name].map((s) => s.sinceProcessStartMs)),
      peakRssMB: median(samples[name].map((s) => s.peakRssMB)),
    };
  }
  const cold = res['WebcomModule.forRoot'].bootMs - res['empty module'].bootMs;
  const warm =
    res['WebcomModule.forRoot, peers preloaded'].bootMs -
    res['empty module, peers preloaded'].bootMs;
  log(
    table(
      ['application context', 'boot ms', 'overhead ms', 'process start to ready ms', 'peak RSS MB'],
      variants.map(([name]) => {
        const base = name.includes('preloaded')
          ? res['empty module, peers preloaded']
          : res['empty module'];
        return [
          name,
          fmt(res[name].bootMs, 1),
          name.startsWith('Webcom') ? fmt(res[name].bootMs - base.bootMs, 1) : '',
          fmt(res[name].sinceProcessStartMs),
          fmt(res[name].peakRssMB, 1),
        ];
      }),
    ),
  );
  log(
    '\n"peers preloaded": class-validator, class-transformer, axios and @nestjs/axios were imported before the clock,\n' +
      'as in an application that already uses ValidationPipe and HttpModule.',
  );
  targets.push({
    target: `boot overhead <= ${TARGETS.bootOverheadMs} ms (cold)`,
    measured: `${fmt(cold, 1)} ms`,
    met: cold <= TARGETS.bootOverheadMs,
  });
  targets.push({
    target: `boot overhead <= ${TARGETS.bootOverheadMs} ms (peers preloaded)`,
    measured: `${fmt(warm, 1)} ms`,
    met: warm <= TARGETS.bootOverheadMs,
  });
  return { ...res, overheadColdMs: cold, overheadPeersPreloadedMs: warm };
}

// ------------------------------------------------------------------ 5. import

async function importSection() {
  const c = config.import;
  log(
    `\n## 5. Cold import, Nest already loaded (${c.runs} fresh processes each, interleaved; median)\n`,
  );
  const script = path.join(BENCH_DIR, 'import-child.js');
  const modules = [
    ['dist', 'nestjs-webcom (dist/index.js), everything below included'],
    ['class-validator', 'class-validator (loads libphonenumber-js/max)'],
    ['class-transformer', 'class-transformer'],
    ['libphonenumber-js', 'libphonenumber-js'],
    ['axios', 'axios'],
    ['@nestjs/axios', '@nestjs/axios, which brings axios'],
    ['undici/lib/dispatcher/agent.js', 'undici Agent (what the library loads)'],
    ['undici', 'undici, whole package (for comparison)'],
  ];
  const samples = Object.fromEntries(modules.map(([m]) => [m, []]));
  for (let r = 0; r < c.runs; r++) {
    for (const [m] of modules) {
      samples[m].push((await runNodeJson(script, ['--module', m])).importMs);
    }
  }
  const res = Object.fromEntries(modules.map(([m]) => [m, median(samples[m])]));
  log(
    table(
      ['module', 'import ms'],
      modules.map(([m, label]) => [label, fmt(res[m], 1)]),
    ),
  );
  return res;
}

// ------------------------------------------------------------------ main

async function main() {
  if (!existsSync(DIST_INDEX)) {
    console.error(
      'dist/ is missing: run `npm run build` (or `npm run bench`, which builds first).',
    );
    process.exit(2);
  }
  const m = results.machine;
  log(`# nestjs-webcom benchmark${quick ? ' (--quick: reduced, for a smoke check only)' : ''}\n`);
  log(`machine: ${m.cpus} CPUs, ${m.model}, ${m.memoryGB} GB, ${m.platform}`);
  log(
    `node ${m.node}; ${Object.entries(m.packages)
      .map(([p, v]) => `${p} ${v}`)
      .join(', ')}`,
  );
  log(`load average at start: ${loadavg()}`);
  if (os.loadavg()[0] > m.cpus * 0.5) {
    log(
      `WARNING: the machine is busy (1-minute load ${os.loadavg()[0].toFixed(2)} on ${m.cpus} CPUs): ` +
        'the figures below are pessimistic and noisy; prefer a run on an idle machine.',
    );
  }
  const started = performance.now();
  const standIn = await startStandIn();
  const stop = async () => {
    await standIn.stop();
  };
  const onSignal = async (signal) => {
    await stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  log(`stand-in: pid ${standIn.pid} at ${standIn.baseUrl}`);
  try {
    if (only.includes('throughput'))
      results.sections.throughput = await throughputSection(standIn.baseUrl);
    if (only.includes('cpu')) results.sections.cpu = await cpuSection();
    if (only.includes('bulk')) results.sections.bulk = await bulkSection(standIn.baseUrl);
    if (only.includes('boot')) results.sections.boot = await bootSection();
    if (only.includes('import')) results.sections.import = await importSection();
    if (only.includes('tracking')) {
      const { trackingSection } = await import('./tracking.js');
      results.sections.tracking = await trackingSection({
        baseUrl: standIn.baseUrl,
        log,
        targets,
        baseline: args.baseline ? path.resolve(String(args.baseline)) : undefined,
        n: Number(args['tracking-n'] ?? (quick ? 10_000 : 100_000)),
        rate: Number(args['tracking-rate'] ?? (quick ? 1_000 : 2_000)),
        flipMs: 5_000,
      });
    }
    if (only.includes('queue')) {
      const { queueSection } = await import('./queue.js');
      results.sections.queue = await queueSection({
        baseUrl: standIn.baseUrl,
        log,
        targets,
        runs: Number(args['queue-runs'] ?? (quick ? 1 : 3)),
        n: quick ? 1_000 : 3_000,
        baseline: args.baseline ? String(args.baseline) : undefined,
      });
    }
    if (only.includes('otel')) {
      const { otelSection } = await import('./otel.js');
      results.sections.otel = await otelSection({
        quick,
        log,
        runs: args.runs && Number(args.runs),
      });
    }
    if (only.includes('verification')) {
      const { verificationSection } = await import('./verification.js');
      results.sections.verification = await verificationSection({
        quick,
        log,
        runs: args.runs && Number(args.runs),
      });
    }
  } finally {
    await stop();
  }
  results.targets = targets;
  log('\n## Targets (reported, not asserted)\n');
  log(
    table(
      ['target', 'measured', 'verdict'],
      targets.map((t) => [t.target, t.measured, verdict(t.met)]),
    ),
  );
  log(
    `\nload average at end: ${loadavg()}; total ${fmt((performance.now() - started) / 1000, 0)} s`,
  );
  if (args.json) {
    writeFileSync(path.resolve(String(args.json)), `${JSON.stringify(results, null, 2)}\n`);
    log(`results written to ${args.json}`);
  }
}

await main();
