// A minimal Webcom gateway stand-in for the benchmark, run in a process of its own so that it
// never shares the client's event loop. It answers every GET /sendsms.php with one
// {"id_message","price"} per recipient of `dadr` (docs/protocol.md §3), nothing else.
//
//   node bench/stand-in.js [--port N]
//
// Started by run.js with an IPC channel: it reports {port} once listening. Any parent can also
// read and reset its counters over HTTP: GET /__stats -> {"requests":n,"recipients":m},
// GET /__reset. The counters exclude those two paths.
import http from 'node:http';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;

let requests = 0;
let recipients = 0;
let nextId = 1;

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
  if (url.startsWith('/__reset')) {
    requests = 0;
    recipients = 0;
    res.writeHead(200, HEADERS).end('{}');
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
