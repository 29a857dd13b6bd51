import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { relativeLinks } from './docs/markdown.js';

/** Build outputs and local state: never part of what is packed from a clean checkout. */
const LOCAL_ONLY = new Set(['node_modules', '.git', 'dist', 'dist-sample', 'coverage', '.env']);

interface PackedFile {
  path: string;
}

/**
 * What `npm pack` would publish, from a copy of the repository with a fresh build: a stale
 * or missing dist/ in the working tree cannot hide a problem.
 */
describe('the published package', () => {
  let copy: string;
  let packed: string[];
  const read = (path: string) => readFileSync(join(copy, path), 'utf8');

  beforeAll(() => {
    const root = resolve('.');
    copy = join(mkdtempSync(join(tmpdir(), 'webcom-pack-')), 'package');
    cpSync(root, copy, {
      recursive: true,
      filter: (source) => source === root || !LOCAL_ONLY.has(basename(source)),
    });
    // The build as `npm run build` makes it (ES modules and CommonJS), into the copy.
    const env = { ...process.env, NODE_OPTIONS: '' };
    execFileSync(process.execPath, ['scripts/build.mjs', '--out-dir', join(copy, 'dist')], {
      cwd: root,
      env,
      stdio: 'pipe',
    });
    const [report] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: copy,
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as { files: PackedFile[] }[];
    packed = report.files.map((file) => file.path);
  }, 180_000);

  afterAll(() => {
    if (copy) rmSync(dirname(copy), { recursive: true, force: true });
  });

  it('ships the entry points, the README and an MIT LICENSE', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/cjs/package.json',
        'dist/cjs/index.js',
        'dist/cjs/index.d.ts',
      ]),
    );
    expect(JSON.parse(read('dist/cjs/package.json'))).toEqual({ type: 'commonjs' });
    const license = read('LICENSE');
    expect(license).toMatch(/^MIT License/);
    expect(license).toContain('Copyright (c) 2026 nestjs-webcom contributors');
    expect(JSON.parse(read('package.json')).license).toBe('MIT');
  });

  it('ships nothing but the build and the documents', () => {
    const outside = packed.filter(
      (path) => !/^dist\//.test(path) && !/^docs\//.test(path) && path.includes('/'),
    );
    expect(outside).toEqual([]);
    expect(packed.filter((path) => /\.ts$/.test(path) && !/\.d\.ts$/.test(path))).toEqual([]);
  });

  it('ships source maps that carry their sources, since lib/ is not shipped', () => {
    const maps = packed.filter((path) => path.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(0);
    for (const path of maps) {
      const map = JSON.parse(read(path)) as { sources: string[]; sourcesContent?: unknown[] };
      expect([path, map.sourcesContent?.length]).toEqual([path, map.sources.length]);
      for (const content of map.sourcesContent ?? []) {
        expect([path, typeof content]).toEqual([path, 'string']);
      }
    }
    // Every map a script names is shipped with it.
    for (const path of packed.filter((p) => p.endsWith('.js'))) {
      const named = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(read(path))?.[1];
      if (named) expect(packed).toContain(posix.join(posix.dirname(path), named));
    }
  });

  it('ships every file a shipped Markdown document links to', () => {
    const documents = packed.filter((path) => path.endsWith('.md'));
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/README.md']));
    const broken: string[] = [];
    for (const document of documents) {
      for (const { target } of relativeLinks(read(document))) {
        const path = decodeURIComponent(target.replace(/[?#].*$/, ''));
        if (path === '') continue;
        const resolved = posix.normalize(posix.join(posix.dirname(document), path));
        const isShipped =
          packed.includes(resolved) || packed.some((file) => file.startsWith(`${resolved}/`));
        if (!isShipped) broken.push(`${document} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
