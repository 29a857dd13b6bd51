// Per-call CPU cost without the network: what one one-recipient sendSms costs before and after
// the socket, on the library's own internals from dist/ and on the same work done by hand.
import { performance } from 'node:perf_hooks';
import 'reflect-metadata';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CREDENTIALS, ONE_RECIPIENT, ROOT_DIR, SENDER, TEXT, median } from './common.js';
import { handDecode, handQuery } from './clients.js';

const DEFAULT_DIST = path.join(ROOT_DIR, 'dist');
const load = (distDir, file) => import(pathToFileURL(path.join(distDir, file)).href);

/** The stand-in's answer to a one-recipient send. */
export const ONE_ANSWER =
  '{"information":[{"id_message":"1","price":"2.5000000"}],"balance":"100.00"}';

/**
 * The real module and `WebcomService` of the build in `distDir`, on a transport that answers
 * every call at once with `ONE_ANSWER`: validation, encoding and decoding, no socket, no axios.
 */
export async function serviceOnInstantTransport(distDir = DEFAULT_DIST) {
  const { Test } = await import('@nestjs/testing');
  const { WebcomModule, WebcomService, getWebcomProviderToken } = await load(distDir, 'index.js');
  const moduleRef = await Test.createTestingModule({
    imports: [
      WebcomModule.forRoot({
        credentials: CREDENTIALS,
        baseUrl: 'http://127.0.0.1:1',
        senders: { sms: SENDER },
      }),
    ],
  })
    .overrideProvider(getWebcomProviderToken('transport'))
    .useValue({ get: async () => ({ status: 200, body: ONE_ANSWER }), close: () => undefined })
    .compile();
  return { service: moduleRef.get(WebcomService), close: () => moduleRef.close() };
}
const SEND_URL = 'http://127.0.0.1:1/sendsms.php';
const MAX_URL_LENGTH = 8000;

/**
 * The paths measured, each a zero-argument function doing one call's work. Loaded from dist/
 * lazily, so a build must exist.
 */
export async function loadPaths(distDir = DEFAULT_DIST) {
  const dist = (file) => load(distDir, file);
  const [{ validateDto }, { SendSmsDto }, encode, query, { decodeSend }] = await Promise.all([
    dist('dto/validate.js'),
    dist('dto/send.dto.js'),
    dist('protocol/encode.js'),
    dist('protocol/query.js'),
    dist('protocol/decode.js'),
  ]);
  const { encodeSend, credentialParams } = encode;
  const { encodeQuery, planSendRequests } = query;
  const senders = { sms: SENDER };
  // As WebcomService does: the credentials are encoded once, at construction.
  const credentialQuery = encodeQuery(credentialParams(CREDENTIALS));
  const input = () => ({ to: ONE_RECIPIENT, text: TEXT });

  const validate = () => validateDto(SendSmsDto, input());
  const encodeAll = (dto) => {
    const wire = encodeSend('sms', dto, senders);
    const leading = `${credentialQuery}&${encodeQuery(wire.params)}`;
    const plans = planSendRequests(SEND_URL, leading, wire, MAX_URL_LENGTH);
    return `${SEND_URL}?${plans[0].query}`;
  };
  const validated = validate();
  const ours = () => {
    const url = encodeAll(validate());
    const result = decodeSend(ONE_ANSWER);
    return url.length + result.messages.length;
  };
  const hand = () => {
    const url = `${SEND_URL}?${handQuery(ONE_RECIPIENT)}`;
    return url.length + handDecode(ONE_ANSWER).length;
  };
  return {
    ours,
    hand,
    breakdown: {
      'ours: validateDto(SendSmsDto)': validate,
      'ours: encodeSend + encodeQuery + planSendRequests': () => encodeAll(validated).length,
      'ours: decodeSend': () => decodeSend(ONE_ANSWER).messages.length,
      'hand: URLSearchParams query': () => handQuery(ONE_RECIPIENT).length,
      'hand: JSON.parse + map': () => handDecode(ONE_ANSWER).length,
    },
  };
}

/**
 * WebcomService.sendSms end to end with its HTTP transport replaced by a stub that answers at
 * once: validation, encoding, decoding, the event stream, the concurrency helper and the merge,
 * without axios or sockets.
 */
export async function loadServiceStubPath(distDir = DEFAULT_DIST) {
  const { Logger } = await import('@nestjs/common');
  Logger.overrideLogger(['log', 'warn', 'error', 'fatal']);
  const { WebcomService } = await load(distDir, 'index.js');
  const service = new WebcomService({
    credentials: CREDENTIALS,
    baseUrl: 'http://127.0.0.1:1',
    senders: { sms: SENDER },
  });
  // The transport is private in TypeScript only; the stub keeps its contract. Builds before the
  // per-account providers held it on the service itself.
  const transport = service.account?.gateway.transport ?? service.transport;
  transport.get = async () => ({ status: 200, body: ONE_ANSWER });
  return async () => (await service.sendSms({ to: ONE_RECIPIENT, text: TEXT })).messages.length;
}

