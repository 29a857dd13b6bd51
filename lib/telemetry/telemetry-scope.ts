import type { WebcomOperation } from '../events.js';
import type { Channel } from '../protocol/channels.js';

/** One gateway operation, as the gateway client starts it. */
export interface TelemetryOperation {
  /** What the operation does. */
  operation: WebcomOperation;
  /** A send's channel. */
  channel?: Channel;
  /** A send's recipients across all its requests. */
  recipients?: number;
}

/** One request of an operation: a send is split into several when its recipients need it. */
export interface TelemetryRequest {
  /** This request's place, from 0. */
  index: number;
  /** How many requests the operation makes. */
  count: number;
  /** A send's recipients in this request: counted as messages by outcome. */
  recipients?: number;
}

/** What the code inside an operation or a request reports. */
export interface TelemetryScope {
  /** The HTTP status of the gateway's answer. */
  answered(status: number): void;
  /** Runs one request of the operation: a child span when the operation makes several. */
  request<T>(request: TelemetryRequest, run: (scope: TelemetryScope) => Promise<T>): Promise<T>;
}

/** A transport's retry, as `HttpTransport`'s `onRetry` reports it. */
export interface TelemetryRetry {
  /** 1 for the first retry. */
  attempt: number;
  /** The HTTP status retried, or the error code. */
  reason: string | number;
  /** The wait before the retry, in ms. */
  delayMs: number;
}

/** The scope of an operation nothing records. */
export const NOOP_SCOPE: TelemetryScope = {
  answered: () => undefined,
  request: (_request, run) => run(NOOP_SCOPE),
};
