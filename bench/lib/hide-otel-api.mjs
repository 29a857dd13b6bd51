// Preloaded with --import: makes @opentelemetry/* unresolvable, as in an app that never
// installed it. The library looks for the API with require() (createRequire), which this covers.
import Module from 'node:module';

/** @type {{ _resolveFilename: (request: string, ...rest: unknown[]) => string }} */
const loader = /** @type {any} */ (Module);
const resolve = loader._resolveFilename;
loader._resolveFilename = function (request, ...rest) {
  if (request.startsWith('@opentelemetry/')) {
    throw Object.assign(new Error(`Cannot find module '${request}'`), {
      code: 'MODULE_NOT_FOUND',
    });
  }
  return resolve.call(this, request, ...rest);
};
