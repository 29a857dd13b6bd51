import { Test, type TestingModule } from '@nestjs/testing';
import { WebcomApiError, WebcomValidationError, type SendViberDto } from 'nestjs-webcom';
import { WebcomTestingGateway, WebcomTestingModule } from 'nestjs-webcom/testing';
import { AccountController } from '../../sample/src/account.controller.js';
import { MessagesController } from '../../sample/src/messages.controller.js';
import { invalid } from '../support/thrown.js';

/** The sample's controllers in a unit test: WebcomTestingModule in place of WebcomModule. */
describe('MessagesController and AccountController', () => {
  let moduleRef: TestingModule;
  let messages: MessagesController;
  let account: AccountController;
  let webcom: WebcomTestingGateway;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [WebcomTestingModule.forRoot({ senders: { sms: 'Shop', viber: 'Shop' } })],
      controllers: [MessagesController, AccountController],
    }).compile();
    messages = moduleRef.get(MessagesController);
    account = moduleRef.get(AccountController);
    webcom = moduleRef.get(WebcomTestingGateway);
  });

  afterEach(() => moduleRef.close());

  it('sends what it is given and answers the ids', async () => {
    const result = await messages.sendSms({ to: '8 (999) 123-45-67', text: 'Your order shipped' });
    expect(result).toEqual({
      messages: [{ id: expect.any(String), to: '79991234567', price: expect.any(Number) }],
      balance: expect.any(Number),
    });
    expect(webcom.sent).toEqual([
      expect.objectContaining({
        channel: 'sms',
        to: ['79991234567'],
        from: 'Shop',
        text: 'Your order shipped',
      }),
    ]);
  });

  it('is refused, with no send, what the real service would refuse, even without the pipe', async () => {
    await expect(
      messages.sendViber(invalid<SendViberDto>({ to: '79991234567', button: { text: 'Open' } })),
    ).rejects.toThrow(WebcomValidationError);
    expect(webcom.sent).toEqual([]);
  });

  it('reads the statuses and the balance the test decides', async () => {
    webcom.setStatus('777', { state: 'read', time: '2026-11-27 12:00:00' });
    await expect(messages.getStatus('777')).resolves.toEqual({
      id: '777',
      state: 'read',
      final: true,
      settled: true,
      time: '2026-11-27 12:00:00',
    });
    webcom.setBalance(12.5, 'RUB');
    await expect(account.getBalance()).resolves.toEqual({ balance: 12.5, currency: 'RUB' });
  });

  it('passes a gateway refusal on for the exception filter', async () => {
    const refusal = new WebcomApiError(200, '{"error":"sender not approved"}');
    webcom.failNext(refusal, { method: 'sendSms' });
    await expect(messages.sendSms({ to: '79991234567', text: 'Hi' })).rejects.toBe(refusal);
    expect(webcom.calls).toEqual([expect.objectContaining({ method: 'sendSms', error: refusal })]);
  });
});
