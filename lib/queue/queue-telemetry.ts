import type { Attributes, Span } from '@opentelemetry/api';
import { ATTR, errorType, MESSAGING_SYSTEM, possiblyDelivered } from '../telemetry/attributes.js';
import { tracing } from '../telemetry/spans.js';
import {
  INSTRUMENTATION_SCOPE,
  INSTRUMENTATION_VERSION,
  otel,
  type OtelApi,
} from '../telemetry/otel-api.js';

/**
 * The W3C trace context a job carries from the process that enqueued it to the one that runs it.
 * Only these two fields are kept of what the app's propagator writes (never its baggage).
 */
export interface JobTraceContext {
  /** The W3C `traceparent` header: the trace and the span the job continues. */
  traceparent: string;
  /** The W3C `tracestate` header, when the enqueue's context had one. */
  tracestate?: string;
}

/** What the queue's spans say about an enqueue or a job: counts and names of ours only. */
export interface QueueSpanFacts {
  /** A `WebcomQueue.enqueue` channel: a `WebcomService` channel or `cascade`. */
  channel: string;
  /** Recipients of the enqueue, or of the job. */
  recipients: number;
  /** Jobs of the enqueue; or this job's place among them, from 0. */
  parts: number;
  part?: number;
  /** The job's try, from 1. */
  attempt?: number;
}

/** What a job's run reports of itself. */
export interface JobScope {
  /**
   * The job failed, for the reason `error` and as the queue judged it: the span then names that
   * error rather than the one BullMQ is handed to fail the job with.
   */
  failed(error: unknown, possiblyDelivered: boolean): void;
}

/** Recipients of more than one make a batch, after the messaging conventions. */
function batch(recipients: number): Attributes {
  return recipients > 1 ? { [ATTR.messagingBatchMessageCount]: recipients } : {};
}

const NOOP_JOB_SCOPE: JobScope = { failed: () => undefined };

/**
 * The queue's spans: a PRODUCER span per enqueue, whose context each job carries in its data,
 * and a CONSUMER span per job run, a child of that context, inside which the gateway call's span
 * opens. Without `@opentelemetry/api` (or with no SDK registered) nothing is recorded and no
 * context is carried.
 */
export class WebcomQueueTelemetry {
  constructor(private readonly queueName: string) {}

  /** Runs an enqueue in a PRODUCER span; `run` gets the context to store in each job's data. */
  enqueue<T>(
    facts: QueueSpanFacts,
    run: (trace: JobTraceContext | undefined) => Promise<T>,
  ): Promise<T> {
    const api = otel;
    // No SDK receives traces: no span and no context to carry, as the gateway client does.
    if (!api || !tracing(api)) return run(undefined);
    const span = this.tracer(api).startSpan(`enqueue ${this.queueName}`, {
      kind: api.SpanKind.PRODUCER,
      attributes: {
        ...this.common(facts),
        [ATTR.messagingOperationName]: 'enqueue',
        [ATTR.messagingOperationType]: 'send',
      },
    });
    const context = api.trace.setSpan(api.context.active(), span);
    return this.ended(
      api,
      span,
      () => api.context.with(context, () => run(carrier(api))),
      () => undefined,
    );
  }

  /** Runs a job in a CONSUMER span, a child of the context the job carries (if any). */
  process<T>(
    trace: JobTraceContext | undefined,
    facts: QueueSpanFacts,
    run: (scope: JobScope) => Promise<T>,
  ): Promise<T> {
    const api = otel;
    if (!api || !tracing(api)) return run(NOOP_JOB_SCOPE);
    const parent = trace
      ? api.propagation.extract(api.ROOT_CONTEXT, pick(trace))
      : api.ROOT_CONTEXT;
    const span = this.tracer(api).startSpan(
      `process ${this.queueName}`,
      {
        kind: api.SpanKind.CONSUMER,
        attributes: {
          ...this.common(facts),
          [ATTR.messagingOperationName]: 'process',
          [ATTR.messagingOperationType]: 'process',
          ...(facts.part === undefined ? {} : { [ATTR.jobPart]: facts.part }),
          ...(facts.attempt === undefined ? {} : { [ATTR.jobAttempt]: facts.attempt }),
        },
      },
      parent,
    );
    let failure: { error: unknown; possiblyDelivered: boolean } | undefined;
    const scope: JobScope = {
      failed: (error, possiblyDelivered) => (failure = { error, possiblyDelivered }),
    };
    const context = api.trace.setSpan(parent, span);
    return this.ended(
      api,
      span,
      () => api.context.with(context, run, undefined, scope),
      () => failure,
    );
  }

  private tracer(api: OtelApi) {
    return api.trace.getTracer(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);
  }

  private common(facts: QueueSpanFacts): Attributes {
    return {
      [ATTR.messagingSystem]: MESSAGING_SYSTEM,
      [ATTR.messagingDestinationName]: this.queueName,
      [ATTR.channel]: facts.channel,
      [ATTR.jobParts]: facts.parts,
      ...batch(facts.recipients),
    };
  }

  private async ended<T>(
    api: OtelApi,
    span: Span,
    run: () => Promise<T>,
    reported: () => { error: unknown; possiblyDelivered: boolean } | undefined,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const failure = reported() ?? { error, possiblyDelivered: possiblyDelivered(error) };
      span.setAttribute(ATTR.errorType, errorType(failure.error));
      span.setAttribute(ATTR.possiblyDelivered, failure.possiblyDelivered);
      span.setStatus({ code: api.SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  }
}

/** The active context in W3C form, if there is a sampled-or-not span to carry. */
function carrier(api: OtelApi): JobTraceContext | undefined {
  const written: Record<string, string> = {};
  api.propagation.inject(api.context.active(), written);
  return typeof written.traceparent === 'string' ? pick(written) : undefined;
}

function pick(source: { traceparent?: unknown; tracestate?: unknown }): JobTraceContext {
  return {
    traceparent: String(source.traceparent),
    ...(typeof source.tracestate === 'string' && source.tracestate
      ? { tracestate: source.tracestate }
      : {}),
  };
}
