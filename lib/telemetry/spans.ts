import type { Attributes, Span } from '@opentelemetry/api';
import { ATTR, errorStatus, errorType, possiblyDelivered } from './attributes.js';
import { otel, type OtelApi } from './otel-api.js';
import type { TelemetryOperation } from './telemetry-scope.js';

/** What the tracer provider the API hands out delegates to while no SDK is registered. */
const NOOP_TRACER_PROVIDER = otel && new otel.ProxyTracerProvider().getDelegate();

/**
 * Whether an SDK receives traces. While none does, the API would create a non-recording span per
 * call: skipping that is what makes "installed, no SDK" cost next to nothing.
 */
export function tracing(api: OtelApi): boolean {
  const provider = api.trace.getTracerProvider();
  // A provider of another copy of the API is taken as a real one.
  return !(
    provider instanceof api.ProxyTracerProvider && provider.getDelegate() === NOOP_TRACER_PROVIDER
  );
}

/** After the messaging conventions: `{operation} {channel}`, e.g. `send sms`; else `balance`. */
export function spanName(operation: TelemetryOperation): string {
  return operation.channel ? `${operation.operation} ${operation.channel}` : operation.operation;
}

/** The conventions count a batch only when it holds more than one message. */
export function batchCount(recipients: number | undefined): Attributes {
  return recipients !== undefined && recipients > 1
    ? { [ATTR.messagingBatchMessageCount]: recipients }
    : {};
}

export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

/**
 * Marks a span failed. No exception event: an error's message may quote the gateway's answer,
 * which may echo a phone number back.
 */
export function markFailed(api: OtelApi, span: Span, error: unknown): void {
  const status = errorStatus(error);
  if (status !== undefined) span.setAttribute(ATTR.httpResponseStatusCode, status);
  span.setAttribute(ATTR.errorType, errorType(error));
  span.setAttribute(ATTR.possiblyDelivered, possiblyDelivered(error));
  span.setStatus({ code: api.SpanStatusCode.ERROR });
}
