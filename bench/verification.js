// Section "verification" of the benchmark: what a verification costs, start (one SMS through the
// real WebcomService, its transport answering at once) plus check (the right code), on the
// memory store and on Redis, and how many store round trips each operation makes. Redis is
// REDIS_URL (default redis://127.0.0.1:6379); without one answering, its rows are skipped.
import 'reflect-metadata';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { ROOT_DIR, fmt, median, table } from './lib/common.js';
import { serviceOnInstantTransport } from './lib/cpu.js';

const dist = (file) => import(pathToFileURL(path.join(ROOT_DIR, 'dist', file)).href);
const CODE_MARK = Symbol.for('nestjs-webcom.verification-code');
const SECRET = 'bench-secret-bench-secret-bench-secret!';

/** Counts calls per store method: one call is one round trip to a remote store. */
function counting(store) {
  const calls = {};
  const proxy = new Proxy(store, {
    get(target, name) {
      const value = target[name];
      if (typeof value !== 'function') return value;
      return (...args) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return value.apply(target, args);
      };
    },
  });
  return { proxy, calls };
}

/** A WebcomService whose sends go through the real validation and encoding, answered at once. */
async function benchWebcom() {
  const { Logger } = await import('@nestjs/common');
  Logger.overrideLogger(['error']);
  const { service, close } = await serviceOnInstantTransport();
  const sent = { code: '' };
  // The code a send carried, read as WebcomTestingModule's recorder reads it.
  const webcom = {
    send: (channel, dto) => {
      sent.code = dto[CODE_MARK];
      return service.send(channel, dto);
    },
    getStatus: (id) => service.getStatus(id),
  };
  return { webcom, sent, close };
}

/** Median µs of start + check over `runs` runs of `iterations` sequential verifications. */
async function measure(verification, sent, { iterations, runs }) {
  let number = 79_100_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
  const one = async () => {
    const { id } = await verification.start({ to: String(number++) });
    const { status } = await verification.check(id, sent.code);
    if (status !== 'approved') throw new Error(`check answered ${status}`);
  };
  for (let i = 0; i < Math.min(200, iterations); i++) await one();
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    for (let i = 0; i < iterations; i++) await one();
    samples.push(((performance.now() - started) * 1000) / iterations);
  }
  return median(samples);
}

/** Runs the section; `log` prints. Returns the figures by store. */
export async function verificationSection({ quick, log, runs }) {
  const iterations = quick ? 300 : 2_000;
  const samples = runs ?? (quick ? 2 : 5);
  log(
    `\n## Verification: start + check (one SMS, transport stubbed), ${fmt(iterations)} sequential verifications per run, median of ${samples}\n`,
  );
  const { WebcomVerificationService } = await dist('verification/index.js');
  const { MemoryVerificationStore } = await dist('verification/memory-verification-store.js');
  const { RedisVerificationStore } = await dist('verification/redis-verification-store.js');
  const { resolveVerificationOptions } = await dist('verification/verification-options.js');
  const options = resolveVerificationOptions({
    secret: SECRET,
    limits: { perNumber: { max: 1_000_000, windowSeconds: 60 } },
  });
  const { webcom, sent, close } = await benchWebcom();
  const rows = [];
  const figures = {};
  const stores = [
    {
      name: 'memory',
      open: async () => ({ store: new MemoryVerificationStore(), done: async () => {} }),
    },
  ];
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  stores.push({
    name: `redis (${redisUrl})`,
    open: async () => {
      const { Redis } = await import('ioredis');
      const client = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
      await client.connect();
      const prefix = `webcom-verify-bench-${randomBytes(4).toString('hex')}`;
      return {
        store: new RedisVerificationStore(client, prefix),
        done: async () => {
          let cursor = '0';
          do {
            const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
            if (keys.length) await client.del(...keys);
            cursor = next;
          } while (cursor !== '0');
          await client.quit();
        },
      };
    },
  });
  try {
    for (const { name, open } of stores) {
      let opened;
      try {
        opened = await open();
      } catch (error) {
        rows.push([name, `skipped: ${error.message}`, '', '']);
        continue;
      }
      try {
        const { proxy, calls } = counting(opened.store);
        const verification = new WebcomVerificationService(webcom, proxy, options);
        const us = await measure(verification, sent, { iterations, runs: samples });
        const total = samples * iterations + Math.min(200, iterations);
        const perStart = ((calls.create ?? 0) + (calls.attachMessage ?? 0)) / total;
        const perCheck = ((calls.reserveAttempt ?? 0) + (calls.approve ?? 0)) / total;
        figures[name] = { us, storeCallsPerStart: perStart, storeCallsPerCheck: perCheck };
        rows.push([name, fmt(us, 1), fmt(perStart, 1), fmt(perCheck, 1)]);
      } finally {
        await opened.done();
      }
    }
  } finally {
    await close();
  }
  log(table(['store', 'µs per start + check', 'store round trips per start', 'per check'], rows));
  return figures;
}
