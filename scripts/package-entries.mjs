// The package's entry points, one line each: the subpath a user imports and the file of lib/
// (without extension) it leads to. package.json's "exports", "typesVersions", "main", "types"
// and "module" are written from this list (`npm run entries`), and the build refuses to run when
// they differ from it. Adding an entry: one line here, then `npm run entries`.
import { readFileSync, writeFileSync } from 'node:fs';
import { URL } from 'node:url';

export const ENTRIES = {
  '.': 'index',
  './health': 'health/index',
  './testing': 'testing/index',
  './queue': 'queue/index',
  './queue/health': 'queue/health',
  './verification': 'verification/index',
};

/** ES modules in dist/, CommonJS in dist/cjs/, each with its own declarations. */
const file = (dir, entry, ext) => `./${dir}/${ENTRIES[entry]}.${ext}`;
const conditions = (entry) => ({
  import: { types: file('dist', entry, 'd.ts'), default: file('dist', entry, 'js') },
  require: { types: file('dist/cjs', entry, 'd.ts'), default: file('dist/cjs', entry, 'js') },
});

/** The fields of package.json that follow from ENTRIES. */
export function entryFields() {
  const exports = {};
  for (const entry of Object.keys(ENTRIES)) exports[entry] = conditions(entry);
  exports['./package.json'] = './package.json';
  // TypeScript's `node10` resolution reads no "exports": it finds a subpath's types here.
  const subpaths = Object.keys(ENTRIES).filter((entry) => entry !== '.');
  const typesVersions = {
    '*': Object.fromEntries(
      subpaths.map((entry) => [entry.slice(2), [file('dist/cjs', entry, 'd.ts')]]),
    ),
  };
  return {
    main: file('dist/cjs', '.', 'js'),
    module: file('dist', '.', 'js'),
    types: file('dist/cjs', '.', 'd.ts'),
    exports,
    typesVersions,
  };
}

/** The names of the fields of `pkg` that differ from what ENTRIES gives. */
export function staleEntryFields(pkg) {
  return Object.entries(entryFields())
    .filter(([field, value]) => JSON.stringify(pkg[field]) !== JSON.stringify(value))
    .map(([field]) => field);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = new URL('../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(path, 'utf8'));
  const stale = staleEntryFields(pkg);
  if (process.argv.includes('--check')) {
    if (stale.length > 0) {
      console.error(`package.json: ${stale.join(', ')} differ from scripts/package-entries.mjs;`);
      console.error('run `npm run entries` to write them.');
      process.exit(1);
    }
  } else {
    // Keep the key order: the fields are replaced where they are, new ones go after "type".
    const fields = entryFields();
    const out = {};
    for (const [key, value] of Object.entries(pkg)) {
      if (key in fields) continue;
      out[key] = value;
      if (key === 'type') Object.assign(out, fields);
    }
    writeFileSync(path, `${JSON.stringify(out, null, 2)}\n`);
    console.log(
      stale.length ? `package.json: wrote ${stale.join(', ')}` : 'package.json: up to date',
    );
  }
}
