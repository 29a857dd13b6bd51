import { createRequire } from 'node:module';
import type * as OpenTelemetryApi from '@opentelemetry/api';

export type OtelApi = typeof OpenTelemetryApi;

const require = createRequire(import.meta.url);

/**
 * `@opentelemetry/api` when the app has it installed, else undefined. Loaded once, synchronously,
 * the way instrumented libraries do: importing the module works without it, and with it the calls
 * reach whatever SDK the app registers (the API keeps its providers in one process-wide global,
 * so the copy required here and the app's own `import` share them).
 */
function loadApi(): OtelApi | undefined {
  try {
    return require('@opentelemetry/api') as OtelApi;
  } catch {
    return undefined;
  }
}

/** This package's version, the instrumentation scope's version; undefined if unreadable. */
function loadVersion(): string | undefined {
  try {
    // dist/telemetry/ and lib/telemetry/ both sit two levels below the package root.
    return (require('../../package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export const otel: OtelApi | undefined = loadApi();

/** The instrumentation scope every tracer and meter of the module is named after. */
export const INSTRUMENTATION_SCOPE = 'nestjs-webcom';
export const INSTRUMENTATION_VERSION: string | undefined = loadVersion();
