// Section "OpenTelemetry" of the benchmark: what the instrumentation costs per call, with the API
// absent, with the API and no SDK, and with an SDK exporting to memory. Each sample runs in a
// fresh process (the SDK's providers are process-wide); the modes interleave sample by sample,
// so that load from elsewhere on the machine falls on each alike.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, fmt, median, runNodeJson, table } from './lib/common.js';

/** @type {{ mode: string; label: string; nodeArgs: string[] }[]} */
const MODES = [
  {
    mode: 'absent',
    label: '@opentelemetry/api not installed',
    nodeArgs: ['--import', pathToFileURL(path.join(BENCH_DIR, 'lib', 'hide-otel-api.mjs')).href],
  },
  { mode: 'api', label: 'API installed, no SDK registered', nodeArgs: [] },
  { mode: 'sdk', label: 'SDK registered, in-memory exporter', nodeArgs: [] },
];

/** Runs the section; `log` prints. Returns the figures by mode. */
export async function otelSection({ quick, log, runs }) {
  const iterations = quick ? 2_000 : 20_000;
  const samples = runs ?? (quick ? 2 : 5);
  log(
    `\n## OpenTelemetry: per-call cost of WebcomService.sendSms, transport stubbed (${samples} fresh processes of ${fmt(iterations)} calls per mode; median)\n`,
  );
  const script = path.join(BENCH_DIR, 'otel-child.js');
  const results = Object.fromEntries(MODES.map(({ mode }) => [mode, []]));
  for (let r = 0; r < samples; r++) {
    for (const { mode, nodeArgs } of MODES) {
      const result = await runNodeJson(
        script,
        ['--mode', mode, '--iterations', String(iterations)],
        nodeArgs,
      );
      if ((mode === 'absent') === result.apiLoaded) {
        throw new Error(
          `otel-child --mode ${mode}: the API was ${result.apiLoaded ? '' : 'not '}loaded`,
        );
      }
      if (mode === 'sdk' && result.spans < iterations) {
        throw new Error(
          `otel-child --mode sdk exported ${result.spans} spans for ${iterations} calls`,
        );
      }
      results[mode].push(result);
    }
  }
  const figures = Object.fromEntries(
    MODES.map(({ mode }) => [
      mode,
      {
        us: median(results[mode].map((x) => x.us)),
        wallUs: median(results[mode].map((x) => x.wallUs)),
        samples: results[mode].map((x) => Number(x.us.toFixed(2))),
        ...(mode === 'sdk' ? { bareSpanUs: median(results[mode].map((x) => x.bareSpanUs)) } : {}),
      },
    ]),
  );
  const base = figures.absent.us;
  log(
    table(
      ['mode', 'CPU µs/call (median)', 'vs not installed', 'wall µs/call', 'samples µs'],
      MODES.map(({ mode, label }) => [
        label,
        fmt(figures[mode].us, 2),
        mode === 'absent'
          ? ''
          : `${figures[mode].us - base >= 0 ? '+' : ''}${fmt(figures[mode].us - base, 2)} µs`,
        fmt(figures[mode].wallUs, 2),
        figures[mode].samples.join(', '),
      ]),
      ['l', 'r', 'r', 'r', 'l'],
    ),
  );
  log(
    `\nFor scale, one bare span of the same SDK (startSpan + end, exported to memory): ${fmt(figures.sdk.bareSpanUs, 2)} µs.`,
  );
  log(
    '\nWith an SDK, each call records a CLIENT span (exported to memory), a duration histogram point and a\n' +
      'message counter point. A real call adds a gateway round trip, which dwarfs all three modes.',
  );
  return figures;
}

// Run alone: node bench/otel.js [--quick] [--runs N]   (needs a build: npm run build)
if (process.argv[1] && path.resolve(process.argv[1]) === path.join(BENCH_DIR, 'otel.js')) {
  const { parseArgs } = await import('./lib/common.js');
  const args = parseArgs();
  await otelSection({
    quick: Boolean(args.quick),
    log: (...parts) => console.log(...parts),
    runs: args.runs ? Number(args.runs) : undefined,
  });
}
