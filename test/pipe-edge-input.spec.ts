import { Body, Controller, Post, type INestApplication } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { SendSmsDto, WebcomService, WebcomValidationPipe } from '../lib/index.js';
import { WebcomTestingGateway, WebcomTestingModule } from '../lib/testing/index.js';

@Controller()
class MessagesController {
  constructor(private readonly webcom: WebcomService) {}

  @Post('sms')
  sendSms(@Body() dto: SendSmsDto) {
    return this.webcom.sendSms(dto);
  }
}

describe('WebcomValidationPipe: constructor and __proto__ keys of a body', () => {
  let app: INestApplication;
  let gateway: WebcomTestingGateway;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WebcomTestingModule.forRoot({ senders: { sms: 'MyShop' } })],
      controllers: [MessagesController],
      providers: [{ provide: APP_PIPE, useClass: WebcomValidationPipe }],
    }).compile();
    gateway = moduleRef.get(WebcomTestingGateway);
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  it.each(['constructor', '__proto__'])(
    'refuses %s by name, as any unknown field, and sends nothing',
    async (key) => {
      const response = await request(app.getHttpServer())
        .post('/sms')
        .set('Content-Type', 'application/json')
        .send(`{"to":"79991234567","text":"Hi","${key}":{"x":1}}`);
      expect(response.status).toBe(400);
      expect((response.body as { errors: unknown }).errors).toEqual([
        { field: key, messages: [`property ${key} should not exist`] },
      ]);
      expect(gateway.sent).toHaveLength(0);
    },
  );

  it('still sends a clean body', async () => {
    const response = await request(app.getHttpServer())
      .post('/sms')
      .send({ to: '79991234567', text: 'Hi' });
    expect(response.status).toBe(201);
    expect(gateway.sent).toHaveLength(1);
  });
});
