import 'reflect-metadata';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Socket } from 'node:net';
import { Test } from '@nestjs/testing';
import { getWebcomToken, WebcomModule, WebcomService, type Channel } from '../../lib/index.js';
import { installTestOtel, messageCounts, pointsOf, type TestOtel } from '../support/otel.js';
import { RecordingGateway, successAnswer } from '../support/recording-gateway.js';

const CREDENTIALS = { user: 'shop', password: 'pw' };
const phones = (count: number) =>
  Array.from({ length: count }, (_, i) => `7999${String(i).padStart(7, '0')}`);

const NEWCOMER = {
  type: 'individual' as const,
  login: 'newcomer',
  password: 'Fresh&Pass9',
  name: 'Ann Lee',
  city: 'Kazan',
  phone: '+7 999 123 45 67',
  email: 'ann@example.com',
  actualAddress: 'Baumana 10, flat 1',
};

/**
 * The span active when an HTTP request starts: what undici or `http` instrumentation takes as the
 * parent of its own span. Node publishes the start of every `http` client request, and undici of
 * every request it creates.
 */
function watchHttpRequests(): { parents: (string | undefined)[]; stop(): void } {
  const parents: (string | undefined)[] = [];
  const onRequest = () => parents.push(trace.getActiveSpan()?.spanContext().spanId);
  const channels = ['http.client.request.start', 'undici:request:create'];
  for (const name of channels) subscribe(name, onRequest);
  return { parents, stop: () => channels.forEach((name) => unsubscribe(name, onRequest)) };
}

