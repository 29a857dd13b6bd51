import { Test } from '@nestjs/testing';
import { WebcomValidationError } from 'nestjs-webcom';
import { WebcomTestingController, WebcomTestingModule } from 'nestjs-webcom/testing';
import { OrderNotifications } from './order-notifications.js';

describe('OrderNotifications over WebcomTestingModule', () => {
  let notifications: OrderNotifications;
  let webcom: WebcomTestingController;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WebcomTestingModule.forRoot({ senders: { sms: 'MyShop' } })],
      providers: [OrderNotifications],
    }).compile();
    notifications = moduleRef.get(OrderNotifications);
    webcom = moduleRef.get(WebcomTestingController);
  });

  it('texts the customer', async () => {
    await expect(notifications.shipped('8 999 123-45-67', '1042')).resolves.toBe('1');
    expect(webcom.sent).toEqual([
      expect.objectContaining({
        channel: 'sms',
        to: ['79991234567'],
        from: 'MyShop',
        text: 'Order 1042 has shipped',
      }),
    ]);
  });

  it('refuses a number that cannot be one', async () => {
    await expect(notifications.shipped('12', '1042')).rejects.toBeInstanceOf(WebcomValidationError);
    expect(webcom.sent).toEqual([]);
  });
});
