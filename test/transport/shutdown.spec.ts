import 'reflect-metadata';
import '../support/quiet-logs.js';
import { FakeWebcomServer } from '../../lib/testing/fake-webcom-server.js';
import { Test, type TestingModule } from '@nestjs/testing';
import { WebcomModule, WebcomService, type WebcomModuleOptions } from '../../lib/index.js';

/**
 * What `close()` does to calls at each stage: refused before they start, settled as never
 * sent while they wait for a connection or to retry, finished while they are on the wire; and
 * afterwards the process holds no timer or socket of the module's.
 */
describe('shutdown of the HTTP transport', () => {
  let fake: FakeWebcomServer;
  const contexts = new Map<WebcomService, TestingModule>();
  /** An account as an application has it: WebcomModule in a Nest context. */
  const create = async (extra: Partial<WebcomModuleOptions> = {}) => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        WebcomModule.forRoot({
          credentials: { user: 'shop', password: 'pw' },
          baseUrl: fake.baseUrl,
          senders: { sms: 'Shop' },
          ...extra,
        }),
      ],
    }).compile();
    await moduleRef.init();
    const service = moduleRef.get(WebcomService);
    contexts.set(service, moduleRef);
    return service;
  };
  /** `app.close()`. */
  const close = (service: WebcomService) => contexts.get(service)!.close();
  const shutdown = { name: 'WebcomTransportError', code: 'ESHUTDOWN', possiblyDelivered: false };

  /** Timers and TCP handles open now (jest's own and the fake gateway's included). */
  const handles = () => {
    const info = process.getActiveResourcesInfo();
    return {
      timers: info.filter((name) => name === 'Timeout').length,
      sockets: info.filter((name) => name === 'TCPSocketWrap').length,
    };
  };
  /** Handles return to what they were before the client existed, within a second. */
  async function expectNothingLeft(before: ReturnType<typeof handles>) {
    for (let i = 0; i < 50 && JSON.stringify(handles()) !== JSON.stringify(before); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(handles()).toEqual(before);
    expect(fake.openConnections).toBe(0);
  }

  beforeEach(async () => {
    fake = await FakeWebcomServer.start();
  });
  afterEach(() => fake.stop());

  it('refuses calls made after close(), sending nothing', async () => {
    const service = await create();
    await service.getBalance();
    await close(service);
    const calls = [
      service.sendSms({ to: '79991234567', text: 'late' }),
      service.getBalance(),
      service.getStatus('1'),
    ];
    for (const call of calls) await expect(call).rejects.toMatchObject(shutdown);
    expect(fake.requests).toHaveLength(1);
  });

  it('settles sends waiting for a connection as never sent, and lets the one on the wire finish', async () => {
    const service = await create({ maxSockets: 1, timeoutMs: 5_000 });
    fake.fail({ kind: 'delay', ms: 300 });
    const before = handles();
    const onWire = service.sendSms({ to: '79991234567', text: 'on the wire' });
    const queued = [
      service.sendSms({ to: '79991234568', text: 'queued 1' }).catch((e: unknown) => e),
      service.sendSms({ to: '79991234569', text: 'queued 2' }).catch((e: unknown) => e),
    ];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const closed = close(service);
    // The queued ones settle at once, not when the socket frees up.
    const errors = await Promise.all(queued);
    expect(Date.now() - started).toBeLessThan(150);
    for (const error of errors) expect(error).toMatchObject(shutdown);
    await expect(onWire).resolves.toMatchObject({ messages: [{ id: expect.any(String) }] });
    await closed;
    expect(fake.requests.map((r) => r.query.text)).toEqual(['on the wire']);
    await expectNothingLeft(before);
  });

  it('a call on the wire at close() still has its deadline', async () => {
    const service = await create({ timeoutMs: 300 });
    fake.fail({ kind: 'delay', ms: 2_000 });
    const call = service.sendSms({ to: '79991234567', text: 'slow' }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await close(service);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await call).toMatchObject({ code: 'ETIMEDOUT', possiblyDelivered: true });
  });

  it('ends a Retry-After wait at once: no further request, nothing left running', async () => {
    const service = await create({ retries: 2 });
    fake.fail({ kind: 'http', status: 429, headers: { 'retry-after': '10' } });
    const before = handles();
    const read = service.getBalance().catch((e: unknown) => e);
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await close(service);
    expect(await read).toMatchObject(shutdown);
    expect(Date.now() - started).toBeLessThan(500);
    await expectNothingLeft(before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.requests).toHaveLength(1);
  });

  it('ends a backoff wait between retries of a read', async () => {
    const service = await create({ retries: 5 });
    fake.fail({ kind: 'http', status: 503 }, 10);
    const before = handles();
    const read = service.getBalance().catch((e: unknown) => e);
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    await close(service);
    expect(await read).toMatchObject(shutdown);
    const seen = fake.requests.length;
    await expectNothingLeft(before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.requests).toHaveLength(seen);
  });
});
