import { WebcomValidationError } from '../errors/webcom-errors.js';
import { optionErrors } from '../options/validate-options.js';
import { VerificationOptionsSchema } from './verification-options.schema.js';
import type { VerificationStore } from './verification-store.js';
import type { TemplateChannel, VerificationStep } from './verification.types.js';
import { DEFAULT_TEMPLATES } from './verification-templates.js';

/** Where a Redis store connects: ioredis's own connection options, the few a store needs. */
export interface VerificationRedisConnection {
  /** The server's host name or address. */
  host: string;
  /** Its port, usually 6379. */
  port: number;
  /** The database number. Default 0. */
  db?: number;
  /** The password (`AUTH`), if the server asks for one. */
  password?: string;
}

/**
 * What the Redis store needs of a client: ioredis's. Structural, so that this package's types do
 * not require ioredis to be installed.
 */
export interface VerificationRedisClient {
  /** Runs a loaded script: one round trip per store operation. */
  evalsha(sha: string, numberOfKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** Runs (and loads) a script the server does not know yet. */
  eval(script: string, numberOfKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** Closes the connection; called only for a client the module opened. */
  quit(): Promise<unknown>;
}

/** A fleet's store: one Redis server (or a client of yours) and a key prefix. */
export interface VerificationRedisStoreOptions {
  /** `{ host, port, db?, password? }`, closed by the module at shutdown, or an ioredis client, left open. */
  redis: VerificationRedisConnection | VerificationRedisClient;
  /** Prefix of every key. Default `'webcom-verify'`. */
  prefix?: string;
}

/** A number of starts per window, counted in the store. */
export interface VerificationLimit {
  /** Starts allowed in one window. */
  max: number;
  /** The window's length, from the first start it counts. */
  windowSeconds: number;
}

/** How many starts the store allows per number and per `rateLimitKey`. */
export interface VerificationLimits {
  /** Starts per number per window. Default 5 per 3600 s. */
  perNumber?: VerificationLimit;
  /** Starts per `rateLimitKey` (e.g. client IP) per window, when `start` names one. Default 10 per 3600 s. */
  perKey?: VerificationLimit;
}

/** `WebcomVerificationModule.forRoot(options)`, or what `forRootAsync` resolves. */
export interface WebcomVerificationModuleOptions {
  /** The HMAC key codes and numbers are stored under: at least 32 characters, the same on every instance. */
  secret: string;
  /** The `WebcomModule` account (its `name`) that sends. Default: the unnamed one. */
  account?: string;
  /** `'memory'` (default: one instance), `{ redis, prefix? }` for a fleet, or a `VerificationStore`. */
  store?: 'memory' | VerificationRedisStoreOptions | VerificationStore;
  /** Digits of a generated code, 4–10. Default 6. */
  codeLength?: number;
  /** Seconds a verification lives, 1–86400. Default 600. */
  ttlSeconds?: number;
  /** Wrong codes allowed, 1–20. Default 5. */
  maxCheckAttempts?: number;
  /** The steps, in order. Default `[{ channel: 'sms' }]`. */
  workflow?: VerificationStep[];
  /** Text per channel, each holding `{code}`. Default Russian texts. */
  templates?: Partial<Record<TemplateChannel, string>>;
  /** Seconds before `resend` may repeat a step. Default 30. */
  resendCooldownSeconds?: number;
  /** Starts per number (default 5 per hour) and per `rateLimitKey` (default 10 per hour). */
  limits?: VerificationLimits;
  /** ISO 3166 alpha-2 countries a number may belong to. Default: any. */
  allowedCountries?: string[];
}

/** The options with every default filled in. */
export interface ResolvedVerificationOptions {
  secret: string;
  account: string | undefined;
  store: 'memory' | VerificationRedisStoreOptions | VerificationStore;
  codeLength: number;
  ttlSeconds: number;
  maxCheckAttempts: number;
  workflow: Required<VerificationStep>[];
  templates: Record<TemplateChannel, string>;
  resendCooldownSeconds: number;
  limits: Required<VerificationLimits>;
  allowedCountries: string[] | undefined;
}

/** A step's `timeoutSeconds` when it gives none. */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 60;

/** The options checked (one `WebcomValidationError` naming every bad one) and completed. */
export function resolveVerificationOptions(
  options: WebcomVerificationModuleOptions,
): ResolvedVerificationOptions {
  const errors = optionErrors(VerificationOptionsSchema, options);
  if (errors.length) throw new WebcomValidationError(errors, 'Webcom verification options');
  const workflow = options.workflow ?? [{ channel: 'sms' }];
  return {
    secret: options.secret,
    account: options.account,
    store: options.store ?? 'memory',
    codeLength: options.codeLength ?? 6,
    ttlSeconds: options.ttlSeconds ?? 600,
    maxCheckAttempts: options.maxCheckAttempts ?? 5,
    workflow: withStepDefaults(workflow),
    templates: { ...DEFAULT_TEMPLATES, ...options.templates },
    resendCooldownSeconds: options.resendCooldownSeconds ?? 30,
    limits: {
      perNumber: options.limits?.perNumber ?? { max: 5, windowSeconds: 3600 },
      perKey: options.limits?.perKey ?? { max: 10, windowSeconds: 3600 },
    },
    allowedCountries: options.allowedCountries,
  };
}

/** Each step with its `timeoutSeconds`. */
export function withStepDefaults(workflow: VerificationStep[]): Required<VerificationStep>[] {
  return workflow.map(({ channel, timeoutSeconds }) => ({
    channel,
    timeoutSeconds: timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS,
  }));
}
