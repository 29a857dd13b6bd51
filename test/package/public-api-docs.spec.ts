import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Every exported symbol and public member of the published declarations carries JSDoc, as an
 * editor shows it on hover. The declarations are emitted in memory with the build's own options,
 * then read back as a consumer's compiler reads dist/.
 */

const root = resolve(import.meta.dirname, '../..');

/** The package.json `exports` entries that publish types, as their source files. */
function entryPoints(): string[] {
  const manifest = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { import: { types?: string } }>;
  };
  // The ES module build's declarations; the CommonJS ones are compiled from the same sources.
  return Object.values(manifest.exports)
    .map((target) => (typeof target === 'string' ? undefined : target.import.types))
    .filter((types): types is string => types !== undefined)
    .map((types) => types.replace(/^\.\/dist\//, ''));
}

/** lib/ compiled with tsconfig.build.json, declarations only, kept in memory by dist path. */
function emitDeclarations(): Map<string, string> {
  const configPath = resolve(root, 'tsconfig.build.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.build.json does not parse');
  const program = ts.createProgram(config.fileNames, config.options);
  const files = new Map<string, string>();
  const result = program.emit(
    undefined,
    (fileName, text) => {
      if (fileName.endsWith('.d.ts')) files.set(resolve(fileName), text);
    },
    undefined,
    true,
  );
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new Error(ts.formatDiagnostics(errors, ts.createCompilerHost(config.options)));
  }
  return files;
}

function ancestors(file: string): string[] {
  const found: string[] = [];
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) found.push(dir);
  return found;
}

/** A program over the emitted declarations alone, resolving packages from node_modules. */
function declarationProgram(files: Map<string, string>, roots: string[]): ts.Program {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  };
  const disk = ts.createCompilerHost(options);
  const emittedDirectories = new Set([...files.keys()].flatMap((name) => ancestors(name)));
  const host: ts.CompilerHost = {
    ...disk,
    fileExists: (name) => files.has(resolve(name)) || disk.fileExists(name),
    readFile: (name) => files.get(resolve(name)) ?? disk.readFile(name),
    directoryExists: (name) =>
      emittedDirectories.has(resolve(name)) || (disk.directoryExists?.(name) ?? false),
    getSourceFile: (name, languageVersion, onError, shouldCreate) => {
      const text = files.get(resolve(name));
      return text === undefined
        ? disk.getSourceFile(name, languageVersion, onError, shouldCreate)
        : ts.createSourceFile(name, text, languageVersion, true);
    },
  };
  return ts.createProgram(roots, options, host);
}

/** The JSDoc blocks written on a declaration (on its statement, for a variable). */
function jsDocOf(node: ts.Node): ts.JSDoc[] {
  return ts.getJSDocCommentsAndTags(node).filter((d): d is ts.JSDoc => ts.isJSDoc(d));
}

function hasDoc(node: ts.Node): boolean {
  return jsDocOf(node).some(
    (doc) =>
      (doc.comment !== undefined && ts.getTextOfJSDocComment(doc.comment)?.trim() !== '') ||
      (doc.tags ?? []).some((tag) => tag.tagName.text === 'deprecated'),
  );
}

function isInternal(node: ts.Node): boolean {
  return jsDocOf(node).some((doc) => (doc.tags ?? []).some((t) => t.tagName.text === 'internal'));
}