describe('WebcomService reporting to an OpenTelemetry SDK', () => {
  let otel: TestOtel;
  let gateway: RecordingGateway;
  let webcom: WebcomService;

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });

  afterAll(() => gateway.stop());

  beforeEach(() => {
    gateway.requests.splice(0);
    otel = installTestOtel();
    webcom = new WebcomService({
      credentials: CREDENTIALS,
      baseUrl: gateway.baseUrl,
      senders: { sms: 'Shop', viber: 'Shop', voice: 'Shop', telegram: 'Shop', whatsapp: 'Shop' },
      retries: 2,
    });
  });

  afterEach(async () => {
    webcom.onApplicationShutdown();
    gateway.answer = successAnswer;
    await otel.shutdown();
  });

  const spanNamed = (name: string): ReadableSpan => {
    const found = otel.spans().filter((span) => span.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it.each<[Channel, (to: string[]) => Promise<unknown>]>([
    ['sms', (to) => webcom.sendSms({ to, text: 'Hello' })],
    ['viber', (to) => webcom.sendViber({ to, text: 'Hello' })],
    ['voice', (to) => webcom.sendVoice({ to, text: 'Hello' })],
    ['flashcall', (to) => webcom.sendFlashcall({ to })],
    ['telegram', (to) => webcom.sendTelegram({ to, text: 'Hello' })],
    ['whatsapp', (to) => webcom.sendWhatsapp({ to, text: 'Hello' })],
  ])(
    'reports a %s send as a CLIENT span under the caller’s, the HTTP request inside it',
    async (channel, send) => {
      const caller = trace.getTracer('app').startSpan('POST /orders');
      const http = watchHttpRequests();
      try {
        await context.with(trace.setSpan(context.active(), caller), () => send(phones(2)));
      } finally {
        http.stop();
        caller.end();
      }
      const span = spanNamed(`send ${channel}`);
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
      expect(span.attributes).toEqual({
        'messaging.system': 'webcom',
        'messaging.operation.name': 'send',
        'messaging.operation.type': 'send',
        'messaging.batch.message_count': 2,
        'webcom.channel': channel,
        'webcom.account': 'default',
        'server.address': '127.0.0.1',
        'server.port': Number(new URL(gateway.baseUrl).port),
        'http.response.status_code': 200,
      });
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(http.parents).toEqual([span.spanContext().spanId]);
    },
  );

  it('reports a cascade on its primary channel', async () => {
    await webcom.sendCascade({
      to: phones(1),
      primary: { channel: 'viber', text: 'Hi' },
      fallback: { channel: 'sms', text: 'Hi' },
    });
    expect(spanNamed('send viber').attributes['webcom.channel']).toBe('viber');
  });

  it('reports status, balance and registration as spans of their own', async () => {
    const http = watchHttpRequests();
    try {
      await webcom.getStatus('1000');
      await webcom.getBalance();
      await webcom.register(NEWCOMER);
    } finally {
      http.stop();
    }
    const spans = ['status', 'balance', 'register'].map(spanNamed);
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes['http.response.status_code']).toBe(200);
      expect(span.attributes['messaging.operation.type']).toBeUndefined();
    }
    expect(spans.map((span) => span.attributes['messaging.operation.name'])).toEqual([
      'status',
      'balance',
      'register',
    ]);
    expect(http.parents).toEqual(spans.map((span) => span.spanContext().spanId));
  });

  it('reports a registration the page refuses as ERROR with its status, though register resolves', async () => {
    gateway.answer = () => ({ status: 400, body: '<p>login: already taken</p>' });
    await expect(webcom.register(NEWCOMER)).resolves.toMatchObject({
      accepted: false,
      status: 400,
    });
    const span = spanNamed('register');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      'http.response.status_code': 400,
      'error.type': '400',
      'webcom.possibly_delivered': false,
    });
  });

  it('shows each request of a split send as a child span, the HTTP request inside it', async () => {
    webcom.onApplicationShutdown();
    webcom = new WebcomService({
      credentials: CREDENTIALS,
      baseUrl: gateway.baseUrl,
      senders: { sms: 'Shop' },
      maxUrlLength: 400,
    });
    const http = watchHttpRequests();
    try {
      await webcom.sendSms({ to: phones(40), text: 'Hello' });
    } finally {
      http.stop();
    }
    const parent = spanNamed('send sms');
    const requests = otel.spans().filter((span) => span.name === 'send sms request');
    expect(requests.length).toBe(gateway.requests.length);
    expect(requests.length).toBeGreaterThan(1);
    expect(parent.attributes['messaging.batch.message_count']).toBe(40);
    expect(parent.attributes['http.response.status_code']).toBeUndefined();
    const recipients = requests.map((span) => span.attributes['messaging.batch.message_count']);
    expect(recipients.reduce((sum, n) => Number(sum) + Number(n), 0)).toBe(40);
    expect(new Set(requests.map((span) => span.attributes['webcom.request.index'])).size).toBe(
      requests.length,
    );
    for (const request of requests) {
      expect(request.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(request.attributes['webcom.request.count']).toBe(requests.length);
      expect(request.attributes['http.response.status_code']).toBe(200);
    }
    expect(new Set(http.parents)).toEqual(new Set(requests.map((s) => s.spanContext().spanId)));
  });

  it('marks a split send that partly failed ERROR, with the failed request’s status on its span', async () => {
    webcom.onApplicationShutdown();
    webcom = new WebcomService({
      credentials: CREDENTIALS,
      baseUrl: gateway.baseUrl,
      senders: { sms: 'Shop' },
      maxUrlLength: 400,
    });
    gateway.answer = (request) =>
      request.params.get('dadr')!.startsWith('79990000000')
        ? { status: 400, body: 'refused' }
        : successAnswer(request);
    await expect(webcom.sendSms({ to: phones(40), text: 'Hello' })).rejects.toMatchObject({
      name: 'WebcomPartialSendError',
    });
    const parent = spanNamed('send sms');
    expect(parent.status.code).toBe(SpanStatusCode.ERROR);
    expect(parent.attributes).toMatchObject({
      'error.type': 'WebcomPartialSendError',
      'webcom.possibly_delivered': false,
    });
    const failed = otel
      .spans()
      .filter((span) => span.name === 'send sms request')
      .filter((span) => span.status.code === SpanStatusCode.ERROR);
    expect(failed).toHaveLength(1);
    expect(failed[0].attributes).toMatchObject({
      'webcom.request.index': 0,
      'http.response.status_code': 400,
      'error.type': '400',
    });
  });

  it('shows each retry as an event on the call’s span, and the failure it ended in', async () => {
    gateway.answer = () => ({ status: 503, body: 'busy', headers: { 'retry-after': '0' } });
    await expect(webcom.getBalance()).rejects.toMatchObject({ status: 503 });
    const span = spanNamed('balance');
    expect(span.events.map((event) => event.attributes)).toEqual([
      { 'webcom.retry.attempt': 1, 'webcom.retry.reason': '503', 'webcom.retry.delay_ms': 0 },
      { 'webcom.retry.attempt': 2, 'webcom.retry.reason': '503', 'webcom.retry.delay_ms': 0 },
    ]);
    expect(span.events.map((event) => event.name)).toEqual(['webcom.retry', 'webcom.retry']);
    expect(span.attributes).toMatchObject({
      'http.request.resend_count': 2,
      'http.response.status_code': 503,
      'error.type': '503',
      'webcom.possibly_delivered': false,
    });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('names a connection reset, retried for a read, by its error code', async () => {
    const resetting = await resettingServer();
    webcom.onApplicationShutdown();
    webcom = new WebcomService({
      credentials: CREDENTIALS,
      baseUrl: resetting.baseUrl,
      retries: 1,
    });
    try {
      await expect(webcom.getStatus('1')).rejects.toMatchObject({ code: 'ECONNRESET' });
    } finally {
      await resetting.stop();
    }
    const span = spanNamed('status');
    expect(span.events.map((event) => event.attributes?.['webcom.retry.reason'])).toEqual([
      'ECONNRESET',
    ]);
    expect(span.attributes).toMatchObject({
      'error.type': 'ECONNRESET',
      'webcom.possibly_delivered': false,
    });
    expect(span.attributes['http.response.status_code']).toBeUndefined();
  });

  it('counts messages by channel and outcome, times each operation, and gauges the balance', async () => {
    await webcom.sendSms({ to: phones(3), text: 'Hello' });
    await webcom.sendViber({ to: phones(1), text: 'Hello' });
    gateway.answer = () => ({ status: 400, body: 'no' });
    await expect(webcom.sendSms({ to: phones(2), text: 'Hello' })).rejects.toThrow();
    gateway.answer = successAnswer;
    await webcom.getBalance();

    const recorded = await otel.metrics();
    const messages = messageCounts(recorded);
    expect(messages).toEqual(
      expect.arrayContaining([
        ['sms', 'sent', 3],
        ['viber', 'sent', 1],
        ['sms', 'failed', 2],
      ]),
    );
    expect(messages).toHaveLength(3);
    const durations = pointsOf(recorded.get('messaging.client.operation.duration')).map((point) => [
      point.attributes['messaging.operation.name'],
      point.attributes['webcom.channel'],
      point.attributes['webcom.operation.outcome'],
      (point.value as { count: number }).count,
    ]);
    expect(durations).toEqual(
      expect.arrayContaining([
        ['send', 'sms', 'success', 1],
        ['send', 'viber', 'success', 1],
        ['send', 'sms', 'failed', 1],
        ['balance', undefined, 'success', 1],
      ]),
    );
    // successAnswer's balance read says 143777.36.
    expect(
      pointsOf(recorded.get('webcom.account.balance')).map((point) => [
        point.attributes['webcom.account'],
        point.value,
      ]),
    ).toEqual([['default', 143777.36]]);
  });

  it('reports an ambiguous acceptance as possibly delivered, in the span and the counter', async () => {
    gateway.answer = () => ({
      body: JSON.stringify({ information: [{ id_message: '1', price: '1' }], balance: '5' }),
    });
    await expect(webcom.sendSms({ to: phones(3), text: 'Hello' })).rejects.toMatchObject({
      name: 'WebcomAmbiguousSendError',
    });
    const span = spanNamed('send sms');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      'http.response.status_code': 200,
      'error.type': 'WebcomAmbiguousSendError',
      'webcom.possibly_delivered': true,
    });
    const messages = pointsOf((await otel.metrics()).get('webcom.messages'));
    expect(
      messages.map((point) => [point.attributes['webcom.message.outcome'], point.value]),
    ).toEqual([['possibly_delivered', 3]]);
  });

  it('reports a send answered 502 as possibly delivered (D14), a 429 as a refusal', async () => {
    gateway.answer = () => ({ status: 502, body: 'Bad Gateway' });
    await expect(webcom.sendSms({ to: phones(2), text: 'Hello' })).rejects.toMatchObject({
      status: 502,
      possiblyDelivered: true,
    });
    expect(spanNamed('send sms').attributes).toMatchObject({
      'error.type': '502',
      'webcom.possibly_delivered': true,
    });
    gateway.answer = () => ({ status: 429, body: 'slow down' });
    await expect(webcom.sendViber({ to: phones(1), text: 'Hello' })).rejects.toMatchObject({
      status: 429,
      possiblyDelivered: false,
    });
    expect(spanNamed('send viber').attributes).toMatchObject({
      'error.type': '429',
      'webcom.possibly_delivered': false,
    });
    const messages = pointsOf((await otel.metrics()).get('webcom.messages'));
    expect(
      messages.map((point) => [point.attributes['webcom.message.outcome'], point.value]).sort(),
    ).toEqual([
      ['failed', 1],
      ['possibly_delivered', 2],
    ]);
  });

  it('names the account a span and the balance gauge belong to', async () => {
    const script = new WebcomService(
      { credentials: CREDENTIALS, baseUrl: gateway.baseUrl },
      'bulk',
    );
    const moduleRef = await Test.createTestingModule({
      imports: [
        WebcomModule.forRoot({
          credentials: CREDENTIALS,
          baseUrl: gateway.baseUrl,
          name: 'marketing',
        }),
      ],
    }).compile();
    try {
      await script.getBalance();
      await moduleRef.get<WebcomService>(getWebcomToken('marketing')).getBalance();
    } finally {
      script.onApplicationShutdown();
      await moduleRef.close();
    }
    expect(otel.spans().map((span) => span.attributes['webcom.account'])).toEqual([
      'bulk',
      'marketing',
    ]);
  });

  it('makes no span for input refused before any request', async () => {
    await expect(webcom.sendSms({ to: ['not a number'], text: 'x' })).rejects.toMatchObject({
      name: 'WebcomValidationError',
    });
    expect(otel.spans()).toEqual([]);
    expect(gateway.requests).toHaveLength(0);
  });
});

/** A server that accepts each connection and resets it at once. */
async function resettingServer(): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => socket.resetAndDestroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
