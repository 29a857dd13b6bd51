// One bulk sendSms in a fresh process, so that its peak RSS is its own.
//   node bench/bulk-child.js --base-url http://127.0.0.1:PORT --size 100000 [--dist DIR]
// --dist loads another build's dist/ directory (to compare builds); default: this checkout's.
// Prints one JSON line: { size, wallMs, cpuMs, requests, recipients, messages, rssBeforeMB,
// peakRssMB }; cpuMs is this process's CPU time during the send (the stand-in's is not in it).
import { performance } from 'node:perf_hooks';
import 'reflect-metadata';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CREDENTIALS,
  DIST_INDEX,
  SENDER,
  parseArgs,
  russianMobiles,
  standInStats,
} from './lib/common.js';

const args = parseArgs();
const baseUrl = args['base-url'];
const size = Number(args.size);
if (!baseUrl || !Number.isInteger(size) || size < 1) {
  console.error('usage: node bench/bulk-child.js --base-url URL --size N');
  process.exit(2);
}

const { Logger } = await import('@nestjs/common');
// Production log levels, as the other sections use.
Logger.overrideLogger(['log', 'warn', 'error', 'fatal']);
const dist = args.dist ? pathToFileURL(path.resolve(args.dist, 'index.js')).href : DIST_INDEX;
const { WebcomService } = await import(dist);
const service = new WebcomService({
  credentials: CREDENTIALS,
  baseUrl,
  senders: { sms: SENDER },
  maxSockets: 64,
});

const text = 'Spring sale: -20% on everything until Sunday. Reply STOP to opt out.';
// Warm-up: the same path, small, so the measured send runs on optimised code.
await service.sendSms({ to: russianMobiles(2_000), text });

const to = russianMobiles(size);
const before = await standInStats(baseUrl);
const rssBefore = process.memoryUsage().rss;
const cpuStart = process.cpuUsage();
const started = performance.now();
const result = await service.sendSms({ to, text });
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
const after = await standInStats(baseUrl);
const peakRss = process.resourceUsage().maxRSS * 1024;
service.onApplicationShutdown();

if (result.messages.length !== size) {
  console.error(`expected ${size} messages, got ${result.messages.length}`);
  process.exit(1);
}
console.log(
  JSON.stringify({
    size,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    requests: after.requests - before.requests,
    recipients: after.recipients - before.recipients,
    messages: result.messages.length,
    rssBeforeMB: rssBefore / 2 ** 20,
    peakRssMB: peakRss / 2 ** 20,
  }),
);
