import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { WebcomService } from '../../lib/index.js';
import {
  getWebcomTestingControllerToken,
  getWebcomTestingGatewayToken,
  WebcomTestingController,
  WebcomTestingGateway,
  WebcomTestingModule,
} from '../../lib/testing/index.js';

describe('the deprecated testing names still work for one minor version', () => {
  it('WebcomTestingController is WebcomTestingGateway, and its token the same', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WebcomTestingModule.forRoot({ senders: { sms: 'S' } }),
        WebcomTestingModule.forRoot({ name: 'second', senders: { sms: 'S2' } }),
      ],
    }).compile();
    const old: WebcomTestingController = moduleRef.get(WebcomTestingController);
    expect(old).toBe(moduleRef.get(WebcomTestingGateway));
    expect(getWebcomTestingControllerToken('second')).toBe(getWebcomTestingGatewayToken('second'));
    await moduleRef.get(WebcomService).sendSms({ to: '79991234567', text: 'Hi' });
    expect(old.sent).toHaveLength(1);
    const second = moduleRef.get<WebcomTestingGateway>(getWebcomTestingControllerToken('second'));
    expect(second.sent).toHaveLength(0);
    await moduleRef.close();
  });
});
