import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Every bare package a source file imports, following relative imports through lib/. */
function packagesImportedBy(entry: string, seen = new Set<string>(), packages = new Set<string>()) {
  if (seen.has(entry)) return packages;
  seen.add(entry);
  const source = readFileSync(entry, 'utf8');
  for (const [, specifier] of source.matchAll(
    /(?:import|export)[^'"]*?from\s+'([^']+)'|import\s+'([^']+)'/g,
  )) {
    if (!specifier) continue;
    if (specifier.startsWith('.')) {
      packagesImportedBy(
        resolve(dirname(entry), specifier.replace(/\.js$/, '.ts').replace(/\.cjs$/, '.cts')),
        seen,
        packages,
      );
    } else {
      packages.add(specifier);
    }
  }
  return packages;
}

describe('entry points', () => {
  it('nestjs-webcom needs neither @nestjs/terminus nor the queue packages', () => {
    const packages = [...packagesImportedBy(resolve('lib/index.ts'))];
    expect(packages).toContain('@nestjs/axios');
    expect(packages.filter((p) => /terminus|bullmq|ioredis/.test(p))).toEqual([]);
  });

  it('nestjs-webcom gives the DTOs their OpenAPI metadata without importing @nestjs/swagger', () => {
    const packages = [...packagesImportedBy(resolve('lib/index.ts'))];
    expect(packages.filter((p) => /swagger/.test(p))).toEqual([]);
  });

  it('nestjs-webcom/testing needs neither @nestjs/terminus nor the queue packages', () => {
    const packages = [...packagesImportedBy(resolve('lib/testing/index.ts'))];
    expect(packages.filter((p) => /terminus|bullmq|ioredis/.test(p))).toEqual([]);
  });

  it('nestjs-webcom/queue needs no @nestjs/terminus (its indicator has an entry of its own)', () => {
    const packages = [...packagesImportedBy(resolve('lib/queue/index.ts'))];
    expect(packages).toContain('bullmq');
    expect(packages.filter((p) => /terminus/.test(p))).toEqual([]);
  });

  it('nestjs-webcom/verification needs neither @nestjs/terminus nor bullmq, and ioredis only for a Redis connection', () => {
    const packages = [...packagesImportedBy(resolve('lib/verification/index.ts'))];
    expect(packages.filter((p) => /terminus|bullmq|ioredis/.test(p))).toEqual([]);
    const store = readFileSync(resolve('lib/verification/redis-verification-store.ts'), 'utf8');
    expect(store).toContain("await import('ioredis')");
  });
});
