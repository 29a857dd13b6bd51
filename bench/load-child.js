// One client under closed-loop load for a while, alone in its process: for `--cpu-prof`.
//   node --cpu-prof bench/load-child.js --base-url URL --client ours|hand|raw
//        [--concurrency 16] [--seconds 5] [--nest-default-logger]
// --nest-default-logger: ours with Nest's default log levels (debug included), as an app that
// does not set `logger` gets them, and `logRequests: true`, so that each request writes its
// debug line; run with stdout to /dev/null.
import { parseArgs } from './lib/common.js';
import { createHand, createOurs, createRaw } from './lib/clients.js';
import { measureThroughput } from './lib/throughput.js';

const args = parseArgs();
const create = { ours: createOurs, hand: createHand, raw: createRaw }[args.client ?? 'ours'];
if (!args['base-url'] || !create) {
  console.error('usage: node bench/load-child.js --base-url URL --client ours|hand|raw');
  process.exit(2);
}
const client =
  args['nest-default-logger'] && create === createOurs
    ? await createOurs(args['base-url'], { logRequests: true }, [
        'log',
        'error',
        'warn',
        'debug',
        'verbose',
        'fatal',
      ])
    : await create(args['base-url']);
const concurrency = Number(args.concurrency ?? 16);
const seconds = Number(args.seconds ?? 5);
const res = await measureThroughput([client], {
  concurrencies: [concurrency],
  runs: 1,
  durationMs: seconds * 1000,
  warmupMs: 500,
});
await client.close();
const { rps, cpuUs, p50, p99 } = res[concurrency][client.name];
const line = JSON.stringify({ client: client.name, concurrency, rps, cpuUs, p50, p99 });
// With the default logger stdout carries the debug lines; the result also goes to stderr.
if (args['nest-default-logger']) console.error(line);
console.log(line);
