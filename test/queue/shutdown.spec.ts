import '../support/quiet-logs.js';
import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebcomModule } from '../../lib/index.js';
import { getWebcomQueueToken, WebcomQueue, WebcomQueueModule } from '../../lib/queue/index.js';
import { FakeWebcomServer } from '../../lib/testing/fake-webcom-server.js';
import { describeWithRedis, isolatedQueue, REDIS_URL, removeQueueKeys } from './support/redis.js';

const CREDENTIALS = { user: 'shop', password: 'pw' };

type Arrangement = (
  webcom: DynamicModule,
  queue: DynamicModule,
) => NonNullable<ModuleMetadata['imports']>;

/** Where the app puts the two modules: Nest destroys modules in an order that follows this. */
const ARRANGEMENTS: [string, Arrangement][] = [
  ['WebcomModule imported before WebcomQueueModule', (webcom, queue) => [webcom, queue]],
  ['WebcomQueueModule imported before WebcomModule', (webcom, queue) => [queue, webcom]],
  [
    'WebcomQueueModule nested in a feature module, imported before WebcomModule',
    (webcom, queue) => {
      @Module({ imports: [queue] })
      class QueuedSendingModule {}
      return [QueuedSendingModule, webcom];
    },
  ],
  [
    'WebcomQueueModule nested in a feature module, imported after WebcomModule',
    (webcom, queue) => {
      @Module({ imports: [queue] })
      class QueuedSendingModule {}
      return [webcom, QueuedSendingModule];
    },
  ],
];

describeWithRedis('WebcomQueue at app.close()', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it.each(ARRANGEMENTS)(
    '%s: a send in flight finishes, its job completes, and the gateway sees it once',
    async (_, arrange) => {
      const fake = await FakeWebcomServer.start({ accounts: [{ ...CREDENTIALS, balance: 100 }] });
      cleanups.push(() => fake.stop());
      const { queueName, prefix } = isolatedQueue('shutdown');
      cleanups.push(() => removeQueueKeys(queueName, prefix));
      const queueModule = (runWorker: boolean) =>
        WebcomQueueModule.forRoot({
          queueName,
          prefix,
          connection: { url: REDIS_URL },
          runWorker,
        });
      const webcomModule = WebcomModule.forRoot({
        credentials: CREDENTIALS,
        baseUrl: fake.baseUrl,
        senders: { sms: 'Shop' },
        timeoutMs: 5000,
        retries: 0,
      });
      const app = await Test.createTestingModule({
        imports: arrange(webcomModule, queueModule(true)),
      }).compile();
      await app.init();
      const queue = app.get<WebcomQueue>(getWebcomQueueToken(queueName), { strict: false });
      // The answer comes well after close() starts: the send is in flight all through shutdown.
      fake.fail({ kind: 'delay', ms: 800 });

      const [id] = await queue.enqueue('sms', { to: ['79990000001'], text: 'Hi' });
      while (fake.requests.length === 0) await sleep(10);
      await app.close();

      const producer = await Test.createTestingModule({ imports: [queueModule(false)] }).compile();
      await producer.init();
      cleanups.push(() => producer.close());
      const job = await producer.get<WebcomQueue>(getWebcomQueueToken(queueName)).getJob(id);
      expect(job).toMatchObject({ state: 'completed', attemptsMade: 1 });
      expect(job!.failure).toBeUndefined();
      expect(job!.result!.messages).toEqual(
        [...fake.messages.values()].map((m) =>
          expect.objectContaining({ id: m.id, price: m.price, to: '79990000001' }),
        ),
      );
      expect(fake.requests.filter((r) => r.operation === 'send')).toHaveLength(1);
    },
  );
});
