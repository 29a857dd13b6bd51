import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { documentationFiles, fencedBlocks } from './markdown.js';

/**
 * Every TypeScript block of README.md and docs/*.md is type-checked against the package's
 * sources, as its own module, under the strictest settings a user's app may have. A block is a
 * complete file: its imports included. `title="name.ts"` on the fence names the file, so that
 * a later block of the same page can import it (`./name.js`).
 *
 * Two markers leave a block out, and each is counted in the output:
 * - `skip-compile`: deliberately not a program;
 * - `after-merge`: written for an API another branch adds; remove the marker once it is merged.
 */
const root = resolve('.');
const SKIP_MARKERS = ['skip-compile', 'after-merge'] as const;

interface Snippet {
  doc: string;
  index: number;
  line: number;
  file: string;
}

/** Strict settings on top of the repository's own tsconfig.json (NodeNext, decorators). */
function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  // The blocks live in a temporary directory, outside the repository's rootDir.
  const options = { ...parsed.options };
  delete options.rootDir;
  delete options.outDir;
  return {
    ...options,
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    types: ['node', 'jest'],
    paths: {
      ...parsed.options.paths,
      // Entry points whose file is not `<entry>/index.ts`, as package.json "exports" maps them.
      'nestjs-webcom/queue/health': ['./lib/queue/health.ts'],
    },
  };
}

/** Writes each ts block of `docs` under `dir` and returns where each went. */
function writeSnippets(dir: string, docs: { doc: string; markdown: string }[]) {
  const snippets: Snippet[] = [];
  const skipped: Record<(typeof SKIP_MARKERS)[number], string[]> = {
    'skip-compile': [],
    'after-merge': [],
  };
  for (const { doc, markdown } of docs) {
    const folder = join(dir, doc.replace(/[^\w.-]/g, '_'));
    fencedBlocks(markdown)
      .filter((block) => block.language === 'ts' || block.language === 'typescript')
      .forEach((block, index) => {
        const marker = SKIP_MARKERS.find((name) => block.info.split(/\s+/).includes(name));
        if (marker) {
          skipped[marker].push(`${doc} block ${index + 1} (line ${block.line})`);
          return;
        }
        const title = /title="([^"]+\.ts)"/.exec(block.info)?.[1];
        const file = join(folder, title ?? `block-${index + 1}.ts`);
        mkdirSync(dirname(file), { recursive: true });
        // `export {}` keeps a block without imports or exports a module, as every block is one.
        writeFileSync(file, `${block.code}\nexport {};\n`);
        snippets.push({ doc, index: index + 1, line: block.line, file });
      });
  }
  return { snippets, skipped };
}

/** Type-checks the snippets in one program; the diagnostics of each, rendered. */
function typeCheck(snippets: Snippet[]): Map<Snippet, string[]> {
  const program = ts.createProgram(
    snippets.map((snippet) => snippet.file),
    compilerOptions(),
  );
  const found = new Map<Snippet, string[]>();
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length) {
    throw new Error(ts.formatDiagnostics(global, formatHost));
  }
  for (const snippet of snippets) {
    const source = program.getSourceFile(snippet.file);
    if (!source) throw new Error(`${snippet.file} is not in the program`);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ].map((diagnostic) => {
      const where =
        diagnostic.start === undefined
          ? ''
          : `line ${source.getLineAndCharacterOfPosition(diagnostic.start).line + 1} of the block: `;
      return `${where}TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    });
    found.set(snippet, diagnostics);
  }
  return found;
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (name) => name,
  getCurrentDirectory: () => root,
  getNewLine: () => '\n',
};

/** Blocks that must fail: proof that the checker runs with the settings it claims. */
const CANARY = [
  '```ts',
  "import { WebcomService } from 'nestjs-webcom';",
  'export async function firstId(webcom: WebcomService): Promise<string> {',
  "  const { messages } = await webcom.sendSms({ to: '79991234567', text: 'x' });",
  '  return messages[0].id; // possibly undefined under noUncheckedIndexedAccess',
  '}',
  '```',
  '```ts',
  "import { Module } from '@nestjs/common';",
  "import { WebcomModule } from 'nestjs-webcom';",
  '// exactOptionalPropertyTypes: an optional option may be left out, not set to undefined.',
  "const sender: string | undefined = process.env['SENDER'];",
  '@Module({',
  "  imports: [WebcomModule.forRoot({ credentials: { token: 't' }, senders: { sms: sender } })],",
  '})',
  'export class AppModule {}',
  '```',
].join('\n');

describe('TypeScript snippets of README.md and docs/', () => {
  let dir: string;
  let results: Map<Snippet, string[]>;
  let skipped: ReturnType<typeof writeSnippets>['skipped'];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nestjs-webcom-snippets-'));
    // Each block is an ES module of an app that has the package's peers installed.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const docs = documentationFiles(root).map((doc) => ({
      doc,
      markdown: readFileSync(join(root, doc), 'utf8'),
    }));
    const written = writeSnippets(dir, [...docs, { doc: 'canary.md', markdown: CANARY }]);
    skipped = written.skipped;
    results = typeCheck(written.snippets);
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('catches a missing undefined check and an optional set to undefined (the canaries)', () => {
    const canaries = [...results].filter(([snippet]) => snippet.doc === 'canary.md');
    expect(canaries).toHaveLength(2);
    for (const [, diagnostics] of canaries) expect(diagnostics).not.toEqual([]);
    expect(canaries[0]?.[1].join('\n')).toMatch(/TS2532/);
    expect(canaries[1]?.[1].join('\n')).toMatch(/TS2375|TS2379|TS2322/);
  });

  it('compiles every block', () => {
    const documented = [...results].filter(([snippet]) => snippet.doc !== 'canary.md');
    const failures = documented
      .filter(([, diagnostics]) => diagnostics.length > 0)
      .map(
        ([snippet, diagnostics]) =>
          `${snippet.doc} block ${snippet.index} (fence at line ${snippet.line}, ` +
          `${relative(dir, snippet.file)}):\n  ${diagnostics.join('\n  ')}`,
      );
    const skippedLines = Object.entries(skipped).map(
      ([marker, blocks]) =>
        `${blocks.length} marked ${marker}${blocks.length ? `: ${blocks.join(', ')}` : ''}`,
    );
    console.info(`docs snippets: ${documented.length} type-checked; ${skippedLines.join('; ')}`);
    expect(failures).toEqual([]);
    // The docs hold far more than a handful of blocks: an extraction that finds none must fail.
    expect(documented.length).toBeGreaterThan(20);
  });
});
