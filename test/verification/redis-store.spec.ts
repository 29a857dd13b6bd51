import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { FakeWebcomServer } from '../../lib/testing/index.js';
import {
  WebcomVerificationConflictError,
  WebcomVerificationRateLimitError,
  type VerificationCheckResult,
  type WebcomVerificationModuleOptions,
  type WebcomVerificationService,
} from '../../lib/verification/index.js';
import { describeWithRedis, REDIS_URL } from '../queue/support/redis.js';
import { NUMBER } from './support.js';
import { isolatedPrefix, keysUnder, lastTextCode, startInstance } from './fleet.js';

describeWithRedis('WebcomVerificationModule on Redis: two instances sharing one store', () => {
  let fake: FakeWebcomServer;
  let redis: Redis;
  let prefix: string;
  let apps: INestApplicationContext[];
  let a: WebcomVerificationService;
  let b: WebcomVerificationService;

  async function fleet(options: Partial<WebcomVerificationModuleOptions> = {}) {
    const first = await startInstance(fake, prefix, options);
    const second = await startInstance(fake, prefix, options);
    apps.push(first.app, second.app);
    a = first.verification;
    b = second.verification;
  }

  beforeAll(async () => {
    fake = await FakeWebcomServer.start();
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await fake.stop();
    await redis.quit();
  });

  beforeEach(() => {
    prefix = isolatedPrefix();
    apps = [];
    fake.clearRequests();
  });

  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    const keys = await keysUnder(redis, prefix);
    if (keys.length) await redis.del(...keys);
  });

  it('starts on one instance and approves on the other, once', async () => {
    await fleet();
    const started = await a.start({ to: NUMBER });
    const code = lastTextCode(fake, NUMBER);
    await expect(b.get(started.id)).resolves.toMatchObject({ to: NUMBER, status: 'pending' });
    await expect(b.check(started.id, code)).resolves.toEqual({
      status: 'approved',
      attemptsLeft: 0,
    });
    await expect(a.check(started.id, code)).resolves.toEqual({
      status: 'not_found',
      attemptsLeft: 0,
    });
    await expect(a.get(started.id)).resolves.toMatchObject({ status: 'approved' });
  });

  it('counts 20 concurrent wrong checks across both instances exactly up to maxCheckAttempts', async () => {
    await fleet({ maxCheckAttempts: 5 });
    const { id } = await a.start({ to: NUMBER });
    const code = lastTextCode(fake, NUMBER);
    const wrong = code === '000000' ? '111111' : '000000';
    const answers: VerificationCheckResult[] = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).check(id, wrong)),
    );
    const wrongCodes = answers.filter((r) => r.status === 'wrong_code');
    expect(wrongCodes.map((r) => r.attemptsLeft).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(answers.filter((r) => r.status === 'too_many_attempts')).toHaveLength(15);
    await expect(b.check(id, code)).resolves.toEqual({
      status: 'too_many_attempts',
      attemptsLeft: 0,
    });
  });

  it('holds one pending verification per number across instances, and frees it on expiry', async () => {
    await fleet({ ttlSeconds: 1 });
    const { id } = await a.start({ to: NUMBER });
    const code = lastTextCode(fake, NUMBER);
    const conflict = await b.start({ to: NUMBER }).catch((error: unknown) => error);
    expect(conflict).toBeInstanceOf(WebcomVerificationConflictError);
    expect((conflict as WebcomVerificationConflictError).verificationId).toBe(id);
    // Every key expires with the verification.
    for (const key of await keysUnder(redis, prefix)) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
    }
    await sleep(1100);
    await expect(b.check(id, code)).resolves.toEqual({ status: 'expired', attemptsLeft: 0 });
    await expect(b.start({ to: NUMBER })).resolves.toMatchObject({ status: 'pending' });
  });

  it('shares the per-number, per-key and cooldown limits', async () => {
    await fleet({
      limits: { perNumber: { max: 2, windowSeconds: 60 }, perKey: { max: 3, windowSeconds: 60 } },
      resendCooldownSeconds: 30,
    });
    const first = await a.start({ to: NUMBER }, { rateLimitKey: '203.0.113.7' });
    const early = await b.resend(first.id).catch((error: unknown) => error);
    expect(early).toBeInstanceOf(WebcomVerificationRateLimitError);
    expect((early as WebcomVerificationRateLimitError).retryAfterSeconds).toBeGreaterThan(25);
    await b.cancel(first.id);
    await b.cancel((await b.start({ to: NUMBER }, { rateLimitKey: '203.0.113.7' })).id);
    const perNumber = await a.start({ to: NUMBER }).catch((error: unknown) => error);
    expect(perNumber).toBeInstanceOf(WebcomVerificationRateLimitError);
    expect((perNumber as WebcomVerificationRateLimitError).retryAfterSeconds).toBeLessThanOrEqual(
      60,
    );
    await a.start({ to: '79990000001' }, { rateLimitKey: '203.0.113.7' });
    await expect(
      b.start({ to: '79990000002' }, { rateLimitKey: '203.0.113.7' }),
    ).rejects.toBeInstanceOf(WebcomVerificationRateLimitError);
  });

  it('approves a flashcall step with the code the gateway reports for it', async () => {
    await fleet({ workflow: [{ channel: 'flashcall' }] });
    const { id } = await a.start({ to: NUMBER });
    const call = [...fake.messages.values()]
      .filter((m) => m.to === NUMBER && m.channel === 'flashcall')
      .at(-1)!;
    expect(call.code).toMatch(/^\d{4}$/);
    await expect(b.check(id, call.code!)).resolves.toEqual({ status: 'approved', attemptsLeft: 0 });
  });

  it('falls back from a flashcall to an SMS through resend once the step has had its time', async () => {
    await fleet({
      workflow: [{ channel: 'flashcall', timeoutSeconds: 1 }, { channel: 'sms' }],
      resendCooldownSeconds: 1,
    });
    const { id } = await a.start({ to: NUMBER });
    await sleep(1100);
    await expect(b.resend(id)).resolves.toMatchObject({ channel: 'sms', step: 1 });
    await expect(a.check(id, lastTextCode(fake, NUMBER))).resolves.toMatchObject({
      status: 'approved',
    });
  });

  it('uses an ioredis client of the app’s, and leaves it open at shutdown', async () => {
    const client = new Redis(REDIS_URL);
    try {
      const instance = await startInstance(fake, prefix, { store: { redis: client, prefix } });
      const { id } = await instance.verification.start({ to: NUMBER });
      await expect(client.exists(`${prefix}:v:${id}`)).resolves.toBe(1);
      await instance.app.close();
      await expect(client.ping()).resolves.toBe('PONG');
    } finally {
      await client.quit();
    }
  });

  it('stores no code, no number and no rate-limit key in any Redis key or value', async () => {
    await fleet({ maxCheckAttempts: 3 });
    const numbers = [NUMBER, '79990000001', '79990000002'];
    const codes: string[] = [];
    for (const to of numbers) {
      const { id } = await a.start({ to }, { rateLimitKey: '203.0.113.7' });
      const code = lastTextCode(fake, to);
      codes.push(code);
      if (to === NUMBER) await b.check(id, code === '000000' ? '111111' : '000000');
    }
    const keys = await keysUnder(redis, prefix);
    expect(keys.length).toBeGreaterThanOrEqual(numbers.length * 2);
    const contents: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      contents.push(key);
      if (type === 'hash') contents.push(...Object.entries(await redis.hgetall(key)).flat());
      else if (type === 'string') contents.push((await redis.get(key))!);
      else throw new Error(`unexpected key type ${type}`);
    }
    const everything = contents.join('\n');
    for (const secret of [...numbers, ...numbers.map((n) => n.slice(1)), ...codes, '203.0.113.7']) {
      expect(everything).not.toContain(secret);
    }
  });
});
