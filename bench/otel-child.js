// The per-call cost of the OpenTelemetry instrumentation, in one fresh process per sample:
// WebcomService.sendSms (one recipient) with its transport answering at once, so that the
// library's own work, telemetry included, is all that is timed.
//   node bench/otel-child.js --mode absent   @opentelemetry/api not installed (run with
//                                            --import ./bench/lib/hide-otel-api.mjs)
//   node bench/otel-child.js --mode api      the API installed, no SDK registered
//   node bench/otel-child.js --mode sdk      an SDK registered: tracer and meter providers,
//                                            AsyncLocalStorage context, in-memory span exporter
//   --iterations N   calls per sample (default 20000)
// Prints one JSON line: { mode, apiLoaded, us, wallUs, spans, bareSpanUs (sdk: one bare span) }.
import 'reflect-metadata';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ONE_RECIPIENT, ROOT_DIR, TEXT, parseArgs } from './lib/common.js';
import { serviceOnInstantTransport, timePerCall } from './lib/cpu.js';

const args = parseArgs();
const mode = String(args.mode ?? 'api');
const iterations = Number(args.iterations ?? 20_000);
const dist = (file) => import(pathToFileURL(path.join(ROOT_DIR, 'dist', file)).href);

let exporter;
if (mode === 'sdk') {
  const { context, metrics, trace } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } =
    await import('@opentelemetry/sdk-trace-base');
  const { MeterProvider, PeriodicExportingMetricReader, InMemoryMetricExporter } =
    await import('@opentelemetry/sdk-metrics');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  metrics.setGlobalMeterProvider(
    new MeterProvider({
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new InMemoryMetricExporter(0),
          exportIntervalMillis: 1_000,
        }),
      ],
    }),
  );
}

const { Logger } = await import('@nestjs/common');
Logger.overrideLogger(['error']);
const { otel } = await dist('telemetry/otel-api.js');
// The real module and service, but a transport that answers at once: no socket, no axios.
const { service, close } = await serviceOnInstantTransport();

let spans = 0;
let calls = 0;
const send = async () => {
  const { messages } = await service.sendSms({ to: ONE_RECIPIENT, text: TEXT });
  // The exporter keeps every span: emptied now and then, so memory stays flat.
  if (exporter && ++calls % 1_000 === 0) {
    spans += exporter.getFinishedSpans().length;
    exporter.reset();
  }
  return messages.length;
};
const measured = await timePerCall(send, { iterations, runs: 1 });
if (exporter) spans += exporter.getFinishedSpans().length;
// For scale: one span of the same SDK, started and ended, exported to the same memory.
let bareSpanUs;
if (exporter) {
  const { trace } = await import('@opentelemetry/api');
  const tracer = trace.getTracer('bench');
  let bare = 0;
  const span = () => {
    tracer.startSpan('bare').end();
    if (++bare % 1_000 === 0) exporter.reset();
    return 1;
  };
  bareSpanUs = (await timePerCall(span, { iterations, runs: 1 })).us;
}
await close();
console.log(
  JSON.stringify({
    mode,
    apiLoaded: otel !== undefined,
    us: measured.us,
    wallUs: measured.wallUs,
    spans,
    bareSpanUs,
  }),
);
process.exit(0);
