// N messages tracked at once by one WebcomService (one waitForFinalStatus each, default
// intervals), against the stand-in, which flips every message to `deliver` --flip-ms after the
// start. In a fresh process, so its heap is its own.
//   node --expose-gc bench/tracking-child.js --base-url URL --n 100000 --rate 2000 [--dist DIR]
//        [--flip-ms 5000] [--limit-ms 300000]
// --rate is statusRequestsPerSecond (a build without the option ignores it). Prints one JSON
// line: the stand-in's view of the status reads, and this process's heap and CPU.
import 'reflect-metadata';
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import { clearTimeout, setTimeout } from 'node:timers';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CREDENTIALS, DIST_INDEX, SENDER, parseArgs } from './lib/common.js';

const args = parseArgs();
const baseUrl = args['base-url'];
const n = Number(args.n ?? 100_000);
const rate = Number(args.rate ?? 2_000);
const flipMs = Number(args['flip-ms'] ?? 5_000);
// Past this the run is cut short and reported as unfinished.
const limitMs = Number(args['limit-ms'] ?? flipMs + (4 * n * 1000) / rate + 30_000);
if (!baseUrl || typeof globalThis.gc !== 'function') {
  console.error('usage: node --expose-gc bench/tracking-child.js --base-url URL --n N --rate R');
  process.exit(2);
}

const getJson = (url) =>
  new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });

const { Logger } = await import('@nestjs/common');
// Retries of a build without a budget would print one warning each.
Logger.overrideLogger(['fatal']);
const dist = args.dist ? pathToFileURL(path.resolve(args.dist, 'index.js')).href : DIST_INDEX;
const { WebcomService } = await import(dist);
const service = new WebcomService({
  credentials: CREDENTIALS,
  baseUrl,
  senders: { sms: SENDER },
  maxSockets: 64,
  statusRequestsPerSecond: rate,
});

// When each status read left this process: the stand-in, starved of CPU on a busy machine,
// may see them in bursts it made itself. Both builds send on undici, which reports each request.
const issued = [];
diagnostics.subscribe('undici:request:create', ({ request }) => {
  if (request.path.includes('msgid=')) issued.push(Date.now());
});

/** Most reads in one calendar second and in any sliding second. */
function peaks(times) {
  let calendar = 0;
  let sliding = 0;
  const perSecond = new Map();
  for (let i = 0, j = 0; i < times.length; i++) {
    const second = Math.floor(times[i] / 1000);
    const count = (perSecond.get(second) ?? 0) + 1;
    perSecond.set(second, count);
    calendar = Math.max(calendar, count);
    while (times[i] - times[j] >= 1000) j++;
    sliding = Math.max(sliding, i - j + 1);
  }
  return { calendar, sliding };
}

const ids = Array.from({ length: n }, (_, i) => String(1_000_000 + i));
globalThis.gc();
const heapBefore = process.memoryUsage().heapUsed;
const { flipAt } = await getJson(`${baseUrl}/__tracking?flipInMs=${flipMs}`);
const cpuBefore = process.cpuUsage();
let observed = 0;
let failed = 0;
let lastObservedAt = 0;
// Shared handlers: the heap measured is the waits', not this script's closures.
const onObserved = () => {
  observed++;
  lastObservedAt = Date.now();
};
const onFailed = () => failed++;
const waits = ids.map((id) => service.waitForFinalStatus(id).then(onObserved, onFailed));
// The heap of N waits in flight, a second in (before the flip: nothing has settled yet).
await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, flipMs / 2)));
globalThis.gc();
const heapPerMessage = (process.memoryUsage().heapUsed - heapBefore) / n;

let timer;
const finished = await Promise.race([
  Promise.all(waits).then(() => true),
  new Promise((resolve) => (timer = setTimeout(() => resolve(false), limitMs))),
]);
clearTimeout(timer);
const cpu = process.cpuUsage(cpuBefore);
const stats = await getJson(`${baseUrl}/__tracking-stats`);
service.onModuleDestroy();
service.onApplicationShutdown();
const spanS = (stats.lastReadAt - stats.firstReadAt) / 1000;
const sent = peaks(issued);
console.log(
  JSON.stringify({
    n,
    rate,
    finished,
    observed,
    failed,
    statusReads: stats.statusReads,
    peakCalendar: stats.peakCalendar,
    peakSliding: stats.peakSliding,
    sentPeakCalendar: sent.calendar,
    sentPeakSliding: sent.sliding,
    meanPerSecond: spanS > 0 ? stats.statusReads / spanS : stats.statusReads,
    readsAfterSettled: stats.readsAfterSettled,
    heapPerMessageBytes: heapPerMessage,
    cpuUsPerRead: (cpu.user + cpu.system) / Math.max(1, stats.statusReads),
    observedAfterFlipMs: finished ? lastObservedAt - flipAt : null,
    floorMs: (n / rate) * 1000,
  }),
);
process.exit(0);
