/**
 * A `require` rooted in this package's own folder, for the ES module build and the CommonJS one
 * alike: this file is CommonJS in both (`.cts`), so it needs no ES-module-only syntax. It
 * loads, synchronously and lazily, the CommonJS builds of optional or heavy dependencies.
 */
export const packageRequire: NodeJS.Require = require;

/** This file's path: which copy of the package (which build, which install) is running. */
export const packageFile: string = __filename;
