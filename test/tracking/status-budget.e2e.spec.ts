import 'reflect-metadata';
import { WebcomService } from '../../lib/index.js';
import { FakeWebcomServer } from '../../lib/testing/fake-webcom-server.js';

/**
 * The account's status budget as the gateway sees it: many waits in flight share
 * `statusRequestsPerSecond`, a direct read overtakes them, and a 429 with Retry-After pauses them
 * all. Counted at the emulator, over HTTP.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('statusRequestsPerSecond at the gateway', () => {
  let fake: FakeWebcomServer;
  let webcom: WebcomService;

  beforeAll(async () => {
    fake = await FakeWebcomServer.start({
      accounts: [{ user: 'shop', password: 'pw' }],
      deliverAfterMs: 10 * 60_000,
    });
  });
  afterAll(() => fake.stop());

  beforeEach(() => {
    fake.clearRequests();
    fake.clearFaults();
    webcom = new WebcomService({
      credentials: { user: 'shop', password: 'pw' },
      baseUrl: fake.baseUrl,
      senders: { sms: 'Shop' },
      statusRequestsPerSecond: 10,
    });
  });
  afterEach(() => {
    webcom.onModuleDestroy();
    webcom.onApplicationShutdown();
  });

  /** Status reads the emulator received so far. */
  const statusReads = () => fake.requests.filter((r) => r.operation === 'status');

  async function sendMany(n: number): Promise<string[]> {
    const { messages } = await webcom.sendSms({
      to: Array.from({ length: n }, (_, i) => `7999123${String(i).padStart(4, '0')}`),
      text: 'code',
    });
    return messages.map((message) => message.id);
  }

  it('holds 60 waits polling every millisecond to the budget', async () => {
    const ids = await sendMany(60);
    const waits = ids.map((id) =>
      webcom.waitForFinalStatus(id, { intervalMs: 1, maxIntervalMs: 1 }).catch(() => undefined),
    );
    await sleep(2_000);
    // 10 a second: 20 in two seconds, and one more at the start of the first.
    expect(statusReads().length).toBeGreaterThanOrEqual(10);
    expect(statusReads().length).toBeLessThanOrEqual(21);
    webcom.onModuleDestroy();
    await Promise.all(waits);
  });

  it('reads a direct getStatus before the waits already queued', async () => {
    const ids = await sendMany(30);
    const waits = ids.map((id) => webcom.waitForFinalStatus(id).catch(() => undefined));
    await sleep(300);
    const before = statusReads().length;
    const direct = await webcom.getStatus(ids[29]);
    expect(direct.state).toBe('send');
    // Far fewer than the 30 first reads still queued went ahead of it.
    expect(statusReads().length - before).toBeLessThanOrEqual(2);
    webcom.onModuleDestroy();
    await Promise.all(waits);
  });

  it('pauses every wait of the account for a 429 with Retry-After', async () => {
    const ids = await sendMany(20);
    const waits = ids.map((id) =>
      webcom.waitForFinalStatus(id, { intervalMs: 1, maxIntervalMs: 1 }).catch(() => undefined),
    );
    await sleep(500);
    fake.fail({ kind: 'http', status: 429, headers: { 'retry-after': '1' } });
    await sleep(200);
    const afterPushback = statusReads().length;
    await sleep(600);
    // The 429'd read waits out its Retry-After, and the other waits with it.
    expect(statusReads().length).toBe(afterPushback);
    await sleep(800);
    expect(statusReads().length).toBeGreaterThan(afterPushback);
    webcom.onModuleDestroy();
    await Promise.all(waits);
  });
});
