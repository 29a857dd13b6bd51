import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { WebcomModule } from '../../lib/webcom.module.js';
import { FakeWebcomServer } from '../../lib/testing/index.js';
import {
  WebcomVerificationModule,
  WebcomVerificationService,
  type WebcomVerificationModuleOptions,
} from '../../lib/verification/index.js';
import { REDIS_URL } from '../queue/support/redis.js';
import { SECRET, SENDERS } from './support.js';

/** `REDIS_URL` as the store's `{ host, port, db }`. */
export function redisConnection() {
  const url = new URL(REDIS_URL);
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 6379),
    db: Number(url.pathname.slice(1) || 0),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
}

/** A key prefix no other test (or run) uses. */
export const isolatedPrefix = () =>
  `webcom-verify-test-${process.pid}-${randomBytes(4).toString('hex')}`;

/** Every key under `prefix`. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/** One instance of an app: a real `WebcomModule` on the emulator, verifications in Redis. */
export async function startInstance(
  fake: FakeWebcomServer,
  prefix: string,
  options: Partial<WebcomVerificationModuleOptions> = {},
): Promise<{ app: INestApplicationContext; verification: WebcomVerificationService }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      WebcomModule.forRoot({
        credentials: { token: 'fleet' },
        baseUrl: fake.baseUrl,
        senders: SENDERS,
        retries: 0,
      }),
      WebcomVerificationModule.forRoot({
        secret: SECRET,
        store: { redis: redisConnection(), prefix },
        ...options,
      }),
    ],
  }).compile();
  const app = await moduleRef.init();
  return { app, verification: app.get(WebcomVerificationService) };
}

/** The code in the last text the emulator received for `to`. */
export function lastTextCode(fake: FakeWebcomServer, to: string): string {
  const sends = fake.requests.filter((r) => r.operation === 'send' && r.query.dadr === to);
  const query = sends.at(-1)!.query;
  const text = Object.entries(query).find(
    ([name]) => name === 'text' || name.startsWith('text_'),
  )![1];
  return text.match(/\d{4,10}/)![0];
}
