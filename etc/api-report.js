// The public API of every package entry, as API Extractor reads it from the build's declarations
// (dist/, `npm run build` first): `npm run api` rewrites the reports in etc/, `npm run api:check`
// (part of `npm run lint`) fails when the declarations no longer match them. The entries are
// package.json's `exports` with types (written from scripts/package-entries.mjs's ENTRIES): adding
// an entry there adds its report.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(import.meta.dirname, '..');
const update = process.argv.includes('--update');
const declarations = join(root, 'dist');
/** API Extractor's scratch copies of the reports. */
const work = join(root, 'node_modules/.cache/nestjs-webcom-api');

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** `.` → `nestjs-webcom`, `./queue/health` → `nestjs-webcom-queue-health`. */
function reportName(entry) {
  return [manifest.name, ...entry.split('/').slice(1)].join('-');
}

/** The ES module declarations of an `exports` target: `types`, or its `import` condition's. */
function typesOf(target) {
  if (typeof target !== 'object' || target === null) return undefined;
  return typeof target.types === 'string' ? target.types : typesOf(target.import);
}

const entries = Object.entries(manifest.exports)
  .map(([entry, target]) => ({ entry, types: typesOf(target) }))
  .filter(({ types }) => types !== undefined)
  .map(({ entry, types }) => ({
    entry,
    name: reportName(entry),
    types: join(declarations, types.replace(/^\.\/dist\//, '')),
  }));

let failed = false;
for (const { entry, name, types } of entries) {
  const config = ExtractorConfig.prepare({
    configObjectFullPath: undefined,
    packageJsonFullPath: join(root, 'package.json'),
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: types,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            target: 'ES2022',
            lib: ['ES2024'],
            types: ['node'],
            skipLibCheck: true,
          },
          files: [types],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: name,
        reportFolder: join(root, 'etc'),
        reportTempFolder: join(work, 'reports'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning' },
          // A public type that refers to an unexported one: export it, or keep it out.
          'ae-forgotten-export': { logLevel: 'error', addToApiReportFile: true },
          // Release tags (@public, @beta) are not used: every exported name is public.
          'ae-missing-release-tag': { logLevel: 'none' },
          // Every exported member's documentation is checked by test/package/public-api-docs.
          'ae-undocumented': { logLevel: 'none' },
        },
        // The comments are written for editors' hovers, not for TSDoc's grammar.
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
  });
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  if (!result.succeeded) {
    failed = true;
    console.error(
      result.apiReportChanged && !update
        ? `The public API of "${entry}" changed: review it and run \`npm run api\` to update etc/${name}.api.md`
        : `API Extractor found ${result.errorCount} error(s) in "${entry}"`,
    );
  }
}
process.exitCode = failed ? 1 : 0;
