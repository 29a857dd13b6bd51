import 'reflect-metadata';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { lastValueFrom } from 'rxjs';
import { WebcomModule, WebcomService, WebcomTransportError } from '../../lib/index.js';
import { FakeWebcomServer } from '../../lib/testing/fake-webcom-server.js';
import { settle } from '../support/settle.js';

/**
 * What `app.close()` does to the calls of a `WebcomService`: waits and tracking end at once with
 * a clear error, nothing is polled or sent afterwards, and no timer of theirs is left to keep
 * the process alive.
 */

/** A call the shutdown stopped: nothing was sent for it. */
const SHUTDOWN = { name: 'WebcomTransportError', code: 'ESHUTDOWN', possiblyDelivered: false };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polling every 20 ms: a poll that outlived the shutdown would show within 300 ms. */
const QUICK = { intervalMs: 20, maxIntervalMs: 20 };

/** Time for a read already in flight at the shutdown to reach the emulator. */
const IN_FLIGHT_MS = 50;

/** Timers alive in this process: a pending wait holds one until it ends. */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('WebcomService at app.close()', () => {
  let fake: FakeWebcomServer;
  let app: INestApplicationContext;
  let webcom: WebcomService;

  beforeAll(async () => {
    // Messages stay at `send` for the whole test: nothing settles by itself.
    fake = await FakeWebcomServer.start({
      accounts: [{ user: 'shop', password: 'pw' }],
      deliverAfterMs: 10 * 60_000,
    });
  });
  afterAll(() => fake.stop());

  beforeEach(async () => {
    @Module({
      imports: [
        WebcomModule.forRoot({
          credentials: { user: 'shop', password: 'pw' },
          baseUrl: fake.baseUrl,
          senders: { sms: 'Shop' },
          // These tests are about the shutdown, not the budget.
          statusRequestsPerSecond: 200,
        }),
      ],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    webcom = app.get(WebcomService);
  });
  afterEach(() => app.close());

  /** Status reads the emulator received. */
  const statusReads = () => fake.requests.filter((r) => r.operation === 'status').length;

  it('a pending waitForFinalStatus rejects at once; no read follows and no timer is left', async () => {
    const { messages } = await webcom.sendSms({ to: '79991234567', text: 'code 4821' });
    await sleep(20);
    const timersBefore = timers();
    // The default timeout of 10 minutes: only the shutdown can end this wait in time.
    const outcome = settle(webcom.waitForFinalStatus(messages[0].id, QUICK));
    await sleep(100);
    expect(statusReads()).toBeGreaterThan(1);
    expect(outcome.done).toBe(false);

    await app.close();
    await sleep(0);
    expect(outcome.error).toMatchObject(SHUTDOWN);
    expect(outcome.error).toBeInstanceOf(WebcomTransportError);
    expect((outcome.error as Error).message).toContain(
      `the service shut down before message ${messages[0].id} settled`,
    );

    await sleep(IN_FLIGHT_MS);
    const readsAtClose = statusReads();
    await sleep(300);
    expect(statusReads()).toBe(readsAtClose);
    // Sockets' own timers may take a moment to go on a loaded machine; the wait's 10-minute
    // deadline and its poll timer never would.
    const deadline = Date.now() + 2_000;
    while (timers() > timersBefore && Date.now() < deadline) await sleep(20);
    expect(timers()).toBeLessThanOrEqual(timersBefore);
  });

  it('trackDelivery errors at once, with until read as with the default; no read follows', async () => {
    const { messages } = await webcom.sendSms({
      to: ['79991234567', '79991234568'],
      text: 'code 4821',
    });
    const ids = messages.map((m) => m.id);
    const settledWait = settle(lastValueFrom(webcom.trackDelivery(ids, QUICK)));
    const readWait = settle(lastValueFrom(webcom.trackDelivery(ids, { ...QUICK, until: 'read' })));
    await sleep(100);
    expect(settledWait.done).toBe(false);

    await app.close();
    await sleep(0);
    expect(settledWait.error).toMatchObject(SHUTDOWN);
    expect(readWait.error).toMatchObject(SHUTDOWN);
    expect((readWait.error as Error).message).toContain(
      'before the messages reached a final state',
    );

    await sleep(IN_FLIGHT_MS);
    const readsAtClose = statusReads();
    await sleep(300);
    expect(statusReads()).toBe(readsAtClose);
  });

  it('the first shutdown hook lets a call under way finish, and refuses one begun after it', async () => {
    fake.fail({ kind: 'delay', ms: 300 });
    const underWay = webcom.getBalance();
    await sleep(50);
    // What app.close() runs first; the connections close only in onApplicationShutdown, after
    // every module's onModuleDestroy (e.g. the queue's, waiting for its jobs in flight).
    webcom.onModuleDestroy();
    const requestsAtClose = fake.requests.length;
    await expect(webcom.getBalance()).rejects.toMatchObject(SHUTDOWN);
    await expect(underWay).resolves.toMatchObject({ balance: expect.any(Number) });
    expect(fake.requests).toHaveLength(requestsAtClose);
  });

  it('a call started after app.close() is refused and never reaches the gateway', async () => {
    const { messages } = await webcom.sendSms({ to: '79991234567', text: 'before' });
    const id = messages[0].id;
    await app.close();
    const requestsAtClose = fake.requests.length;

    const calls: [string, () => Promise<unknown>][] = [
      ['sendSms', () => webcom.sendSms({ to: '79991234567', text: 'after' })],
      [
        'sendCascade',
        () =>
          webcom.sendCascade({
            to: '79991234567',
            primary: { channel: 'viber', text: 'after', from: 'ShopV' },
            fallback: { channel: 'sms', text: 'after' },
          }),
      ],
      ['getStatus', () => webcom.getStatus(id)],
      ['getStatuses', () => webcom.getStatuses([id, id])],
      ['getBalance', () => webcom.getBalance()],
      [
        'register',
        () =>
          webcom.register({
            type: 'individual',
            login: 'late',
            password: 'l4te&pass',
            name: 'Ivan Petrov',
            city: 'Moscow',
            phone: '79991234567',
            email: 'late@example.com',
            actualAddress: 'Tverskaya 1, flat 2',
          }),
      ],
      ['waitForFinalStatus', () => webcom.waitForFinalStatus(id)],
      ['trackDelivery', () => lastValueFrom(webcom.trackDelivery([id]))],
    ];
    for (const [name, call] of calls) {
      const error = await call().then(
        () => new Error(`${name} went through`),
        (e: unknown) => e,
      );
      expect([name, error]).toEqual([name, expect.objectContaining(SHUTDOWN)]);
    }
    await sleep(50);
    expect(fake.requests).toHaveLength(requestsAtClose);
  });
});

describe('a process closing its app while waiting for a status', () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const fixtures = join(root, 'test', 'tracking', 'fixtures');
  // Inside node_modules, so the compiled files find their packages; this run's own folder.
  const dist = join(root, 'node_modules', '.cache', 'webcom-shutdown-test', String(process.pid));
  let fake: FakeWebcomServer;

  beforeAll(async () => {
    fake = await FakeWebcomServer.start({
      accounts: [{ user: 'shop', password: 'pw' }],
      deliverAfterMs: 10 * 60_000,
    });
    await promisify(execFile)(
      process.execPath,
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        join(fixtures, 'tsconfig.close.json'),
        '--outDir',
        dist,
      ],
      { cwd: root },
    );
  }, 120_000);
  afterAll(async () => {
    await fake.stop();
    await rm(dist, { recursive: true, force: true });
  });

  it('exits by itself, the wait rejected with ESHUTDOWN', async () => {
    const child = spawn(process.execPath, [join(fixtures, 'close-while-waiting.mjs')], {
      cwd: root,
      env: { ...process.env, WEBCOM_DIST: dist, WEBCOM_BASE_URL: fake.baseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Far below the wait's ten-minute timeout: only a clean shutdown ends the process in time.
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(watchdog);

    expect({ code, signal, output }).toEqual({ code: 0, signal: null, output: expect.any(String) });
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({ rejected: SHUTDOWN });
    expect(fake.requests.filter((r) => r.operation === 'status').length).toBeGreaterThan(1);
  }, 30_000);
});
