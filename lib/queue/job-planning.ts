import { sendKindEntry, type DtoOf, type SendKind } from '../channel-registry.js';
import { validateDto } from '../dto/validate.js';
import { WebcomValidationError } from '../errors/webcom-errors.js';
import { SENDER_CHANNELS } from '../protocol/channels.js';
import type { Senders } from '../protocol/messages.js';
import { formatValidityMinute } from '../protocol/moscow-time.js';
import type { JobTraceContext } from './queue-telemetry.js';
import type { SendRequestPlan } from '../protocol/query.js';
import { planSend } from '../protocol/send-requests.js';

/**
 * What `WebcomQueue.enqueue` sends: a channel of `WebcomService`, or a cascade.
 * @deprecated The same type as `SendKind` from `nestjs-webcom`: use that.
 */
export type WebcomQueueChannel = SendKind;

/**
 * The DTO each channel takes, as the matching `WebcomService` method does.
 * @deprecated `WebcomQueueDtos[C]` is `DtoOf<C>` from `nestjs-webcom`: use that.
 */
export type WebcomQueueDtos = { [K in SendKind]: DtoOf<K> };

/** Why a job failed for good; written on the job's data before it is moved to failed. */
export interface WebcomJobFailure {
  /**
   * True when some or all of the job's messages may have reached the gateway. Such a job is
   * never sent again by itself: an operator decides, and resends with `WebcomQueue.resend`.
   */
  possiblyDelivered: boolean;
  /** The error as `WebcomError.toJSON()` renders it: free of secrets. */
  error: Record<string, unknown>;
}

/** One job: a share of one `enqueue` that fits one gateway request. */
export interface WebcomJobData {
  /** What the job sends: a channel, or `cascade`. */
  channel: SendKind;
  /** The validated DTO with this job's recipients, as JSON (dates already in wire form). */
  dto: Record<string, unknown>;
  /** This job's place among the jobs of its `enqueue`, from 0, and how many there are. */
  part: number;
  /** How many jobs its `enqueue` made. */
  parts: number;
  /** Why the job failed for good; absent until then. */
  failure?: WebcomJobFailure;
  /**
   * The W3C trace context of the `enqueue`, when an OpenTelemetry SDK traced it: the worker's
   * span continues that trace (docs/observability.md).
   */
  trace?: JobTraceContext;
}

export interface JobSizing {
  maxUrlLength: number;
  urlReserve: number;
  maxRecipientsPerJob?: number;
}

/**
 * Stands for a default sender name the enqueuing process does not know; `urlReserve` pays for
 * the real one.
 */
const SIZING_SENDERS: Senders = Object.fromEntries(SENDER_CHANNELS.map((c) => [c, 'x']));

/**
 * The value as the JSON that survives Redis, built directly rather than by a stringify and parse
 * round trip: a `Date` (which would come back as an ISO string the DTO refuses) in wire form,
 * `undefined` properties dropped.
 */
function toJson(value: unknown): unknown {
  if (value instanceof Date) return formatValidityMinute(value);
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value !== 'object' || value === null) return value;
  const json: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined && typeof field !== 'function') json[key] = toJson(field);
  }
  return json;
}

function toJobDto(validated: object, to: string[]): Record<string, unknown> {
  return toJson({ ...validated, to }) as Record<string, unknown>;
}

/**
 * Validates `dto` as `WebcomService` would and spreads its recipients over as few jobs as fit
 * one gateway request each, in order; throws `WebcomValidationError` for bad input.
 */
export function planJobs(
  channel: WebcomQueueChannel,
  dto: unknown,
  sizing: JobSizing,
): WebcomJobData[] {
  const entry = sendKindEntry(channel);
  const validated = validateDto(entry.dto, dto);
  const [wireChannel, message] = entry.asSend(validated);
  let requests: SendRequestPlan[];
  try {
    // The worker's gateway client plans the same way; the reserve pays for the URL, the
    // credentials and a default sender this process does not know.
    requests = planSend(wireChannel, message, {
      senders: SIZING_SENDERS,
      urlPrefix: '',
      leadingQuery: '',
      maxUrlLength: sizing.maxUrlLength - sizing.urlReserve,
      maxRecipients: sizing.maxRecipientsPerJob,
    });
  } catch (error) {
    if (!(error instanceof WebcomValidationError)) throw error;
    // Restated in the options the caller set, not in the room left between them.
    throw new WebcomValidationError([
      {
        field: 'to',
        messages: [
          `even one recipient makes the request longer than maxUrlLength ` +
            `(${sizing.maxUrlLength}) less urlReserve (${sizing.urlReserve}): shorten the content`,
        ],
      },
    ]);
  }
  return requests.map((request, part) => ({
    channel,
    dto: toJobDto(validated, request.recipients),
    part,
    parts: requests.length,
  }));
}
