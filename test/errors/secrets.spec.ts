import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { CapturingLogger } from '../support/capturing-logger.js';
import { createServer } from 'node:net';
import {
  WebcomApiError,
  WebcomPartialSendError,
  WebcomService,
  WebcomTransportError,
  WebcomValidationError,
  type Credentials,
} from '../../lib/index.js';
import { RecordingGateway, successAnswer } from '../support/recording-gateway.js';
import { expectNoSecret, phpEchoes, renderings } from '../support/secret-renderings.js';

const SECRET = 'p@ss w0rd&pwd=x+y#z%2F/?;:é';

const credentialForms: [string, Credentials][] = [
  ['password', { user: 'shop', password: SECRET }],
  ['token', { token: SECRET }],
  ['token hash', { user: 'shop', tokenHash: 'd41d8cd98f00b204e9800998ecf8427e' }],
];

describe.each(credentialForms)('no rendering holds the %s', (_, credentials) => {
  const secret = Object.entries(credentials).find(([key]) => key !== 'user')![1];
  let gateway: RecordingGateway;
  let logger: CapturingLogger;
  const service = (extra = {}) =>
    new WebcomService({
      credentials,
      baseUrl: gateway.baseUrl,
      senders: { sms: 'S' },
      retries: 0,
      ...extra,
    });

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });
  beforeEach(() => {
    logger = new CapturingLogger();
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
    Logger.overrideLogger(logger);
  });
  afterEach(() => {
    expectNoSecret(logger.lines, secret);
    Logger.overrideLogger(['error']);
    gateway.answer = successAnswer;
  });
  afterAll(() => gateway.stop());

  it('in a WebcomApiError whose body echoes the request URL', async () => {
    gateway.answer = ({ rawUrl }) => ({
      status: 403,
      body: `<html>Denied: ${rawUrl} ${decodeURIComponent(rawUrl)}</html>`,
    });
    const webcom = service();
    const error = await webcom.getBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebcomApiError);
    expect((error as WebcomApiError).body).toContain('Denied');
    expectNoSecret(renderings(error), secret);
    webcom.onApplicationShutdown();
  });

  it.each([200, 403])(
    'in a WebcomApiError (HTTP %i), its body and the warning log, whatever form PHP echoes it in',
    async (status) => {
      const echo = phpEchoes(secret)
        .map(([form, value]) => `${form}: ${value}`)
        .join('\n');
      const webcom = service();
      const errors = [];
      for (let offset = 0; offset < echo.length; offset += 400) {
        gateway.answer = () => ({ status, body: echo.slice(offset, offset + 450) });
        errors.push(await webcom.getBalance().catch((e: unknown) => e));
      }
      for (const error of errors) {
        expect(error).toBeInstanceOf(WebcomApiError);
        expectNoSecret(renderings(error), secret);
      }
      webcom.onApplicationShutdown();
    },
  );

  it('in a WebcomTransportError from a refused connection', async () => {
    const port = await closedPort();
    const webcom = service({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await webcom.sendSms({ to: '79991234567', text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebcomTransportError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', possiblyDelivered: false });
    expectNoSecret(renderings(error), secret);
    webcom.onApplicationShutdown();
  });

  it('in a WebcomTransportError from a timeout', async () => {
    const webcom = service({ baseUrl: await hangingServer(), timeoutMs: 100 });
    const error = await webcom.getBalance().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WebcomTransportError', code: 'ETIMEDOUT' });
    expectNoSecret(renderings(error), secret);
    webcom.onApplicationShutdown();
  });

  it('in a WebcomPartialSendError and the errors it holds', async () => {
    gateway.answer = (request) =>
      request.params.get('dadr')!.startsWith('7999000000')
        ? { status: 500, body: request.rawUrl }
        : successAnswer(request);
    const webcom = service({ maxUrlLength: 300 });
    const to = Array.from({ length: 30 }, (_, i) => `7999${String(i).padStart(7, '0')}`);
    const error = await webcom.sendSms({ to, text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebcomPartialSendError);
    expectNoSecret(renderings(error), secret);
    for (const failure of (error as WebcomPartialSendError).failed)
      expectNoSecret(renderings(failure.error), secret);
    webcom.onApplicationShutdown();
  });

  it('in a WebcomValidationError of the options', () => {
    let error: unknown;
    try {
      new WebcomService({
        credentials,
        baseUrl: `https://user:${encodeURIComponent(secret)}@example.com`,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WebcomValidationError);
    expectNoSecret(renderings(error), secret);
  });

  it('in the debug log of a successful call', async () => {
    const webcom = service({ logRequests: true });
    await webcom.sendSms({ to: '79991234567', text: 'private text' });
    expect(logger.lines.join('\n')).toContain('sendsms.php');
    expect(logger.lines.join('\n')).not.toContain('private text');
    webcom.onApplicationShutdown();
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections and never answers. */
async function hangingServer(): Promise<string> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
