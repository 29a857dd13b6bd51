import { packageFile } from './package-require.cjs';

/** Where the first copy of the package loaded in this process records itself. */
const LOADED = Symbol.for('nestjs-webcom.loaded-copy');

type Registry = { [LOADED]?: string };

/**
 * Records `copy` (a file of the running copy of the package) process-wide, and warns when
 * another copy was loaded before it. Two copies are two `WebcomService` classes, so two DI
 * tokens: a provider registered through one is not found by code importing the other. It
 * happens when an app `import`s the package and something else `require`s it (the ES module and
 * CommonJS builds are two copies), or when two versions are installed side by side.
 */
export function registerPackageCopy(
  copy: string,
  registry: Registry = globalThis as Registry,
  warn: (message: string) => void = (message) =>
    process.emitWarning(message, { code: 'NESTJS_WEBCOM_DUAL_PACKAGE' }),
): void {
  const first = registry[LOADED];
  if (first === undefined) {
    registry[LOADED] = copy;
  } else if (first !== copy) {
    warn(
      `nestjs-webcom is loaded twice in this process (${first} and ${copy}): each copy has its ` +
        'own WebcomService and tokens, so a provider registered through one is not found by ' +
        'code importing the other. Load it one way only (all `import` or all `require`) and ' +
        'install a single version (`npm ls nestjs-webcom`).',
    );
  }
}

registerPackageCopy(packageFile);
