import { randomBytes } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { Queue } from 'bullmq';

/** The Redis server the queue suites run against: a real one, never a mock. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type Probe = { ok: true } | { ok: false; reason: string };

/** Whether a Redis server answers `PING` at `url` (any reply counts, NOAUTH included). */
function probeRedis(url: string, timeoutMs = 1500): Promise<Probe> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, reason: `REDIS_URL is not a URL` });
      return;
    }
    const port = Number(target.port || 6379);
    const host = target.hostname || '127.0.0.1';
    const socket: Socket =
      target.protocol === 'rediss:'
        ? connectTls({ host, port, servername: host })
        : connectTcp(port, host);
    const finish = (probe: Probe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(probe);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once('error', (error) => finish({ ok: false, reason: error.message }));
    socket.once(target.protocol === 'rediss:' ? 'secureConnect' : 'connect', () =>
      socket.write('PING\r\n'),
    );
    socket.once('data', () => finish({ ok: true }));
  });
}

const probe = await probeRedis(REDIS_URL);

/**
 * `describe` for suites that need Redis. Without one they are skipped, loudly, on a developer's
 * machine; under CI (where `.ci/redis.sh` starts one) they fail instead, so CI never skips them.
 */
export function describeWithRedis(name: string, suite: () => void): void {
  if (probe.ok) {
    describe(name, suite);
    return;
  }
  const why = `no Redis server answers at ${REDIS_URL} (${probe.reason})`;
  if (process.env.CI) {
    describe(name, () => {
      it('needs a Redis server', () => {
        throw new Error(`${why}: CI must start one (.ci/redis.sh)`);
      });
    });
    return;
  }
  // Straight to stderr: Jest drops what a test file whose tests are all skipped logs.
  process.stderr.write(
    [
      '',
      '*'.repeat(78),
      `* SKIPPED: "${name}"`,
      `* because ${why}.`,
      '* Start one (e.g. `docker run -p 6379:6379 redis:7` or `apt-get install redis-server`)',
      '* or point REDIS_URL at one to run these tests.',
      '*'.repeat(78),
      '',
      '',
    ].join('\n'),
  );
  describe.skip(name, suite);
}

/** A queue name and key prefix no other test (or test run) uses. */
export function isolatedQueue(label: string): { queueName: string; prefix: string } {
  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  return { queueName: `${label}-${id}`, prefix: `webcom-test-${id}` };
}

/** Removes every key under `prefix`, the limiter's included. */
export async function removeQueueKeys(queueName: string, prefix: string): Promise<void> {
  const queue = new Queue(queueName, { connection: { url: REDIS_URL }, prefix });
  try {
    await queue.obliterate({ force: true });
    const client = await queue.getBackend().client;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, { MATCH: `${prefix}:*`, COUNT: 1000 });
      if (keys.length) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await queue.close();
  }
}
