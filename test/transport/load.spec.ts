import 'reflect-metadata';
import { FakeWebcomServer } from '../../lib/testing/fake-webcom-server.js';
import { WebcomService } from '../../lib/index.js';

describe('load', () => {
  it('2,000 concurrent sends all resolve, each reaches the gateway once, within the socket bound', async () => {
    const maxSockets = 16;
    const fake = await FakeWebcomServer.start({
      accounts: [{ user: 'shop', password: 'pw', balance: 1_000_000 }],
    });
    const webcom = new WebcomService({
      credentials: { user: 'shop', password: 'pw' },
      baseUrl: fake.baseUrl,
      senders: { sms: 'Shop' },
      maxSockets,
      timeoutMs: 20_000,
    });
    const sends = Array.from({ length: 2000 }, (_, i) =>
      webcom.sendSms({ to: `7999${String(i).padStart(7, '0')}`, text: `load ${i}` }),
    );
    const results = await Promise.all(sends);

    expect(results.every((r) => r.messages.length === 1)).toBe(true);
    expect(new Set(results.map((r) => r.messages[0].id)).size).toBe(2000);
    const sendRequests = fake.requests.filter((r) => r.operation === 'send');
    expect(sendRequests).toHaveLength(2000);
    expect(new Set(sendRequests.map((r) => r.query.text)).size).toBe(2000);
    expect(fake.peakConnections).toBeGreaterThan(1);
    expect(fake.peakConnections).toBeLessThanOrEqual(maxSockets);
    console.log(`2,000 sends: peak ${fake.peakConnections} connections (bound ${maxSockets})`);
    webcom.onApplicationShutdown();
    await fake.stop();
  });
});
