import { Body, Controller, Post, type INestApplication } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  SendSmsDto,
  webcomErrorResponse,
  WebcomExceptionFilter,
  WebcomService,
  WebcomValidationError,
  WebcomValidationPipe,
} from '../lib/index.js';
import { WebcomTestingController, WebcomTestingModule } from '../lib/testing/index.js';

@Controller()
class MessagesController {
  constructor(private readonly webcom: WebcomService) {}

  @Post('sms')
  sendSms(@Body() dto: SendSmsDto) {
    return this.webcom.sendSms(dto);
  }

  /** A body the pipe does not check (no DTO class): the service's own validation answers. */
  @Post('unchecked-sms')
  sendUnchecked(@Body() body: object) {
    return this.webcom.sendSms(body as SendSmsDto);
  }
}

describe('WebcomValidationPipe as the global pipe', () => {
  let app: INestApplication;

  async function start(withFilter: boolean) {
    const moduleRef = await Test.createTestingModule({
      imports: [WebcomTestingModule.forRoot({ senders: { sms: 'MyShop' } })],
      controllers: [MessagesController],
      providers: [
        { provide: APP_PIPE, useClass: WebcomValidationPipe },
        ...(withFilter ? [{ provide: APP_FILTER, useClass: WebcomExceptionFilter }] : []),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  }

  afterEach(() => app?.close());

  it.each([true, false])(
    "answers a bad body with the filter's body for WebcomValidationError (filter: %s)",
    async (withFilter) => {
      await start(withFilter);
      const response = await request(app.getHttpServer())
        .post('/sms')
        .send({ to: '12', text: 'Hi', priority: 'high' });
      expect(response.status).toBe(400);
      const refused = response.body as { errors: { field: string }[] };
      expect(refused.errors.map((e) => e.field).sort()).toEqual(['priority', 'to']);
      expect(response.body).toEqual(
        webcomErrorResponse(new WebcomValidationError(refused.errors as never, 'request')),
      );
      expect(app.get(WebcomTestingController).sent).toEqual([]);
    },
  );

  it('answers in the shape a bad argument the service refuses is answered in', async () => {
    await start(true);
    const [byPipe, byService] = await Promise.all(
      ['/sms', '/unchecked-sms'].map((path) =>
        request(app.getHttpServer()).post(path).send({ to: '12', text: 'Hi' }),
      ),
    );
    expect([byPipe.status, byService.status]).toEqual([400, 400]);
    expect(Object.keys(byPipe.body).sort()).toEqual(Object.keys(byService.body).sort());
    expect(byPipe.body).toMatchObject({
      error: 'WebcomValidationError',
      errors: byService.body.errors,
    });
  });

  it('hands the service the DTO instance, transformed', async () => {
    await start(true);
    const response = await request(app.getHttpServer())
      .post('/sms')
      .send({ to: '8 999 123-45-67', text: 'Hi' });
    expect(response.status).toBe(201);
    expect(app.get(WebcomTestingController).sent).toEqual([
      expect.objectContaining({ to: ['79991234567'], text: 'Hi', from: 'MyShop' }),
    ]);
  });

  it.each(['constructor', '__proto__'])(
    'refuses a %s key by name, as any unknown field, and sends nothing',
    async (key) => {
      await start(false);
      const response = await request(app.getHttpServer())
        .post('/sms')
        .set('Content-Type', 'application/json')
        .send(`{"to":"79991234567","text":"Hi","${key}":{"x":1}}`);
      expect(response.status).toBe(400);
      expect((response.body as { errors: unknown }).errors).toEqual([
        { field: key, messages: [`property ${key} should not exist`] },
      ]);
      expect(app.get(WebcomTestingController).sent).toEqual([]);
    },
  );
});
