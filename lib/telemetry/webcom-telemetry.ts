import type {
  Attributes,
  Context,
  Counter,
  Histogram,
  MeterProvider,
  ObservableResult,
  Span,
  Tracer,
} from '@opentelemetry/api';
import type { WebcomOperation } from '../events.js';
import type { Channel } from '../protocol/channels.js';
import {
  ATTR,
  errorStatus,
  errorType,
  MESSAGING_SYSTEM,
  possiblyDelivered,
  retryReason,
} from './attributes.js';
import { INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION, otel, type OtelApi } from './otel-api.js';

/** The account name in telemetry for the unnamed account. */
export const DEFAULT_ACCOUNT = 'default';

/** One gateway operation, as the gateway client starts it. */
export interface TelemetryOperation {
  operation: WebcomOperation;
  channel?: Channel;
  /** A send's recipients across all its requests. */
  recipients?: number;
}

/** One request of an operation: a send is split into several when its recipients need it. */
export interface TelemetryRequest {
  /** From 0, and how many the operation makes. */
  index: number;
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
  delayMs: number;
}

/** Histogram boundaries the semantic conventions advise for durations in seconds. */
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

const NOOP_SCOPE: TelemetryScope = {
  answered: () => undefined,
  request: (_request, run) => run(NOOP_SCOPE),
};

/** The last balance of each live account, which the balance gauge reports. */
const balances = new Map<WebcomTelemetry, { account: string; balance: number }>();

interface Instruments {
  provider: MeterProvider;
  /** The API's no-op meter: no SDK registered for metrics. */
  noop: boolean;
  messages: Counter;
  duration: Histogram;
}

let instruments: Instruments | undefined;

/**
 * The instruments on the current global meter provider. The metrics API has no proxy provider,
 * so they are re-created when the app registers its provider after the module was built.
 */
function instrumentsOf(api: OtelApi): Instruments {
  const provider = api.metrics.getMeterProvider();
  if (instruments?.provider === provider) return instruments;
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);
  meter
    .createObservableGauge('webcom.account.balance', {
      description: 'The last balance the gateway reported for the account, in its currency',
    })
    .addCallback((result: ObservableResult) => {
      for (const { account, balance } of balances.values()) {
        result.observe(balance, { [ATTR.account]: account });
      }
    });
  instruments = {
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
  };
  return instruments;
}

/** What the tracer provider the API hands out delegates to while no SDK is registered. */
const NOOP_TRACER_PROVIDER = otel && new otel.ProxyTracerProvider().getDelegate();

/**
 * Whether an SDK receives traces. While none does, the API would create a non-recording span per
 * call: skipping that is what makes "installed, no SDK" cost next to nothing.
 */
function tracing(api: OtelApi): boolean {
  const provider = api.trace.getTracerProvider();
  // A provider of another copy of the API is taken as a real one.
  return !(
    provider instanceof api.ProxyTracerProvider && provider.getDelegate() === NOOP_TRACER_PROVIDER
  );
}

/**
 * Adds a retry to the span of the request being retried (the transport runs inside it): an event
 * with the attempt and the reason, and the resend count on the span.
 */
export function recordRetry(retry: TelemetryRetry): void {
  const span = otel?.trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.addEvent('webcom.retry', {
    [ATTR.retryAttempt]: retry.attempt,
    [ATTR.retryReason]: retryReason(retry.reason),
    [ATTR.retryDelayMs]: Math.round(retry.delayMs),
  });
  span.setAttribute(ATTR.httpRequestResendCount, retry.attempt);
}

/**
 * One account's traces and metrics, reported to the app's global tracer and meter providers
 * when `@opentelemetry/api` is installed; with no SDK registered the API's no-op providers
 * answer, and without the API nothing at all is done. Attributes are built here from a fixed
 * list (see `ATTR`), never from a call's arguments or a gateway's answer.
 */
export class WebcomTelemetry {
  private readonly tracer?: Tracer;
  private readonly account: string;
  private readonly common: Attributes;

  constructor(account: string | undefined, baseUrl: string) {
    const url = new URL(baseUrl);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    this.account = account ?? DEFAULT_ACCOUNT;
    this.common = {
      [ATTR.messagingSystem]: MESSAGING_SYSTEM,
      [ATTR.serverAddress]: url.hostname,
      [ATTR.serverPort]: port,
      [ATTR.account]: this.account,
    };
    // A proxy tracer: it reaches a provider the app registers later too.
    this.tracer = otel?.trace.getTracer(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);
  }

  /** Runs one gateway operation in a CLIENT span, a child of the caller's active span. */
  operation<T>(
    operation: TelemetryOperation,
    run: (scope: TelemetryScope) => Promise<T>,
  ): Promise<T> {
    const api = otel;
    if (!api || !this.tracer) return run(NOOP_SCOPE);
    if (instrumentsOf(api).noop && !tracing(api)) return run(NOOP_SCOPE);
    return this.runOperation(api, this.tracer, operation, run);
  }

  /** Notes the account's balance, as a balance read or a send's answer told it. */
  balanceSeen(balance: number): void {
    if (!otel || !Number.isFinite(balance)) return;
    instrumentsOf(otel); // the gauge exists once there is a balance to report
    balances.set(this, { account: this.account, balance });
  }

