import type { Attributes, Context, ObservableResult, Span, Tracer } from '@opentelemetry/api';
import { ATTR, errorType, MESSAGING_SYSTEM, possiblyDelivered, retryReason } from './attributes.js';
import { createInstruments, type Instruments } from './instruments.js';
import { INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION, otel, type OtelApi } from './otel-api.js';
import { batchCount, markFailed, secondsSince, spanName, tracing } from './spans.js';
import {
  NOOP_SCOPE,
  type TelemetryOperation,
  type TelemetryRetry,
  type TelemetryScope,
} from './telemetry-scope.js';

export type {
  TelemetryOperation,
  TelemetryRequest,
  TelemetryRetry,
  TelemetryScope,
} from './telemetry-scope.js';

/** `webcom.account` of the unnamed account. */
const UNNAMED_ACCOUNT_ATTRIBUTE = 'default';

/**
 * One account's traces and metrics, reported to the app's global tracer and meter providers
 * when `@opentelemetry/api` is installed; with no SDK registered the API's no-op providers
 * answer, and without the API nothing at all is done. Attributes are built here from a fixed
 * list (see `ATTR`), never from a call's arguments or a gateway's answer.
 *
 * Each account has its own, a provider under `getWebcomProviderToken('telemetry', name)`: an app
 * or a test replaces it there (`overrideProvider`, a subclass or a stand-in), as `@nestjs/bullmq`
 * lets its `ProcessorDecoratorService` be replaced.
 */
export class WebcomTelemetry {
  private readonly tracer?: Tracer;
  private readonly account: string;
  private readonly common: Attributes;
  /** The instruments on the meter provider last seen; re-created when the app registers one. */
  private instruments?: Instruments;
  /** The last balance seen, which the balance gauge reports until the account closes. */
  private balance?: number;

  constructor(account: string | undefined, baseUrl: string) {
    const url = new URL(baseUrl);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    this.account = account ?? UNNAMED_ACCOUNT_ATTRIBUTE;
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
    if (this.instrumentsOf(api).noop && !tracing(api)) return run(NOOP_SCOPE);
    return this.runOperation(api, this.tracer, operation, run);
  }

  /**
   * Adds a retry to the span of the request being retried (the transport runs inside it): an
   * event with the attempt and the reason, and the resend count on the span.
   */
  retried(retry: TelemetryRetry): void {
    const span = otel?.trace.getActiveSpan();
    if (!span?.isRecording()) return;
    span.addEvent('webcom.retry', {
      [ATTR.retryAttempt]: retry.attempt,
      [ATTR.retryReason]: retryReason(retry.reason),
      [ATTR.retryDelayMs]: Math.round(retry.delayMs),
    });
    span.setAttribute(ATTR.httpRequestResendCount, retry.attempt);
  }

  /** Notes the account's balance, as a balance read or a send's answer told it. */
  balanceSeen(balance: number): void {
    if (!otel || !Number.isFinite(balance)) return;
    this.instrumentsOf(otel); // the gauge exists once there is a balance to report
    this.balance = balance;
  }

  /** Stops reporting this account's balance. */
  close(): void {
    this.balance = undefined;
    this.instruments?.balance.removeCallback(this.observeBalance);
    this.instruments = undefined;
  }

  private readonly observeBalance = (result: ObservableResult): void => {
    if (this.balance !== undefined) result.observe(this.balance, { [ATTR.account]: this.account });
  };

  /**
   * The instruments on the current global meter provider. The metrics API has no proxy
   * provider, so they are re-created when the app registers its provider after the module was
   * built.
   */
  private instrumentsOf(api: OtelApi): Instruments {
    const provider = api.metrics.getMeterProvider();
    if (this.instruments?.provider === provider) return this.instruments;
    this.instruments?.balance.removeCallback(this.observeBalance);
    this.instruments = createInstruments(api, provider, this.observeBalance);
    return this.instruments;
  }

  private async runOperation<T>(
    api: OtelApi,
    tracer: Tracer,
    operation: TelemetryOperation,
    run: (scope: TelemetryScope) => Promise<T>,
  ): Promise<T> {
    const { duration } = this.instrumentsOf(api);
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
      duration.record(secondsSince(started), {
        ...metricAttributes,
        [ATTR.operationOutcome]: 'success',
      });
      return result;
    } catch (error) {
      markFailed(api, span, error);
      duration.record(secondsSince(started), {
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
          if (!alone) markFailed(api, requestSpan, error);
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
    this.instrumentsOf(api).messages.add(recipients, {
      [ATTR.messagingSystem]: MESSAGING_SYSTEM,
      [ATTR.account]: this.account,
      [ATTR.channel]: operation.channel,
      [ATTR.messageOutcome]: outcome,
    });
  }
}
