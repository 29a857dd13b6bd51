import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerPackageCopy } from '../../lib/util/single-copy.js';

/** Every source file of lib/, recursively. */
function sources(dir = 'lib'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : /\.c?ts$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('one source for the ES module and the CommonJS builds', () => {
  it('uses no import.meta, which a CommonJS module cannot parse', () => {
    const using = sources().filter((file) => /import\.meta\b/.test(readFileSync(file, 'utf8')));
    expect(using).toEqual([]);
  });
});

describe('two copies of the package in one process', () => {
  it('warns once the second copy loads, naming both', () => {
    const registry = {};
    const warnings: string[] = [];
    registerPackageCopy('/app/node_modules/nestjs-webcom/dist/util/x.cjs', registry, (m) =>
      warnings.push(m),
    );
    expect(warnings).toEqual([]);
    registerPackageCopy('/app/node_modules/nestjs-webcom/dist/cjs/util/x.cjs', registry, (m) =>
      warnings.push(m),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('loaded twice');
    expect(warnings[0]).toContain('/dist/util/x.cjs');
    expect(warnings[0]).toContain('/dist/cjs/util/x.cjs');
  });

  it('stays quiet when the same copy is reached through several entry points', () => {
    const registry = {};
    const warnings: string[] = [];
    for (let i = 0; i < 3; i++)
      registerPackageCopy('/a/dist/util/x.cjs', registry, (m) => warnings.push(m));
    expect(warnings).toEqual([]);
  });
});
