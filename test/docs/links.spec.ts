import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { documentationFiles, headingAnchors, relativeLinks } from './markdown.js';

const root = resolve('.');
const docs = documentationFiles(root);

describe('links of README.md and docs/', () => {
  it('finds the pages the README promises', () => {
    for (const page of [
      'docs/README.md',
      'docs/protocol.md',
      'docs/channels.md',
      'docs/results-and-errors.md',
      'docs/tracking-and-events.md',
      'docs/health.md',
      'docs/testing.md',
      'docs/queue.md',
      'docs/benchmarks.md',
    ]) {
      expect(docs).toContain(page);
    }
  });

  it('resolves every relative link, anchors included, among the shipped README.md and docs/', () => {
    const broken: string[] = [];
    for (const doc of docs) {
      const markdown = readFileSync(join(root, doc), 'utf8');
      for (const { target, line } of relativeLinks(markdown)) {
        const [path = '', anchor] = target.split('#');
        const file = path
          ? resolve(dirname(join(root, doc)), decodeURIComponent(path))
          : join(root, doc);
        const where = `${doc}:${line} → ${target}`;
        const inPackage = relative(root, file);
        // The package ships README.md and docs/ (package.json "files"): links stay among them.
        if (inPackage !== 'README.md' && inPackage !== 'docs' && !inPackage.startsWith('docs/')) {
          broken.push(`${where} (outside README.md and docs/, which the package ships)`);
        } else if (!existsSync(file)) broken.push(`${where} (no such file)`);
        else if (anchor !== undefined) {
          const page = statSync(file).isDirectory() ? join(file, 'README.md') : file;
          if (!page.endsWith('.md') || !headingAnchors(readFileSync(page, 'utf8')).has(anchor)) {
            broken.push(`${where} (no such heading)`);
          }
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('cites no document that is not in the repository', () => {
    for (const doc of docs) {
      expect(`${doc}: ${readFileSync(join(root, doc), 'utf8')}`).not.toMatch(
        /PROTOCOL\.md|API\.md|BENCHMARKS\.md|\.\.\/shared/,
      );
    }
  });

  it('keeps the README a quick start of at most 16 kB', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThanOrEqual(16 * 1024);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('npm ci && npm start');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('npm ci && npm test');
  });
});
