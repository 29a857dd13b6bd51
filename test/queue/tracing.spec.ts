import '../support/quiet-logs.js';
import { Test, type TestingModule } from '@nestjs/testing';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { getWebcomQueueToken, WebcomQueue, WebcomQueueModule } from '../../lib/queue/index.js';
import { FakeWebcomServer } from '../../lib/testing/fake-webcom-server.js';
import { installTestOtel, telemetryTexts, type TestOtel } from '../support/otel.js';
import { describeWithRedis, isolatedQueue, REDIS_URL, removeQueueKeys } from './support/redis.js';
import { buildWorkerDist, removeWorkerDist, WorkerProcess } from './support/worker-processes.js';

const CREDENTIALS = { user: 'shop', password: 'pw' };
const SPAN_PRINTER = join(
  dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'otel-span-printer.mjs',
);

/** A span as the worker process printed it. */
interface PrintedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status: number;
}

const printedSpans = (log: string): PrintedSpan[] =>
  log
    .split('\n')
    .filter((line) => line.startsWith('span '))
    .map((line) => JSON.parse(line.slice('span '.length)) as PrintedSpan);

describeWithRedis('a queued send traced across processes', () => {
  let dist: string;
  let otel: TestOtel;
  let producer: TestingModule | undefined;
  let worker: WorkerProcess | undefined;
  let fake: FakeWebcomServer | undefined;
  let names: { queueName: string; prefix: string };

  beforeAll(async () => {
    dist = await buildWorkerDist();
  }, 60_000);

  afterAll(async () => {
    await removeWorkerDist(dist);
  });

  beforeEach(() => {
    otel = installTestOtel();
  });

  afterEach(async () => {
    await worker?.close();
    await producer?.close();
    await fake?.stop();
    await removeQueueKeys(names.queueName, names.prefix);
    await otel.shutdown();
  });

  it('puts the enqueue, each job’s processing in the worker process and its gateway call in one trace', async () => {
    fake = await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 1000 }] });
    names = isolatedQueue('tracing');
    producer = await Test.createTestingModule({
      imports: [
        WebcomQueueModule.forRoot({
          ...names,
          connection: { url: REDIS_URL },
          runWorker: false,
          maxRecipientsPerJob: 2,
        }),
      ],
    }).compile();
    await producer.init();
    const queue = producer.get<WebcomQueue>(getWebcomQueueToken(names.queueName));
    worker = await WorkerProcess.start(dist, {
      baseUrl: fake.baseUrl,
      credentials: CREDENTIALS,
      queue: { ...names },
      preload: [SPAN_PRINTER],
    });

    const campaign = trace.getTracer('app').startSpan('POST /campaigns');
    const ids = await context.with(trace.setSpan(context.active(), campaign), () =>
      queue.enqueue('sms', {
        to: ['79990000001', '79990000002', '79990000003', '79990000004'],
        text: 'Spring sale',
      }),
    );
    campaign.end();
    expect(ids).toHaveLength(2);

    // Each job: a process span, then its send span, printed by the worker as they end.
    const deadline = Date.now() + 20_000;
    let spans = printedSpans(worker.log);
    while (spans.filter((span) => span.name.startsWith('process ')).length < 2) {
      if (Date.now() > deadline) throw new Error(`worker printed:\n${worker.log}`);
      await sleep(100);
      spans = printedSpans(worker.log);
    }

    const [enqueue] = otel.spans().filter((span) => span.name === `enqueue ${names.queueName}`);
    expect(enqueue.kind).toBe(SpanKind.PRODUCER);
    expect(enqueue.parentSpanContext?.spanId).toBe(campaign.spanContext().spanId);
    const traceId = campaign.spanContext().traceId;

    const processing = spans.filter((span) => span.name === `process ${names.queueName}`);
    const sends = spans.filter((span) => span.name === 'send sms');
    expect(processing).toHaveLength(2);
    expect(sends).toHaveLength(2);
    for (const span of [...processing, ...sends]) expect(span.traceId).toBe(traceId);
    for (const span of processing) {
      expect(span.kind).toBe(SpanKind.CONSUMER);
      expect(span.parentSpanId).toBe(enqueue.spanContext().spanId);
      expect(span.attributes).toMatchObject({
        'messaging.destination.name': names.queueName,
        'webcom.job.attempt': 1,
        'messaging.batch.message_count': 2,
      });
      expect(span.status).toBe(SpanStatusCode.UNSET);
    }
    expect(new Set(sends.map((span) => span.parentSpanId))).toEqual(
      new Set(processing.map((span) => span.spanId)),
    );
    // Neither the numbers nor the text are in any span, here or there.
    const everything = JSON.stringify([spans, telemetryTexts(otel.spans())]);
    for (const privateValue of ['7999000000', 'Spring sale']) {
      expect(everything).not.toContain(privateValue);
    }
    for (const span of sends) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toMatchObject({
        'http.response.status_code': 200,
        'messaging.batch.message_count': 2,
      });
    }
  }, 60_000);
});