function isHidden(member: ts.Node): boolean {
  const flags = ts.getCombinedModifierFlags(member as ts.Declaration);
  return (
    (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0 ||
    (ts.isPropertyDeclaration(member) && ts.isPrivateIdentifier(member.name)) ||
    isInternal(member)
  );
}

/** A property whose type is one literal, e.g. `kind: 'drop'`: the discriminant of a union. */
function isTag(member: ts.Node): boolean {
  return (
    ts.isPropertySignature(member) &&
    member.type !== undefined &&
    ts.isLiteralTypeNode(member.type) &&
    member.questionToken === undefined
  );
}

interface Coverage {
  documented: string[];
  missing: string[];
}

function audit(files: Map<string, string>): Coverage {
  const roots = entryPoints().map((entry) => resolve(root, 'dist', entry));
  for (const r of roots) if (!files.has(r)) throw new Error(`no declarations emitted for ${r}`);
  const program = declarationProgram(files, roots);
  const checker = program.getTypeChecker();
  const coverage: Coverage = { documented: [], missing: [] };
  const seen = new Set<ts.Node>();

  const record = (name: string, node: ts.Node) => {
    if (seen.has(node)) return;
    seen.add(node);
    const source = node.getSourceFile();
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    const where = `${source.fileName.slice(resolve(root, 'dist').length + 1)}:${line}`;
    (hasDoc(node) ? coverage.documented : coverage.missing).push(`${name} (${where})`);
  };

  /** Members of a type literal, interface or class body, named `owner.member`. */
  const walkMembers = (owner: string, members: readonly ts.Node[]) => {
    for (const member of members) {
      if (isHidden(member)) continue;
      if (ts.isConstructorDeclaration(member) || ts.isIndexSignatureDeclaration(member)) continue;
      if (ts.isClassStaticBlockDeclaration(member)) continue;
      const name =
        'name' in member && member.name ? (member.name as ts.PropertyName).getText() : '()';
      // Swagger reads this static factory; it is generated plumbing, not API to read.
      if (name === '_OPENAPI_METADATA_FACTORY') continue;
      record(`${owner}.${name}`, member);
      const type = (member as { type?: ts.TypeNode }).type;
      if (type && !ts.isMethodDeclaration(member) && !ts.isMethodSignature(member)) {
        walkType(`${owner}.${name}`, type);
      }
    }
  };

  /** Type literals inside a type: their members are public API too. */
  const walkType = (owner: string, type: ts.TypeNode) => {
    if (ts.isTypeLiteralNode(type)) walkMembers(owner, type.members);
    else if (ts.isUnionTypeNode(type)) {
      for (const t of type.types) {
        // A variant's tag (`kind: 'drop'`) is named by the variant's own comment.
        if (ts.isTypeLiteralNode(t))
          walkMembers(
            owner,
            t.members.filter((m) => !isTag(m)),
          );
        else walkType(owner, t);
      }
    } else if (ts.isIntersectionTypeNode(type)) {
      for (const t of type.types) walkType(owner, t);
    } else if (ts.isArrayTypeNode(type)) walkType(`${owner}[]`, type.elementType);
    else if (ts.isParenthesizedTypeNode(type)) walkType(owner, type.type);
    else if (ts.isTypeOperatorNode(type)) walkType(owner, type.type);
  };

  /** A class's or interface's members, and those it inherits from the package's own types. */
  const walkClassLike = (
    name: string,
    node: ts.ClassDeclaration | ts.InterfaceDeclaration,
  ): void => {
    walkMembers(name, node.members);
    for (const clause of node.heritageClauses ?? []) {
      // `implements` adds no member: the class declares each one itself.
      if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
      for (const base of clause.types) {
        let symbol = checker.getSymbolAtLocation(base.expression);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias)
          symbol = checker.getAliasedSymbol(symbol);
        for (const declaration of symbol?.declarations ?? []) {
          if (!files.has(resolve(declaration.getSourceFile().fileName))) continue;
          if (ts.isClassDeclaration(declaration) || ts.isInterfaceDeclaration(declaration)) {
            walkClassLike(declaration.name?.text ?? name, declaration);
          }
        }
      }
    }
  };

  const walkDeclaration = (name: string, node: ts.Declaration) => {
    if (isInternal(node)) return;
    record(name, node);
    if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) {
      walkClassLike(name, node);
    } else if (ts.isTypeAliasDeclaration(node)) {
      walkType(name, node.type);
    } else if (ts.isVariableDeclaration(node) && node.type) {
      walkType(name, node.type);
    }
  };

  for (const file of roots) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`cannot read ${file}`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const declaration of symbol.declarations ?? []) {
        walkDeclaration(exported.name, declaration);
      }
    }
  }
  return coverage;
}

describe('public API docs', () => {
  it('documents every exported symbol and public member in the published .d.ts', () => {
    const build = JSON.parse(
      ts.sys.readFile(resolve(root, 'tsconfig.build.json'))!.replace(/^\s*\/\/.*$/gm, ''),
    ) as { compilerOptions?: { removeComments?: boolean } };
    // Comments must survive the build, or the .d.ts loses every JSDoc below.
    expect(build.compilerOptions?.removeComments).not.toBe(true);

    const { documented, missing } = audit(emitDeclarations());
    const total = documented.length + missing.length;
    console.log(`public API docs: ${documented.length}/${total}`);
    expect(total).toBeGreaterThan(150);
    expect(missing).toEqual([]);
  });
});
