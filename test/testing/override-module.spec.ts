import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { WebcomModule, WebcomService, WebcomTransportError } from '../../lib/index.js';
import { WebcomTestingGateway, WebcomTestingModule } from '../../lib/testing/index.js';

/**
 * docs/testing.md: `overrideModule` matches a dynamic module by reference, so an app that
 * registers `WebcomModule.forRootAsync(...)` keeps that object in a constant, and its tests
 * override the constant with `WebcomTestingModule.forRoot(...)`.
 */
const webcomModule = WebcomModule.forRootAsync({
  imports: [ConfigModule],
  inject: [ConfigService],
  useFactory: (config: ConfigService) => ({
    credentials: { token: config.getOrThrow<string>('WEBCOM_TOKEN') },
    // Nothing listens here: a send that reached the real module would fail to connect.
    baseUrl: 'http://127.0.0.1:9',
    senders: { sms: 'AppSender' },
    retries: 0,
  }),
});

@Injectable()
class OrderNotifications {
  constructor(private readonly webcom: WebcomService) {}

  async shipped(phone: string): Promise<string | undefined> {
    const { messages } = await this.webcom.sendSms({ to: phone, text: 'Shipped' });
    return messages[0]?.id;
  }
}

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [() => ({ WEBCOM_TOKEN: 'live-token' })],
    }),
    webcomModule,
  ],
  providers: [OrderNotifications],
})
class AppModule {}

describe('overriding a WebcomModule registered with forRootAsync', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(() => moduleRef?.close());

  it('replaces the module when the override names the same dynamic module object', async () => {
    moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideModule(webcomModule)
      .useModule(WebcomTestingModule.forRoot({ senders: { sms: 'TestSender' } }))
      .compile();

    await expect(moduleRef.get(OrderNotifications).shipped('8 999 123-45-67')).resolves.toBe('1');
    expect(moduleRef.get(WebcomTestingGateway).sent).toEqual([
      expect.objectContaining({ channel: 'sms', to: ['79991234567'], from: 'TestSender' }),
    ]);
  });

  it("the replacement may read the app's ConfigService, with forRootAsync", async () => {
    moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideModule(webcomModule)
      .useModule(
        WebcomTestingModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            credentials: { token: config.getOrThrow<string>('WEBCOM_TOKEN') },
            senders: { sms: 'TestSender' },
          }),
        }),
      )
      .compile();

    await expect(moduleRef.get(OrderNotifications).shipped('79991234567')).resolves.toBe('1');
    expect(moduleRef.get(WebcomTestingGateway).sent).toEqual([
      expect.objectContaining({ channel: 'sms', from: 'TestSender' }),
    ]);
  });

  it('has no effect when the override names the WebcomModule class', async () => {
    moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideModule(WebcomModule)
      .useModule(WebcomTestingModule.forRoot({ senders: { sms: 'TestSender' } }))
      .compile();

    // The app's own module is still in place: there is no testing controller, and the send goes
    // to the configured (unreachable) gateway.
    expect(() => moduleRef?.get(WebcomTestingGateway)).toThrow();
    await expect(moduleRef.get(OrderNotifications).shipped('79991234567')).rejects.toThrow(
      WebcomTransportError,
    );
  });
});
