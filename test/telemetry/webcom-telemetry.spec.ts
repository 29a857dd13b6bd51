import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import {
  WebcomApiError,
  WebcomPartialSendError,
  WebcomTransportError,
} from '../../lib/errors/webcom-errors.js';
import { WebcomTelemetry } from '../../lib/telemetry/webcom-telemetry.js';
import { installTestOtel, messageCounts, pointsOf, type TestOtel } from '../support/otel.js';

const BASE_URL = 'https://gateway.example:8443';

/** An operation's or a request's body that does its work synchronously. */
const settled =
  <A extends unknown[], T>(body: (...args: A) => T) =>
  (...args: A): Promise<T> =>
    Promise.resolve(body(...args));

describe('WebcomTelemetry with an SDK registered', () => {
  let otel: TestOtel;

  beforeEach(() => {
    otel = installTestOtel();
  });

  afterEach(async () => {
    await otel.shutdown();
  });

  it('runs an operation in a CLIENT span, a child of the caller’s span, named after the conventions', async () => {
    const telemetry = new WebcomTelemetry(undefined, BASE_URL);
    const caller = trace.getTracer('app').startSpan('checkout');
    let activeInside: string | undefined;
    await context.with(trace.setSpan(context.active(), caller), () =>
      telemetry.operation({ operation: 'send', channel: 'sms', recipients: 3 }, (scope) =>
        scope.request(
          { index: 0, count: 1, recipients: 3 },
          settled((request) => {
            activeInside = trace.getActiveSpan()?.spanContext().spanId;
            request.answered(200);
            return 'ok';
          }),
        ),
      ),
    );
    caller.end();

    const [span] = otel.spans().filter((s) => s.name !== 'checkout');
    expect(span.name).toBe('send sms');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(span.spanContext().traceId).toBe(caller.spanContext().traceId);
    // The transport runs inside the span: HTTP instrumentation's spans become its children.
    expect(activeInside).toBe(span.spanContext().spanId);
    expect(span.attributes).toEqual({
      'messaging.system': 'webcom',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.batch.message_count': 3,
      'webcom.channel': 'sms',
      'webcom.account': 'default',
      'server.address': 'gateway.example',
      'server.port': 8443,
      'http.response.status_code': 200,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.instrumentationScope.name).toBe('nestjs-webcom');
    expect(span.instrumentationScope.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('names a read after its operation and counts no batch for a single recipient', async () => {
    const telemetry = new WebcomTelemetry('marketing', 'https://gateway.example');
    await telemetry.operation(
      { operation: 'balance' },
      settled((scope) => scope.answered(200)),
    );
    await telemetry.operation({ operation: 'send', channel: 'viber', recipients: 1 }, (scope) =>
      scope.request({ index: 0, count: 1, recipients: 1 }, () => Promise.resolve()),
    );
    const [balance, send] = otel.spans();
    expect(balance.name).toBe('balance');
    expect(balance.attributes['messaging.operation.type']).toBeUndefined();
    expect(balance.attributes['webcom.account']).toBe('marketing');
    expect(balance.attributes['server.port']).toBe(443);
    expect(send.attributes['messaging.batch.message_count']).toBeUndefined();
  });

  it('marks a failed operation ERROR with the error type, the HTTP status and possibly-delivered', async () => {
    const telemetry = new WebcomTelemetry(undefined, BASE_URL);
    const timeout = new WebcomTransportError('ETIMEDOUT', true, 'no answer');
    await expect(
      telemetry.operation({ operation: 'send', channel: 'sms', recipients: 2 }, (scope) =>
        scope.request({ index: 0, count: 1, recipients: 2 }, () => Promise.reject(timeout)),
      ),
    ).rejects.toBe(timeout);
    const refusal = new WebcomApiError(503, 'busy');
    await expect(
      telemetry.operation({ operation: 'status' }, () => Promise.reject(refusal)),
    ).rejects.toBe(refusal);

    const [send, status] = otel.spans();
    expect(send.status.code).toBe(SpanStatusCode.ERROR);
    expect(send.attributes['error.type']).toBe('ETIMEDOUT');
    expect(send.attributes['webcom.possibly_delivered']).toBe(true);
    expect(send.attributes['http.response.status_code']).toBeUndefined();
    expect(send.events).toEqual([]);
    expect(status.status.code).toBe(SpanStatusCode.ERROR);
    expect(status.attributes['error.type']).toBe('503');
    expect(status.attributes['http.response.status_code']).toBe(503);
    expect(status.attributes['webcom.possibly_delivered']).toBe(false);
  });

  it('shows each request of a split send as a child span, failures on the one that failed', async () => {
    const telemetry = new WebcomTelemetry(undefined, BASE_URL);
    const refused = new WebcomApiError(400, 'bad');
    const partial = new WebcomPartialSendError({ messages: [] }, [{ to: ['x'], error: refused }]);
    await expect(
      telemetry.operation({ operation: 'send', channel: 'sms', recipients: 5 }, async (scope) => {
        const outcomes = await Promise.allSettled([
          scope.request(
            { index: 0, count: 2, recipients: 3 },
            settled((request) => request.answered(200)),
          ),
          scope.request({ index: 1, count: 2, recipients: 2 }, () => Promise.reject(refused)),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
        throw partial;
      }),
    ).rejects.toBe(partial);

    const spans = otel.spans();
    const parent = spans.find((s) => s.name === 'send sms')!;
    const requests = spans.filter((s) => s.name === 'send sms request');
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      expect(request.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    }
    const [first, second] = [...requests].sort(
      (a, b) =>
        Number(a.attributes['webcom.request.index']) - Number(b.attributes['webcom.request.index']),
    );
    expect(first.attributes).toMatchObject({
      'webcom.request.index': 0,
      'webcom.request.count': 2,
      'messaging.batch.message_count': 3,
      'http.response.status_code': 200,
    });
    expect(first.status.code).toBe(SpanStatusCode.UNSET);
    expect(second.status.code).toBe(SpanStatusCode.ERROR);
    expect(second.attributes).toMatchObject({
      'error.type': '400',
      'http.response.status_code': 400,
    });
    expect(parent.status.code).toBe(SpanStatusCode.ERROR);
    expect(parent.attributes['error.type']).toBe('WebcomPartialSendError');
    expect(parent.attributes['webcom.possibly_delivered']).toBe(false);
    expect(parent.attributes['http.response.status_code']).toBeUndefined();
  });

  it('puts a retry on the span of the request being retried, with its attempt and reason', async () => {
    const telemetry = new WebcomTelemetry(undefined, BASE_URL);
    await telemetry.operation(
      { operation: 'status' },
      settled(() => {
        telemetry.retried({ attempt: 1, reason: 503, delayMs: 12.4 });
        telemetry.retried({ attempt: 2, reason: 'ECONNRESET', delayMs: 40 });
        telemetry.retried({ attempt: 3, reason: 'not a code: 79991234567', delayMs: 80 });
      }),
    );
    const [span] = otel.spans();
    expect(span.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'webcom.retry',
        { 'webcom.retry.attempt': 1, 'webcom.retry.reason': '503', 'webcom.retry.delay_ms': 12 },
      ],
      [
        'webcom.retry',
        {
          'webcom.retry.attempt': 2,
          'webcom.retry.reason': 'ECONNRESET',
          'webcom.retry.delay_ms': 40,
        },
      ],
      [
        'webcom.retry',
        { 'webcom.retry.attempt': 3, 'webcom.retry.reason': '_OTHER', 'webcom.retry.delay_ms': 80 },
      ],
    ]);
    expect(span.attributes['http.request.resend_count']).toBe(3);
  });

  it('counts messages by channel and outcome, and times operations by outcome', async () => {
    const telemetry = new WebcomTelemetry(undefined, BASE_URL);
    const send = (recipients: number, error?: Error) =>
      telemetry
        .operation({ operation: 'send', channel: 'sms', recipients }, (scope) =>
          scope.request({ index: 0, count: 1, recipients }, () =>
            error ? Promise.reject(error) : Promise.resolve(),
          ),
        )
        .catch(() => undefined);
    await send(3);
    await send(2, new WebcomApiError(400, 'no'));
    await send(4, new WebcomTransportError('ECONNRESET', true, 'reset'));
    await send(1, new WebcomTransportError('ECONNREFUSED', false, 'refused'));
    await telemetry.operation({ operation: 'balance' }, () => Promise.resolve());

    const recorded = await otel.metrics();
    const messages = messageCounts(recorded);
    expect(messages).toEqual(
      expect.arrayContaining([
        ['sms', 'sent', 3],
        ['sms', 'failed', 3],
        ['sms', 'possibly_delivered', 4],
      ]),
    );
    expect(messages).toHaveLength(3);

    const duration = recorded.get('messaging.client.operation.duration') as HistogramMetricData;
    expect(duration.descriptor.unit).toBe('s');
    const byOutcome = pointsOf(duration).map((p) => [
      p.attributes['messaging.operation.name'],
      p.attributes['webcom.operation.outcome'],
      p.attributes['error.type'],
      (p.value as { count: number }).count,
    ]);
    expect(byOutcome).toEqual(
      expect.arrayContaining([
        ['send', 'success', undefined, 1],
        ['send', 'failed', '400', 1],
        ['send', 'possibly_delivered', 'ECONNRESET', 1],
        ['send', 'failed', 'ECONNREFUSED', 1],
        ['balance', 'success', undefined, 1],
      ]),
    );
  });

  it('reports the last balance seen per account until the account closes', async () => {
    const main = new WebcomTelemetry(undefined, BASE_URL);
    const marketing = new WebcomTelemetry('marketing', BASE_URL);
    main.balanceSeen(100.5);
    main.balanceSeen(98.25);
    marketing.balanceSeen(7);
    const balance = async () =>
      pointsOf((await otel.metrics()).get('webcom.account.balance')).map((p) => [
        p.attributes['webcom.account'],
        p.value,
      ]);
    expect(await balance()).toEqual(
      expect.arrayContaining([
        ['default', 98.25],
        ['marketing', 7],
      ]),
    );
    // Seen by a provider registered afterwards (the SDK keeps a gauge's last points): only the
    // account still open.
    marketing.close();
    await otel.shutdown();
    otel = installTestOtel();
    main.balanceSeen(97);
    expect(await balance()).toEqual([['default', 97]]);
    main.close();
  });
});

describe('WebcomTelemetry with no SDK registered', () => {
  it('runs the operation and hands back its result or its error, recording nothing', async () => {
    const telemetry = new WebcomTelemetry(undefined, BASE_URL);
    const result = await telemetry.operation({ operation: 'send', channel: 'sms' }, (scope) =>
      scope.request(
        { index: 0, count: 2, recipients: 2 },
        settled((request) => {
          request.answered(200);
          telemetry.retried({ attempt: 1, reason: 503, delayMs: 1 });
          expect(trace.getActiveSpan()?.isRecording() ?? false).toBe(false);
          return 42;
        }),
      ),
    );
    expect(result).toBe(42);
    const error = new WebcomApiError(500, 'x');
    await expect(
      telemetry.operation({ operation: 'status' }, () => Promise.reject(error)),
    ).rejects.toBe(error);
    telemetry.balanceSeen(1);
    telemetry.close();
  });
});

describe('WebcomTelemetry and an SDK registered after it', () => {
  it('reports to providers registered after it was built and had run', async () => {
    const telemetry = new WebcomTelemetry(undefined, BASE_URL);
    const send = () =>
      telemetry.operation({ operation: 'send', channel: 'sms', recipients: 2 }, (scope) =>
        scope.request({ index: 0, count: 1, recipients: 2 }, () => Promise.resolve()),
      );
    await send();
    const otel = installTestOtel();
    try {
      await send();
      expect(otel.spans().map((span) => span.name)).toEqual(['send sms']);
      const messages = pointsOf((await otel.metrics()).get('webcom.messages'));
      expect(messages.map((point) => point.value)).toEqual([2]);
    } finally {
      await otel.shutdown();
    }
  });
});