let sink = 0;

/**
 * µs per call of `fn` (sync or async), median of `runs` runs of `iterations` calls. `us` is CPU
 * time (user + system, process.cpuUsage), which is what the section measures and which other
 * processes competing for the cores disturb far less than the clock; `wallUs` is the clock.
 */
export async function timePerCall(fn, { iterations, runs, warmup = iterations }) {
  const isAsync = fn.constructor.name === 'AsyncFunction';
  const once = async (n) => {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    if (isAsync) for (let i = 0; i < n; i++) sink += await fn();
    else for (let i = 0; i < n; i++) sink += fn();
    const wall = Number(process.hrtime.bigint() - t0) / 1000 / n;
    const cpu = process.cpuUsage(cpu0);
    return { us: (cpu.user + cpu.system) / n, wallUs: wall };
  };
  if (warmup > 0) await once(warmup);
  const samples = [];
  for (let r = 0; r < runs; r++) samples.push(await once(iterations));
  const cpu = samples.map((x) => x.us);
  return {
    us: median(cpu),
    min: Math.min(...cpu),
    max: Math.max(...cpu),
    wallUs: median(samples.map((x) => x.wallUs)),
  };
}

/** All rows of the per-call section; the two headline paths interleave run by run. */
export async function measureCpu({ iterations, runs }) {
  const paths = await loadPaths();
  const stub = await loadServiceStubPath();
  const rows = {};
  const main = {
    'ours: validate + encode + decode': paths.ours,
    'hand: URLSearchParams + JSON.parse': paths.hand,
  };
  for (const fn of Object.values(main)) await timePerCall(fn, { iterations, runs: 0 });
  const samples = Object.fromEntries(Object.keys(main).map((k) => [k, []]));
  for (let r = 0; r < runs; r++) {
    for (const [name, fn] of Object.entries(main)) {
      samples[name].push(await timePerCall(fn, { iterations, runs: 1, warmup: 0 }));
    }
  }
  for (const [name, list] of Object.entries(samples)) {
    const cpu = list.map((x) => x.us);
    rows[name] = {
      us: median(cpu),
      min: Math.min(...cpu),
      max: Math.max(...cpu),
      wallUs: median(list.map((x) => x.wallUs)),
    };
  }
  for (const [name, fn] of Object.entries(paths.breakdown)) {
    rows[name] = await timePerCall(fn, { iterations, runs });
  }
  rows['ours: WebcomService.sendSms, transport stubbed'] = await timePerCall(stub, {
    iterations,
    runs,
  });
  return rows;
}

/**
 * The stubbed service path in fresh processes, one per variant: a variant's `setup` module is
 * imported before the service is built, so what it installs process-wide (an OpenTelemetry
 * SDK, say) is measured against a process without it. Issue 14 adds its variant here, e.g.
 * `{ name: 'OpenTelemetry NodeSDK started', setup: 'bench/setup/otel.js' }`.
 */
export const SERVICE_VARIANTS = [{ name: 'no instrumentation', setup: undefined }];

// Run alone:
//   node bench/lib/cpu.js [--path ours|hand|stub] [--seconds N] [--dist DIR]   a loop, for --cpu-prof
//   node bench/lib/cpu.js --json [--dist DIR] [--iterations N] [--runs N]       µs/call as JSON
//   --setup FILE   a module imported first (see SERVICE_VARIANTS)
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { parseArgs } = await import('./common.js');
  const args = parseArgs();
  const distDir = args.dist ? path.resolve(String(args.dist)) : DEFAULT_DIST;
  if (args.setup) await import(pathToFileURL(path.resolve(ROOT_DIR, String(args.setup))).href);
  if (args.json) {
    const opts = { iterations: Number(args.iterations ?? 20_000), runs: Number(args.runs ?? 3) };
    const ours = await timePerCall((await loadPaths(distDir)).ours, opts);
    const stub = await timePerCall(await loadServiceStubPath(distDir), opts);
    console.log(JSON.stringify({ ours: ours.us, stub: stub.us }));
  } else {
    const which = args.path ?? 'ours';
    const fn =
      which === 'stub' ? await loadServiceStubPath(distDir) : (await loadPaths(distDir))[which];
    const until = performance.now() + Number(args.seconds ?? 5) * 1000;
    let calls = 0;
    while (performance.now() < until) {
      for (let i = 0; i < 1000; i++) sink += await fn();
      calls += 1000;
    }
    console.log(JSON.stringify({ path: which, calls, sink: sink > 0 }));
  }
}
