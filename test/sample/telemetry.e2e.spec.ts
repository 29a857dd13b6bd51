import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { trace } from '@opentelemetry/api';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AppModule } from '../../sample/src/app.module.js';

/** A stand-in OpenTelemetry collector: records what reaches its OTLP/HTTP traces endpoint. */
async function startCollector(): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, server };
}

async function startSample(environment: Record<string, string>): Promise<INestApplication> {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('WEBCOM_') || name.startsWith('OTEL_')) delete process.env[name];
  }
  Object.assign(process.env, environment);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication();
  try {
    await app.init();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

describe('the sample with OpenTelemetry turned on by configuration', () => {
  afterEach(() => {
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('OTEL_')) delete process.env[name];
    }
    jest.restoreAllMocks();
  });

  it('OTEL_TRACES_EXPORTER=otlp sends the send’s span to the collector', async () => {
    const collector = await startCollector();
    const app = await startSample({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    });
    try {
      await request(app.getHttpServer())
        .post('/messages/sms')
        .send({ to: '+7 999 123-45-67', text: 'Hello' })
        .expect(201);
    } finally {
      // Shutting down exports what the batch processor holds.
      await app.close();
      collector.server.closeAllConnections();
      collector.server.close();
    }
    const exported = collector.bodies.join('\n');
    expect(exported).toContain('"send sms"');
    expect(exported).toContain('"webcom.channel"');
    expect(exported).not.toContain('Hello');
    expect(exported).not.toContain('79991234567');
  });

  it('OTEL_TRACES_EXPORTER=console prints the span, and closing the app unregisters the SDK', async () => {
    const printed: unknown[] = [];
    jest.spyOn(console, 'dir').mockImplementation((value: unknown) => void printed.push(value));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const app = await startSample({
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'console',
    });
    try {
      await request(app.getHttpServer()).get('/balance').expect(200);
    } finally {
      await app.close();
    }
    expect(printed).toContainEqual(
      expect.objectContaining({
        name: 'balance',
        attributes: expect.objectContaining({ 'messaging.operation.name': 'balance' }),
      }),
    );
    expect(trace.getTracer('after').startSpan('x').isRecording()).toBe(false);
  });

  it('refuses an exporter it does not know, at boot', async () => {
    await expect(startSample({ OTEL_TRACES_EXPORTER: 'zipkin' })).rejects.toThrow(
      'OTEL_TRACES_EXPORTER must be one of console, otlp, none',
    );
  });
});
