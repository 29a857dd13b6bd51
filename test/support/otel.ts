import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** A reader that exports when the test asks, cumulatively: each collect sees every total. */
class TestMetricReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** An app's OpenTelemetry SDK as the tests install it: in-memory span and metric exporters. */
export interface TestOtel {
  spans(): ReadableSpan[];
  /** Every metric recorded so far, by name. */
  metrics(): Promise<Map<string, MetricData>>;
  reset(): void;
  shutdown(): Promise<void>;
}

/** Registers a global tracer provider, meter provider, context manager and W3C propagator. */
export function installTestOtel(): TestOtel {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans: () => exporter.getFinishedSpans(),
    async metrics() {
      const { resourceMetrics } = await reader.collect();
      const byName = new Map<string, MetricData>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
      }
      return byName;
    },
    reset: () => exporter.reset(),
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      contextManager.disable();
    },
  };
}

/** The data points of a metric, or none if it was never recorded. */
export function pointsOf(metric: MetricData | undefined): DataPoint<unknown>[] {
  return metric?.dataPoints ?? [];
}

/** `webcom.messages` as [channel, outcome, count] rows, the way the tests compare them. */
export function messageCounts(recorded: Map<string, MetricData>): unknown[][] {
  return pointsOf(recorded.get('webcom.messages')).map((point) => [
    point.attributes['webcom.channel'],
    point.attributes['webcom.message.outcome'],
    point.value,
  ]);
}

/** Every string a span or metric carries: names, attribute keys and values, events, status. */
export function telemetryTexts(
  spans: ReadableSpan[],
  metricData: Iterable<MetricData> = [],
): string[] {
  const texts: string[] = [];
  const attributes = (attrs: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(attrs)) texts.push(key, JSON.stringify(value));
  };
  for (const span of spans) {
    texts.push(span.name, span.status.message ?? '', JSON.stringify(span.status));
    attributes(span.attributes);
    for (const event of span.events) {
      texts.push(event.name);
      attributes(event.attributes ?? {});
    }
    for (const link of span.links) attributes(link.attributes ?? {});
  }
  for (const metric of metricData) {
    texts.push(metric.descriptor.name, metric.descriptor.description, metric.descriptor.unit);
    for (const point of metric.dataPoints) attributes(point.attributes);
  }
  return texts;
}
