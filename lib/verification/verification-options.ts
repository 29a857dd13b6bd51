import { WebcomValidationError } from '../errors/webcom-errors.js';
import {
  IfGiven,
  IsWholeNumber,
  NestedOptions,
  OptionRule,
  hasLoneSurrogate,
  optionErrors,
} from '../options/validate-options.js';
import type { VerificationStore } from './verification-store.js';
import {
  VERIFICATION_CHANNELS,
  type TemplateChannel,
  type VerificationChannel,
  type VerificationStep,
} from './verification.types.js';
import { DEFAULT_TEMPLATES, CODE_PLACEHOLDER } from './verification-templates.js';

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

export const DEFAULT_STEP_TIMEOUT_SECONDS = 60;
export const MAX_WORKFLOW_STEPS = 10;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isStep = (value: unknown): boolean =>
  isObject(value) &&
  Object.keys(value).every((key) => key === 'channel' || key === 'timeoutSeconds') &&
  VERIFICATION_CHANNELS.includes(value.channel as VerificationChannel) &&
  (value.timeoutSeconds === undefined ||
    (Number.isInteger(value.timeoutSeconds) &&
      (value.timeoutSeconds as number) >= 1 &&
      (value.timeoutSeconds as number) <= 86400));

/** A workflow: 1 to 10 steps, each `{ channel, timeoutSeconds? }`. Shared with `start`'s own. */
export const isWorkflow = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.length >= 1 &&
  value.length <= MAX_WORKFLOW_STEPS &&
  value.every(isStep);

export const WORKFLOW_RULE =
  `must be 1 to ${MAX_WORKFLOW_STEPS} steps, each { channel: ` +
  `${VERIFICATION_CHANNELS.join('|')}, timeoutSeconds?: 1–86400 }`;

const isTemplate = (value: unknown) =>
  typeof value === 'string' && !hasLoneSurrogate(value) && value.includes(CODE_PLACEHOLDER);

const isRedisClient = (value: unknown) =>
  isObject(value) && typeof value.evalsha === 'function' && typeof value.quit === 'function';

const isRedisConnection = (value: unknown) =>
  isObject(value) &&
  typeof value.host === 'string' &&
  value.host !== '' &&
  Number.isInteger(value.port) &&
  (value.port as number) > 0 &&
  (value.port as number) < 65536 &&
  (value.db === undefined || (Number.isInteger(value.db) && (value.db as number) >= 0)) &&
  (value.password === undefined || typeof value.password === 'string');

/** A store of the app's own: the `VerificationStore` methods. */
export const isVerificationStore = (value: unknown): value is VerificationStore =>
  isObject(value) &&
  ['create', 'find', 'reserveAttempt', 'approve', 'claimResend', 'attachMessage', 'cancel'].every(
    (method) => typeof value[method] === 'function',
  );

const isStore = (value: unknown) =>
  value === 'memory' ||
  isVerificationStore(value) ||
  (isObject(value) &&
    Object.keys(value).every((key) => key === 'redis' || key === 'prefix') &&
    (isRedisClient(value.redis) || isRedisConnection(value.redis)) &&
    (value.prefix === undefined || (typeof value.prefix === 'string' && value.prefix !== '')));

class LimitSchema implements VerificationLimit {
  @IsWholeNumber(1, 1_000_000)
  max!: number;

  @IsWholeNumber(1, 30 * 86400)
  windowSeconds!: number;
}

class LimitsSchema implements VerificationLimits {
  @IfGiven()
  @OptionRule('isLimit', 'must be { max, windowSeconds }', isObject)
  @NestedOptions(() => LimitSchema, {
    keys: ['max', 'windowSeconds'],
    unknownKeyMessage: 'is not a limit setting',
  })
  perNumber?: VerificationLimit;

  @IfGiven()
  @OptionRule('isLimit', 'must be { max, windowSeconds }', isObject)
  @NestedOptions(() => LimitSchema, {
    keys: ['max', 'windowSeconds'],
    unknownKeyMessage: 'is not a limit setting',
  })
  perKey?: VerificationLimit;
}

class TemplatesSchema {}
for (const channel of VERIFICATION_CHANNELS) {
  if (channel === 'flashcall') continue;
  IfGiven()(TemplatesSchema.prototype, channel);
  OptionRule(
    'isTemplate',
    `must be text holding ${CODE_PLACEHOLDER}`,
    isTemplate,
  )(TemplatesSchema.prototype, channel);
}

class VerificationOptionsSchema implements Required<WebcomVerificationModuleOptions> {
  @OptionRule(
    'isSecret',
    'must be a string of at least 32 characters',
    (value) => typeof value === 'string' && value.length >= 32,
  )
  secret!: string;

  @IfGiven()
  @OptionRule('isAccount', 'must be a non-empty string', (v) => typeof v === 'string' && v !== '')
  account!: string;

  @IfGiven()
  @OptionRule(
    'isStore',
    "must be 'memory', { redis: { host, port, db?, password? } | an ioredis client, prefix? } or a VerificationStore",
    isStore,
  )
  store!: NonNullable<WebcomVerificationModuleOptions['store']>;

  @IsWholeNumber(4, 10)
  codeLength!: number;

  @IsWholeNumber(1, 86400)
  ttlSeconds!: number;

  @IsWholeNumber(1, 20)
  maxCheckAttempts!: number;

  @IfGiven()
  @OptionRule('isWorkflow', WORKFLOW_RULE, isWorkflow)
  workflow!: VerificationStep[];

  @IfGiven()
  @OptionRule('isTemplates', 'must be an object of texts per channel', isObject)
  @NestedOptions(() => TemplatesSchema, {
    keys: VERIFICATION_CHANNELS.filter((c) => c !== 'flashcall'),
    unknownKeyMessage: 'is not a channel with a template',
  })
  templates!: Partial<Record<TemplateChannel, string>>;

  @IsWholeNumber(0, 86400)
  resendCooldownSeconds!: number;

  @IfGiven()
  @OptionRule('isLimits', 'must be { perNumber?, perKey? }', isObject)
  @NestedOptions(() => LimitsSchema, {
    keys: ['perNumber', 'perKey'],
    unknownKeyMessage: 'is not a limit',
  })
  limits!: VerificationLimits;

  @IfGiven()
  @OptionRule(
    'isCountryList',
    'must be a non-empty array of ISO 3166 alpha-2 codes (e.g. RU)',
    (value) =>
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((code) => typeof code === 'string' && /^[A-Z]{2}$/.test(code)),
  )
  allowedCountries!: string[];
}

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
