import { randomBytes } from 'crypto';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { WebcomModule } from 'nestjs-webcom';
import { getWebcomQueueToken, WebcomQueueModule, type WebcomQueue } from 'nestjs-webcom/queue';
import { FakeWebcomServer } from 'nestjs-webcom/testing';

// The Redis server CI starts (.ci/redis.sh); the keys of this suite carry a prefix of their own.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CREDENTIALS = { user: 'shop', password: 'pw' };

/** The job once it has completed or failed. */
async function settled(queue: WebcomQueue, id: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const report = await queue.getJob(id);
    if (report?.state === 'completed' || report?.state === 'failed') return report;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${report?.state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the queue on Nest 11, @nestjs/bullmq 11 and bullmq 5', () => {
  let gateway: FakeWebcomServer;
  let app: TestingModule;
  let queue: WebcomQueue;

  beforeEach(async () => {
    gateway = await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 100 }] });
    app = await Test.createTestingModule({
      imports: [
        WebcomModule.forRoot({
          credentials: CREDENTIALS,
          baseUrl: gateway.baseUrl,
          senders: { sms: 'MyShop' },
        }),
        WebcomQueueModule.forRoot({
          connection: { url: REDIS_URL },
          prefix: `compat-${randomBytes(4).toString('hex')}`,
        }),
      ],
    }).compile();
    await app.init();
    queue = app.get<WebcomQueue>(getWebcomQueueToken());
  });

  afterEach(async () => {
    await queue.queue.obliterate({ force: true });
    await app.close();
    await gateway.stop();
  });

  it('sends an enqueued SMS once, and not again when a dashboard retries the job', async () => {
    const [id] = await queue.enqueue('sms', { to: '+7 999 123-45-67', text: 'Order 1042' });
    expect(await settled(queue, id)).toMatchObject({ state: 'completed', to: ['79991234567'] });

    // As a dashboard's "retry" does: the send claim (a Redis script on bullmq's own client)
    // must hold it back.
    const bull = app.get<Queue>(getQueueToken('webcom'));
    await (await bull.getJob(id))!.retry('completed');
    expect(await settled(queue, id)).toMatchObject({
      state: 'failed',
      failure: { possiblyDelivered: true, error: { name: 'WebcomSendInterrupted' } },
    });
    expect(gateway.requests.filter((r) => r.operation === 'send')).toHaveLength(1);
  });
});