  /** Stops reporting this account's balance. */
  close(): void {
    balances.delete(this);
  }

  private async runOperation<T>(
    api: OtelApi,
    tracer: Tracer,
    operation: TelemetryOperation,
    run: (scope: TelemetryScope) => Promise<T>,
  ): Promise<T> {
    const { duration } = instrumentsOf(api);
    const started = performance.now();
    const isSend = operation.operation === 'send';
    const attributes: Attributes = {
      ...this.common,
      [ATTR.messagingOperationName]: operation.operation,
      ...(isSend ? { [ATTR.messagingOperationType]: 'send' } : {}),
      ...(operation.channel ? { [ATTR.channel]: operation.channel } : {}),
      ...batchCount(operation.recipients),
    };
    const span = tracer.startSpan(spanName(operation), { kind: api.SpanKind.CLIENT, attributes });
    const context = api.trace.setSpan(api.context.active(), span);
    const scope = this.scope(api, tracer, span, context, operation, true);
    const metricAttributes: Attributes = {
      [ATTR.messagingSystem]: MESSAGING_SYSTEM,
      [ATTR.messagingOperationName]: operation.operation,
      [ATTR.account]: this.account,
      [ATTR.serverAddress]: this.common[ATTR.serverAddress],
      ...(operation.channel ? { [ATTR.channel]: operation.channel } : {}),
    };
    try {
      const result = await api.context.with(context, run, undefined, scope);
      duration.record(seconds(started), {
        ...metricAttributes,
        [ATTR.operationOutcome]: 'success',
      });
      return result;
    } catch (error) {
      failed(api, span, error);
      duration.record(seconds(started), {
        ...metricAttributes,
        [ATTR.errorType]: errorType(error),
        [ATTR.operationOutcome]: possiblyDelivered(error) ? 'possibly_delivered' : 'failed',
      });
      throw error;
    } finally {
      span.end();
    }
  }

  private scope(
    api: OtelApi,
    tracer: Tracer,
    span: Span,
    context: Context,
    operation: TelemetryOperation,
    isOperation: boolean,
  ): TelemetryScope {
    const scope: TelemetryScope = {
      answered: (status) => {
        if (Number.isInteger(status)) span.setAttribute(ATTR.httpResponseStatusCode, status);
      },
      request: async (request, run) => {
        // A lone request is the operation itself; several each get a span of their own.
        const alone = isOperation && request.count === 1;
        let requestSpan = span;
        let requestScope = scope;
        let requestContext = context;
        if (!alone) {
          requestSpan = tracer.startSpan(
            `${spanName(operation)} request`,
            {
              kind: api.SpanKind.INTERNAL,
              attributes: {
                ...this.common,
                [ATTR.messagingOperationName]: operation.operation,
                ...(operation.channel ? { [ATTR.channel]: operation.channel } : {}),
                [ATTR.requestIndex]: request.index,
                [ATTR.requestCount]: request.count,
                ...batchCount(request.recipients),
              },
            },
            context,
          );
          requestContext = api.trace.setSpan(context, requestSpan);
          requestScope = this.scope(api, tracer, requestSpan, requestContext, operation, false);
        }
        try {
          // A lone request runs in the operation's context, which is active already.
          const result = alone
            ? await run(requestScope)
            : await api.context.with(requestContext, run, undefined, requestScope);
          this.countMessages(api, operation, request.recipients, 'sent');
          return result;
        } catch (error) {
          if (!alone) failed(api, requestSpan, error);
          const outcome = possiblyDelivered(error) ? 'possibly_delivered' : 'failed';
          this.countMessages(api, operation, request.recipients, outcome);
          throw error;
        } finally {
          if (!alone) requestSpan.end();
        }
      },
    };
    return scope;
  }

  private countMessages(
    api: OtelApi,
    operation: TelemetryOperation,
    recipients: number | undefined,
    outcome: 'sent' | 'failed' | 'possibly_delivered',
  ): void {
    if (!recipients || !operation.channel) return;
    instrumentsOf(api).messages.add(recipients, {
      [ATTR.messagingSystem]: MESSAGING_SYSTEM,
      [ATTR.account]: this.account,
      [ATTR.channel]: operation.channel,
      [ATTR.messageOutcome]: outcome,
    });
  }
}

/** After the messaging conventions: `{operation} {channel}`, e.g. `send sms`; else `balance`. */
function spanName(operation: TelemetryOperation): string {
  return operation.channel ? `${operation.operation} ${operation.channel}` : operation.operation;
}

/** The conventions count a batch only when it holds more than one message. */
function batchCount(recipients: number | undefined): Attributes {
  return recipients !== undefined && recipients > 1
    ? { [ATTR.messagingBatchMessageCount]: recipients }
    : {};
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}

/**
 * Marks a span failed. No exception event: an error's message may quote the gateway's answer,
 * which may echo a phone number back.
 */
function failed(api: OtelApi, span: Span, error: unknown): void {
  const status = errorStatus(error);
  if (status !== undefined) span.setAttribute(ATTR.httpResponseStatusCode, status);
  span.setAttribute(ATTR.errorType, errorType(error));
  span.setAttribute(ATTR.possiblyDelivered, possiblyDelivered(error));
  span.setStatus({ code: api.SpanStatusCode.ERROR });
}
