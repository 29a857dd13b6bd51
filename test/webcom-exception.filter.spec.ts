import {
  Body,
  Controller,
  Get,
  Logger,
  NotFoundException,
  Param,
  Post,
  UseFilters,
  ValidationPipe,
  type ArgumentsHost,
  type INestApplication,
  type Type,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { APP_FILTER, type HttpAdapterHost } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { createServer } from 'node:net';
import request from 'supertest';
import {
  SendSmsDto,
  SendViberDto,
  toFieldErrors,
  WebcomError,
  webcomErrorResponse,
  WebcomExceptionFilter,
  WebcomModule,
  WebcomService,
  WebcomValidationError,
  type WebcomModuleOptions,
} from '../lib/index.js';
import { RecordingGateway, successAnswer } from './support/recording-gateway.js';
import { invalid } from './support/thrown.js';
import { expectNoSecret } from './support/secret-renderings.js';

const SECRET = 'p@ss w0rd&pwd=x+y#z%2F/?;:é';
const PHONE = '79991234567';

/** An app's own controller, as a team writes it: the library's DTOs as bodies. */
@Controller()
class MessagesController {
  constructor(private readonly webcom: WebcomService) {}

  @Post('sms')
  sendSms(@Body() dto: SendSmsDto) {
    return this.webcom.sendSms(dto);
  }

  @Post('viber')
  sendViber(@Body() dto: SendViberDto) {
    return this.webcom.sendViber(dto);
  }

  @Get('balance')
  getBalance() {
    return this.webcom.getBalance();
  }

  @Get('tracked/:id')
  waitForFinalStatus(@Param('id') id: string) {
    return this.webcom.waitForFinalStatus(id, { timeoutMs: 50, intervalMs: 10 });
  }

  @Get('missing')
  missing() {
    throw new NotFoundException('No such thing');
  }

  @Get('broken')
  broken() {
    throw new Error('an ordinary bug');
  }
}

@Controller()
@UseFilters(WebcomExceptionFilter)
class FilteredMessagesController extends MessagesController {}

type Registration = 'APP_FILTER' | '@UseFilters' | 'useGlobalFilters(new …)';
type Platform = 'express' | 'fastify';

interface AppSetup {
  platform?: Platform;
  registration?: Registration | 'none';
  pipe?: ValidationPipeOptions;
  options?: Partial<WebcomModuleOptions>;
}

const apps: INestApplication[] = [];

async function createApp(baseUrl: string, setup: AppSetup = {}): Promise<INestApplication> {
  const { platform = 'express', registration = 'APP_FILTER', pipe, options } = setup;
  const controller: Type =
    registration === '@UseFilters' ? FilteredMessagesController : MessagesController;
  const moduleRef = await Test.createTestingModule({
    imports: [
      WebcomModule.forRoot({
        credentials: { user: 'shop', password: SECRET },
        baseUrl,
        senders: { sms: 'Shop', viber: 'Shop' },
        retries: 0,
        ...options,
      }),
    ],
    controllers: [controller],
    providers:
      registration === 'APP_FILTER'
        ? [{ provide: APP_FILTER, useClass: WebcomExceptionFilter }]
        : [],
  }).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter())
      : moduleRef.createNestApplication();
  if (registration === 'useGlobalFilters(new …)') app.useGlobalFilters(new WebcomExceptionFilter());
  if (pipe) app.useGlobalPipes(new ValidationPipe(pipe));
  apps.push(app);
  await app.init();
  if (platform === 'fastify') {
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  }
  return app;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections and never answers. */
async function hangingServer(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let gateway: RecordingGateway;

beforeAll(async () => {
  gateway = await RecordingGateway.start();
});
afterEach(async () => {
  gateway.answer = successAnswer;
  gateway.requests.length = 0;
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(() => gateway.stop());

const registrations: [Platform, Registration][] = [
  ['express', 'APP_FILTER'],
  ['express', '@UseFilters'],
  ['express', 'useGlobalFilters(new …)'],
  ['fastify', 'APP_FILTER'],
  ['fastify', '@UseFilters'],
  ['fastify', 'useGlobalFilters(new …)'],
];

describe.each(registrations)(
  'WebcomExceptionFilter on %s, registered by %s',
  (platform, registration) => {
    const app = (baseUrl = gateway.baseUrl, options?: Partial<WebcomModuleOptions>) =>
      createApp(baseUrl, { platform, registration, options });

    it('answers a WebcomValidationError 400 with every invalid field', async () => {
      const server = (await app()).getHttpServer();
      const { body } = await request(server)
        .post('/viber')
        .send({ to: 'call me', text: 'Hi', button: { text: 'Open', url: 'not a url' } })
        .expect(400)
        .expect('content-type', /json/);
      expect(body).toEqual({
        statusCode: 400,
        error: 'WebcomValidationError',
        message: expect.stringContaining('Invalid argument'),
        errors: expect.arrayContaining([
          { field: 'to', messages: [expect.any(String)] },
          { field: 'button.url', messages: [expect.any(String)] },
        ]),
      });
      expect(gateway.requests).toEqual([]);
    });

    it('answers a WebcomApiError 502 with the gateway status, and no secret it echoed', async () => {
      gateway.answer = ({ rawUrl }) => ({
        status: 403,
        body: `Denied: ${rawUrl} ${decodeURIComponent(rawUrl)}`,
      });
      const server = (await app()).getHttpServer();
      const response = await request(server)
        .post('/sms')
        .send({ to: PHONE, text: 'Hi' })
        .expect(502);
      expect(response.body).toEqual({
        statusCode: 502,
        error: 'WebcomApiError',
        message: 'The SMS gateway refused the call',
        gatewayStatus: 403,
        possiblyDelivered: false,
      });
      expectNoSecret([response.text], SECRET);
    });

    it('answers a timeout 504, saying the message may have been delivered', async () => {
      const hanging = await hangingServer();
      try {
        const server = (await app(hanging.baseUrl, { timeoutMs: 100 })).getHttpServer();
        const { body } = await request(server)
          .post('/sms')
          .send({ to: PHONE, text: 'Hi' })
          .expect(504);
        expect(body).toEqual({
          statusCode: 504,
          error: 'WebcomTransportError',
          message: 'The SMS gateway did not answer in time; the message may have been delivered',
          code: 'ETIMEDOUT',
          possiblyDelivered: true,
        });
      } finally {
        await hanging.close();
      }
    });

    it('answers a refused connection 502, saying nothing was delivered', async () => {
      const server = (await app(`http://127.0.0.1:${await closedPort()}`)).getHttpServer();
      const { body } = await request(server)
        .post('/sms')
        .send({ to: PHONE, text: 'Hi' })
        .expect(502);
      expect(body).toEqual({
        statusCode: 502,
        error: 'WebcomTransportError',
        message: 'The SMS gateway gave no usable answer',
        code: 'ECONNREFUSED',
        possiblyDelivered: false,
      });
    });

    it('answers a call refused at shutdown 503, saying nothing was delivered', async () => {
      const nest = await app();
      nest.get(WebcomService).onModuleDestroy();
      const { body } = await request(nest.getHttpServer())
        .post('/sms')
        .send({ to: PHONE, text: 'Hi' })
        .expect(503);
      expect(body).toEqual({
        statusCode: 503,
        error: 'WebcomTransportError',
        message: 'The service is shutting down; the call was not sent',
        code: 'ESHUTDOWN',
        possiblyDelivered: false,
      });
      expect(gateway.requests).toEqual([]);
    });

    it('answers a partly failed send 502 with what was sent and what failed, per recipient', async () => {
      gateway.answer = (req) =>
        req.params.get('dadr')!.startsWith('7999000000')
          ? { status: 500, body: req.rawUrl }
          : successAnswer(req);
      const server = (await app(gateway.baseUrl, { maxUrlLength: 300 })).getHttpServer();
      const to = Array.from({ length: 30 }, (_, i) => `7999${String(i).padStart(7, '0')}`);
      const response = await request(server).post('/sms').send({ to, text: 'Sale' }).expect(502);
      const { body } = response;
      expect(body).toMatchObject({
        statusCode: 502,
        error: 'WebcomPartialSendError',
        message: 'Some requests of the send failed',
      });
      expect(Object.keys(body).sort()).toEqual([
        'error',
        'failed',
        'message',
        'sent',
        'statusCode',
      ]);
      expect(body.sent.messages.length).toBeGreaterThan(0);
      expect(body.failed.length).toBeGreaterThan(0);
      for (const part of body.failed) {
        expect(part).toEqual({
          to: expect.arrayContaining([expect.stringMatching(/^7999000000\d$/)]),
          // D14: a send answered 5xx may have gone out before the server failed.
          error: {
            name: 'WebcomApiError',
            message: 'The SMS gateway refused the call; the message may have been delivered',
            possiblyDelivered: true,
            gatewayStatus: 500,
          },
        });
      }
      const failedRecipients = body.failed.flatMap((part: { to: string[] }) => part.to);
      expect(body.sent.messages.length + failedRecipients.length).toBe(to.length);
      expectNoSecret([response.text], SECRET);
    });

    it('answers a tracking timeout 504 with the id and its last state, never a flashcall code', async () => {
      gateway.answer = (req) =>
        req.params.has('msgid')
          ? { body: '{"state":"send","time":"2026-11-27 12:00","text_sms":"4821"}' }
          : successAnswer(req);
      const server = (await app()).getHttpServer();
      const response = await request(server).get('/tracked/1000').expect(504);
      expect(response.body).toEqual({
        statusCode: 504,
        error: 'WebcomTrackingTimeoutError',
        message: 'The message did not reach the awaited state in time',
        id: '1000',
        lastState: 'send',
      });
      expect(response.text).not.toContain('4821');
    });

    it('leaves other errors to Nest: an HttpException keeps its status, a bug is a 500', async () => {
      const server = (await app()).getHttpServer();
      await request(server).get('/missing').expect(404);
      // Nest logs the bug as an error; here it is the expected outcome.
      Logger.overrideLogger(false);
      try {
        await request(server)
          .get('/broken')
          .expect(500, { statusCode: 500, message: 'Internal server error' });
      } finally {
        Logger.overrideLogger(['error']);
      }
    });

    it('lets successful calls through untouched', async () => {
      const server = (await app()).getHttpServer();
      await request(server).get('/balance').expect(200, { balance: 143777.36 });
    });
  },
);

describe('a bad request is a 400 whatever ValidationPipe the app has', () => {
  const pipes: [string, ValidationPipeOptions | undefined][] = [
    ['no pipe', undefined],
    ['new ValidationPipe()', {}],
    ['{ transform: true }', { transform: true }],
    ['{ whitelist: true }', { whitelist: true }],
    ['{ forbidNonWhitelisted: true }', { forbidNonWhitelisted: true }],
    ['{ whitelist, forbidNonWhitelisted }', { whitelist: true, forbidNonWhitelisted: true }],
    [
      '{ transform, whitelist, forbidNonWhitelisted, exceptionFactory → WebcomValidationError }',
      {
        transform: true,
        whitelist: true,
        forbidNonWhitelisted: true,
        exceptionFactory: (errors) => new WebcomValidationError(toFieldErrors(errors), 'request'),
      },
    ],
  ];

  describe.each(pipes)('%s', (_, pipe) => {
    let server: Parameters<typeof request>[0];
    beforeEach(async () => {
      server = (await createApp(gateway.baseUrl, { pipe })).getHttpServer();
    });
    const post = (path: string, body: unknown) =>
      request(server)
        .post(path)
        .send(body as object);

    it.each<[string, string, unknown]>([
      ['an invalid phone number', '/sms', { to: 'call me', text: 'Hi' }],
      ['a missing text', '/sms', { to: PHONE }],
      ['an empty body', '/sms', {}],
      ['an invalid nested field', '/viber', { to: PHONE, text: 'Hi', button: { text: 'Open' } }],
      [
        'an sms fallback with an image',
        '/viber',
        {
          to: PHONE,
          text: 'Hi',
          fallback: { channel: 'sms', imageUrl: 'https://example.com/a.png' },
        },
      ],
      ['an array for a body', '/sms', [{ to: PHONE, text: 'Hi' }]],
    ])('%s is a 400, and nothing is sent', async (_case, path, body) => {
      const response = await post(path, body);
      expect(response.status).toBe(400);
      expect(response.body.statusCode).toBe(400);
      expect(gateway.requests).toEqual([]);
    });

    const strips = pipe?.whitelist === true && pipe.forbidNonWhitelisted !== true;
    if (strips) {
      it('an unknown field is dropped, as whitelist without forbidNonWhitelisted asks', async () => {
        await post('/sms', { to: PHONE, text: 'Hi', colour: 'red' }).expect(201);
        expect(gateway.requests).toHaveLength(1);
        expect(gateway.last.rawUrl).not.toContain('red');
      });
    } else {
      it('an unknown field is a 400 naming it, and nothing is sent', async () => {
        const { body } = await post('/sms', { to: PHONE, text: 'Hi', colour: 'red' }).expect(400);
        expect(JSON.stringify(body)).toContain('colour');
        expect(gateway.requests).toEqual([]);
      });
    }

    it('a valid body is sent', async () => {
      await post('/sms', { to: '+7 999 123-45-67', text: 'Hi' }).expect(201);
      expect(gateway.last.params.get('dadr')).toBe(PHONE);
    });
  });
});

describe('WebcomExceptionFilter outside the mapped cases', () => {
  class WebcomNovelError extends WebcomError {
    constructor() {
      super('something new went wrong');
    }
    protected details() {
      return {};
    }
  }

  it('answers a library error it has no mapping for as a 500 with its message', () => {
    expect(webcomErrorResponse(new WebcomNovelError())).toEqual({
      statusCode: 500,
      error: 'WebcomNovelError',
      message: 'something new went wrong',
    });
  });

  it.each(['rpc', 'ws', 'graphql'])(
    'in a %s context answers nothing, leaving the error to that context',
    (type) => {
      const reply = jest.fn();
      const filter = new WebcomExceptionFilter(
        invalid<HttpAdapterHost>({ httpAdapter: { reply } }),
      );
      const host = { getType: () => type, switchToHttp: jest.fn() };
      expect(filter.catch(new WebcomNovelError(), invalid<ArgumentsHost>(host))).toBeUndefined();
      expect(host.switchToHttp).not.toHaveBeenCalled();
      expect(reply).not.toHaveBeenCalled();
    },
  );
});

describe("the gateway's words stay inside: the body is fixed per class, the text goes to the log", () => {
  const PHP_FATAL =
    '<html><body><b>Fatal error</b>: Uncaught PDOException in ' +
    '/var/www/webcom/sendsms.php:231 while sending to +7 (999) 123-45-67 ' +
    `(dadr=${PHONE})</body></html>`;
  let warnings: string[];

  /** After the app is built: compiling a testing module installs Nest's testing logger. */
  function captureWarnings() {
    const keep = (message: unknown) => warnings.push(String(message));
    Logger.overrideLogger({ log: () => {}, error: keep, warn: keep, debug: () => {} });
  }

  beforeEach(() => {
    warnings = [];
  });
  afterEach(() => Logger.overrideLogger(['error']));

  it.each<[Platform]>([['express'], ['fastify']])(
    'on %s, a PHP fatal answering a send is a 502, possibly delivered, with none of its text',
    async (platform) => {
      gateway.answer = () => ({ status: 500, body: PHP_FATAL });
      const server = (await createApp(gateway.baseUrl, { platform })).getHttpServer();
      captureWarnings();
      const response = await request(server)
        .post('/sms')
        .send({ to: PHONE, text: 'Hi' })
        .expect(502);

      expect(response.body).toEqual({
        statusCode: 502,
        error: 'WebcomApiError',
        message: 'The SMS gateway refused the call; the message may have been delivered',
        gatewayStatus: 500,
        possiblyDelivered: true,
      });
      for (const leaked of ['Fatal', 'sendsms.php', '231', '<', '4567', '999']) {
        expect(response.text).not.toContain(leaked);
      }
      // The operator still reads what happened, without the number or the password.
      const logged = warnings.join('\n');
      expect(logged).toContain('Fatal error');
      expect(logged).toContain('sendsms.php:231');
      expect(logged).toContain('***4567');
      expect(logged).not.toMatch(/999\D?123/);
      expect(logged).not.toContain(PHONE);
      expectNoSecret(warnings, SECRET);
    },
  );

  it('a 429 to a send is a refusal before processing: not delivered (D14)', async () => {
    gateway.answer = () => ({ status: 429, body: 'Too many requests' });
    const server = (await createApp(gateway.baseUrl)).getHttpServer();
    const { body } = await request(server).post('/sms').send({ to: PHONE, text: 'Hi' }).expect(502);
    expect(body).toEqual({
      statusCode: 502,
      error: 'WebcomApiError',
      message: 'The SMS gateway refused the call',
      gatewayStatus: 429,
      possiblyDelivered: false,
    });
  });

  it('a read answered 5xx is no send: not delivered', async () => {
    gateway.answer = () => ({ status: 503, body: PHP_FATAL });
    const server = (await createApp(gateway.baseUrl)).getHttpServer();
    const { body } = await request(server).get('/balance').expect(502);
    expect(body).toMatchObject({ gatewayStatus: 503, possiblyDelivered: false });
    expect(JSON.stringify(body)).not.toContain('Fatal');
  });

  it('a bad request is not logged: it is the client’s, and its 400 body is unchanged', async () => {
    const server = (await createApp(gateway.baseUrl)).getHttpServer();
    captureWarnings();
    const { body } = await request(server).post('/sms').send({ to: 'call me', text: 'Hi' });
    expect(body.message).toContain('Invalid argument');
    expect(warnings).toEqual([]);
  });
});
