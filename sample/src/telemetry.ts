import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { readNumber, readSetting } from './settings.js';

const TRACE_EXPORTERS = ['console', 'otlp', 'none'] as const;
const METRIC_EXPORTERS = ['console', 'none'] as const;

function readChoice<T extends string>(
  config: ConfigService,
  name: string,
  choices: readonly T[],
): T {
  const value = (readSetting(config, name) ?? 'none') as T;
  if (!choices.includes(value)) throw new Error(`${name} must be one of ${choices.join(', ')}`);
  return value;
}

/**
 * The app's OpenTelemetry SDK, as a team sets one up: what the library reports goes wherever the
 * app's providers send it. `OTEL_TRACES_EXPORTER` is `console`, `otlp` (to
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, default http://localhost:4318) or `none`;
 * `OTEL_METRICS_EXPORTER` is `console` or `none`. With neither set nothing is registered.
 * The library's tracer and meter follow providers registered after it was built, so this can
 * run as a provider of the app.
 */
@Injectable()
export class SampleTelemetry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Telemetry');
  private tracerProvider?: BasicTracerProvider;
  private meterProvider?: MeterProvider;
  private contextManager?: AsyncLocalStorageContextManager;

  constructor(private readonly config: ConfigService) {}

  onModuleInit(): void {
    const traces = readChoice(this.config, 'OTEL_TRACES_EXPORTER', TRACE_EXPORTERS);
    const metricExporter = readChoice(this.config, 'OTEL_METRICS_EXPORTER', METRIC_EXPORTERS);
    if (traces === 'none' && metricExporter === 'none') return;
    this.contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(this.contextManager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    if (traces !== 'none') {
      const processor: SpanProcessor =
        traces === 'console'
          ? new SimpleSpanProcessor(new ConsoleSpanExporter())
          : new BatchSpanProcessor(new OTLPTraceExporter());
      this.tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
      trace.setGlobalTracerProvider(this.tracerProvider);
    }
    if (metricExporter === 'console') {
      const reader = new PeriodicExportingMetricReader({
        exporter: new ConsoleMetricExporter(),
        exportIntervalMillis: readNumber(this.config, 'OTEL_METRIC_EXPORT_INTERVAL') ?? 60_000,
      });
      this.meterProvider = new MeterProvider({ readers: [reader] });
      metrics.setGlobalMeterProvider(this.meterProvider);
    }
    this.logger.log(`OpenTelemetry on: traces to ${traces}, metrics to ${metricExporter}`);
  }

  /** Exports what is buffered, then unregisters. */
  async onApplicationShutdown(): Promise<void> {
    await this.tracerProvider?.shutdown();
    await this.meterProvider?.shutdown();
    if (this.tracerProvider) trace.disable();
    if (this.meterProvider) metrics.disable();
    if (this.contextManager) {
      propagation.disable();
      context.disable();
    }
  }
}
