// `npm run build`: the ES module build into dist/ and the CommonJS build of the same sources into
// dist/cjs/, each with its own declarations. Two runs of plain tsc: no bundler stands between the
// sources and what ships (decorator metadata, `.d.ts` and source maps come from the compiler).
//   --out-dir DIR   build into DIR instead of dist/ (the package tests build into a copy)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { staleEntryFields } from './package-entries.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = process.argv.indexOf('--out-dir');
const outDir = resolve(at === -1 ? join(root, 'dist') : process.argv[at + 1]);

const stale = staleEntryFields(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
if (stale.length > 0) {
  console.error(`package.json: ${stale.join(', ')} differ from scripts/package-entries.mjs:`);
  console.error('run `npm run entries`.');
  process.exit(1);
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compile = (project, out) =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [tsc, '-p', project, '--outDir', out], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`tsc -p ${project}`))));
  });

// A fresh folder: a file whose source is gone must not ship.
rmSync(outDir, { recursive: true, force: true });
try {
  await Promise.all([
    compile('tsconfig.build.json', outDir),
    compile('tsconfig.build-cjs.json', join(outDir, 'cjs')),
  ]);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
// The package is "type": "module"; below this file, .js and .d.ts are CommonJS.
mkdirSync(join(outDir, 'cjs'), { recursive: true });
writeFileSync(join(outDir, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
