// A minimal Webcom gateway stand-in for the benchmark, run in a process of its own so that it
// never shares the client's event loop. It answers every GET /sendsms.php with one
// {"id_message","price"} per recipient of `dadr` (docs/protocol.md §3), and a status read
// (`msgid`) with {"state":"send"}, or {"state":"deliver"} once the flip time has come.
//
//   node bench/stand-in.js [--port N]
//
// Started by run.js with an IPC channel: it reports {port} once listening. Any parent can also
// read and reset its counters over HTTP: GET /__stats -> {"requests":n,"recipients":m},
// GET /__reset. The counters exclude those paths. Status reads: GET /__tracking?flipInMs=N
// forgets every status read and flips every message to `deliver` N ms from now;
// GET /__tracking-stats -> what the status reads were (see trackingStats below).
import http from 'node:http';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;

let requests = 0;
let recipients = 0;
let nextId = 1;

// Status reads since the last /__tracking: when each came (ms), and which ids were delivered.
let flipAt = Infinity;
let readTimes = [];
let delivered = new Set();
let readsAfterSettled = 0;
let lastFirstDeliverAt = 0;

function answerStatus(id) {
  const now = Date.now();
  readTimes.push(now);
  if (delivered.has(id)) readsAfterSettled++;
  if (now < flipAt) return '{"state":"send"}';
  if (!delivered.has(id)) {
    delivered.add(id);
    lastFirstDeliverAt = now;
  }
  return '{"state":"deliver","time":"2026-12-03 10:00:00"}';
}

/** Reads per calendar second and per sliding second (peaks), and the read of settled ids. */
function trackingStats() {
  let peakCalendar = 0;
  let peakSliding = 0;
  const perCalendarSecond = new Map();
  for (let i = 0, j = 0; i < readTimes.length; i++) {
    const second = Math.floor(readTimes[i] / 1000);
    const count = (perCalendarSecond.get(second) ?? 0) + 1;
    perCalendarSecond.set(second, count);
    peakCalendar = Math.max(peakCalendar, count);
    while (readTimes[i] - readTimes[j] >= 1000) j++;
    peakSliding = Math.max(peakSliding, i - j + 1);
  }
  return {
    statusReads: readTimes.length,
    firstReadAt: readTimes[0] ?? null,
    lastReadAt: readTimes.at(-1) ?? null,
    peakCalendar,
    peakSliding,
    flipAt,
    delivered: delivered.size,
    lastFirstDeliverAt,
    readsAfterSettled,
  };
}

const ENCODED_COMMA = /%2C/gi;
const HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** The raw (still percent-encoded) value of `name` in a query string, or undefined. */
function rawParam(url, name) {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const key = `${name}=`;
  let at = url.startsWith(key, q + 1) ? q + 1 : url.indexOf(`&${key}`, q);
  if (at < 0) return undefined;
  if (url[at] === '&') at++;
  const start = at + key.length;
  const end = url.indexOf('&', start);
  return url.slice(start, end < 0 ? url.length : end);
}

function answerSend(url) {
  const dadr = rawParam(url, 'dadr');
  if (!dadr) return undefined;
  // Recipients are digits; a literal ',' is accepted as well as the encoded one.
  const count = dadr.replace(ENCODED_COMMA, ',').split(',').filter(Boolean).length;
  requests++;
  recipients += count;
  let body = '{"information":[';
  for (let i = 0; i < count; i++) {
    body += `${i ? ',' : ''}{"id_message":"${nextId++}","price":"2.5000000"}`;
  }
  return `${body}],"balance":"100.00"}`;
}

const server = http.createServer({ keepAlive: true }, (req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/__stats')) {
    res.writeHead(200, HEADERS).end(JSON.stringify({ requests, recipients }));
    return;
  }
  if (url.startsWith('/__tracking-stats')) {
    res.writeHead(200, HEADERS).end(JSON.stringify(trackingStats()));
    return;
  }
  if (url.startsWith('/__tracking')) {
    flipAt = Date.now() + Number(rawParam(url, 'flipInMs') ?? 0);
    readTimes = [];
    delivered = new Set();
    readsAfterSettled = 0;
    lastFirstDeliverAt = 0;
    res.writeHead(200, HEADERS).end(JSON.stringify({ flipAt }));
    return;
  }
  if (url.startsWith('/__reset')) {
    requests = 0;
    recipients = 0;
    res.writeHead(200, HEADERS).end('{}');
    return;
  }
  const statusId = url.startsWith('/sendsms.php') ? rawParam(url, 'msgid') : undefined;
  if (statusId !== undefined) {
    res.writeHead(200, HEADERS).end(answerStatus(statusId));
    return;
  }
  const body = url.startsWith('/sendsms.php') ? answerSend(url) : undefined;
  if (body === undefined) {
    res.writeHead(400, HEADERS).end('{"error":"not a send"}');
    return;
  }
  res.writeHead(200, HEADERS).end(body);
});
// Longer than any client agent's idle timeout, so the client always closes first.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

server.listen(port, '127.0.0.1', () => {
  const { port: actual } = /** @type {import('node:net').AddressInfo} */ (server.address());
  if (process.send) process.send({ port: actual });
  else console.log(`stand-in listening on http://127.0.0.1:${actual}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Exit with the parent: an orphaned stand-in must never outlive the benchmark.
process.on('disconnect', () => process.exit(0));
