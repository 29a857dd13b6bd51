import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { WebcomService } from 'nestjs-webcom';
import { OrderNotifications } from './order-notifications.js';

describe('OrderNotifications, with WebcomService mocked', () => {
  it('returns the id of the SMS it sent', async () => {
    const sent = { messages: [{ id: '42', to: '79991234567', price: 1.5 }], balance: 98.5 };
    const webcom: Pick<jest.Mocked<WebcomService>, 'sendSms'> = {
      sendSms: jest.fn<WebcomService['sendSms']>().mockResolvedValue(sent),
    };
    const moduleRef = await Test.createTestingModule({
      providers: [OrderNotifications, { provide: WebcomService, useValue: webcom }],
    }).compile();

    await expect(moduleRef.get(OrderNotifications).shipped('79991234567', '1042')).resolves.toBe('42');
    expect(webcom.sendSms).toHaveBeenCalledWith({ to: '79991234567', text: 'Order 1042 has shipped' });
  });
});
