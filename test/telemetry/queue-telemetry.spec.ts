import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { WebcomApiError, WebcomTransportError } from '../../lib/errors/webcom-errors.js';
import { WebcomQueueTelemetry, type JobTraceContext } from '../../lib/queue/queue-telemetry.js';
import { WebcomTelemetry } from '../../lib/telemetry/webcom-telemetry.js';
import { installTestOtel, type TestOtel } from '../support/otel.js';

describe('WebcomQueueTelemetry', () => {
  let otel: TestOtel;

  beforeEach(() => {
    otel = installTestOtel();
  });

  afterEach(async () => {
    await otel.shutdown();
  });

  it('carries the enqueue’s context in the job, so processing and the gateway call join its trace', async () => {
    const queue = new WebcomQueueTelemetry('sms-out');
    const caller = trace.getTracer('app').startSpan('signup');
    const stored = await context.with(trace.setSpan(context.active(), caller), () =>
      queue.enqueue({ channel: 'sms', recipients: 3, parts: 2 }, (carried) =>
        // What reaches Redis: the job data as JSON.
        Promise.resolve(JSON.stringify({ trace: carried })),
      ),
    );
    caller.end();
    const carried = (JSON.parse(stored) as { trace: JobTraceContext }).trace;
    expect(Object.keys(carried)).toEqual(['traceparent']);

    // The worker, with nothing active of its own.
    const gateway = new WebcomTelemetry(undefined, 'https://gateway.example');
    await queue.process(
      carried,
      { channel: 'sms', recipients: 2, parts: 2, part: 1, attempt: 1 },
      () =>
        gateway.operation({ operation: 'send', channel: 'sms', recipients: 2 }, () =>
          Promise.resolve(),
        ),
    );

    const spans = otel.spans();
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    const enqueue = byName('enqueue sms-out');
    const processing = byName('process sms-out');
    const send = byName('send sms');
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(enqueue.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(processing.parentSpanContext?.spanId).toBe(enqueue.spanContext().spanId);
    expect(send.parentSpanContext?.spanId).toBe(processing.spanContext().spanId);
    expect(enqueue.kind).toBe(SpanKind.PRODUCER);
    expect(processing.kind).toBe(SpanKind.CONSUMER);
    expect(enqueue.attributes).toEqual({
      'messaging.system': 'webcom',
      'messaging.destination.name': 'sms-out',
      'messaging.operation.name': 'enqueue',
      'messaging.operation.type': 'send',
      'messaging.batch.message_count': 3,
      'webcom.channel': 'sms',
      'webcom.job.parts': 2,
    });
    expect(processing.attributes).toEqual({
      'messaging.system': 'webcom',
      'messaging.destination.name': 'sms-out',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.batch.message_count': 2,
      'webcom.channel': 'sms',
      'webcom.job.part': 1,
      'webcom.job.parts': 2,
      'webcom.job.attempt': 1,
    });
  });

  it('carries the trace context only, never the baggage the app’s propagator also writes', async () => {
    propagation.setGlobalPropagator(
      new CompositePropagator({
        propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
      }),
    );
    const queue = new WebcomQueueTelemetry('q');
    const withBaggage = propagation.setBaggage(
      context.active(),
      propagation.createBaggage({ 'user.phone': { value: '79991234567' } }),
    );
    const carried = await context.with(withBaggage, () =>
      queue.enqueue({ channel: 'sms', recipients: 1, parts: 1 }, (trace) => Promise.resolve(trace)),
    );
    expect(Object.keys(carried!)).toEqual(['traceparent']);
  });

  it('keeps the tracestate, and starts a trace of its own for a job that carries none', async () => {
    const queue = new WebcomQueueTelemetry('q');
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await queue.process(
      { traceparent, tracestate: 'vendor=abc' },
      { channel: 'sms', recipients: 1, parts: 1 },
      () => Promise.resolve(),
    );
    await queue.process(undefined, { channel: 'sms', recipients: 1, parts: 1 }, () =>
      Promise.resolve(),
    );
    const [carried, fresh] = otel.spans();
    expect(carried.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(carried.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(carried.spanContext().traceState?.serialize()).toBe('vendor=abc');
    expect(fresh.parentSpanContext).toBeUndefined();
  });

  it('marks a failed job ERROR, and carries no context with no tracer provider registered', async () => {
    const queue = new WebcomQueueTelemetry('q');
    const error = new WebcomTransportError('ECONNRESET', true, 'reset');
    await expect(
      queue.process(undefined, { channel: 'viber', recipients: 1, parts: 1 }, () =>
        Promise.reject(error),
      ),
    ).rejects.toBe(error);
    const [span] = otel.spans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      'error.type': 'ECONNRESET',
      'webcom.possibly_delivered': true,
    });

    // As the worker fails a job for good: the reason recorded, another error thrown to BullMQ.
    otel.reset();
    const unrecoverable = new Error('possibly delivered, not retried');
    await expect(
      queue.process(undefined, { channel: 'sms', recipients: 1, parts: 1 }, (job) => {
        job.failed(new WebcomApiError(502, 'bad gateway'), true);
        return Promise.reject(unrecoverable);
      }),
    ).rejects.toBe(unrecoverable);
    expect(otel.spans()[0].attributes).toMatchObject({
      'error.type': '502',
      'webcom.possibly_delivered': true,
    });

    trace.disable();
    let carried: JobTraceContext | undefined = { traceparent: 'unset' };
    await queue.enqueue({ channel: 'sms', recipients: 1, parts: 1 }, (trace) => {
      carried = trace;
      return Promise.resolve();
    });
    expect(carried).toBeUndefined();
    // A job that carries a context is still run, and no span is recorded for it.
    otel.reset();
    const result = await queue.process(
      { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      { channel: 'sms', recipients: 1, parts: 1 },
      (job) => {
        job.failed(new Error('recorded nowhere'), false);
        return Promise.resolve('sent');
      },
    );
    expect(result).toBe('sent');
    expect(otel.spans()).toEqual([]);
  });
});
