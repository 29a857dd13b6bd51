import type * as OpenTelemetryApi from '@opentelemetry/api';
import { packageRequire } from '../util/package-require.cjs';

export type OtelApi = typeof OpenTelemetryApi;

/**
 * `@opentelemetry/api` when the app has it installed, else undefined. Loaded once, synchronously,
 * the way instrumented libraries do: importing the module works without it, and with it the calls
 * reach whatever SDK the app registers (the API keeps its providers in one process-wide global,
 * so the copy required here and the app's own `import` share them).
 */
function loadApi(): OtelApi | undefined {
  try {
    return packageRequire('@opentelemetry/api') as OtelApi;
  } catch {
    return undefined;
  }
}

/** This package's version, the instrumentation scope's version; undefined if unreadable. */
function loadVersion(): string | undefined {
  try {
    // By the package's own name: lib/, dist/ and dist/cjs/ sit at different depths below it.
    return (packageRequire('nestjs-webcom/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export const otel: OtelApi | undefined = loadApi();

/** The instrumentation scope every tracer and meter of the module is named after. */
export const INSTRUMENTATION_SCOPE = 'nestjs-webcom';
export const INSTRUMENTATION_VERSION: string | undefined = loadVersion();
