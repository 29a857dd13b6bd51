import type {
  Counter,
  Histogram,
  MeterProvider,
  ObservableCallback,
  ObservableGauge,
} from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION, type OtelApi } from './otel-api.js';

/** Histogram boundaries the semantic conventions advise for durations in seconds. */
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** An account's metric instruments on one meter provider. */
export interface Instruments {
  provider: MeterProvider;
  /** The API's no-op meter: no SDK registered for metrics. */
  noop: boolean;
  messages: Counter;
  duration: Histogram;
  /** Observed through the account's own callback, which reports its last balance. */
  balance: ObservableGauge;
}

/**
 * The instruments on `provider`, the balance gauge observed by `observeBalance`. Each account
 * creates its own: the SDK hands instruments of one name and description the same storage, so
 * the accounts' points meet in one metric.
 */
export function createInstruments(
  api: OtelApi,
  provider: MeterProvider,
  observeBalance: ObservableCallback,
): Instruments {
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);
  const balance = meter.createObservableGauge('webcom.account.balance', {
    description: 'The last balance the gateway reported for the account, in its currency',
  });
  balance.addCallback(observeBalance);
  return {
    provider,
    noop: meter === api.createNoopMeter(),
    messages: meter.createCounter('webcom.messages', {
      description: 'Messages (one per recipient) the gateway was asked to send, by outcome',
      unit: '{message}',
    }),
    duration: meter.createHistogram('messaging.client.operation.duration', {
      description: 'Duration of a Webcom gateway operation, its retries included',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    balance,
  };
}
