import {
  IfGiven,
  IsWholeNumber,
  NestedOptions,
  OptionRule,
  hasLoneSurrogate,
} from '../options/validate-options.js';
import type {
  VerificationLimit,
  VerificationLimits,
  WebcomVerificationModuleOptions,
} from './verification-options.js';
import type { VerificationStore } from './verification-store.js';
import { CODE_PLACEHOLDER } from './verification-templates.js';
import {
  VERIFICATION_CHANNELS,
  type TemplateChannel,
  type VerificationChannel,
  type VerificationStep,
} from './verification.types.js';

// The class-validator rules of WebcomVerificationModule's options, and the predicates they share.

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

export class VerificationOptionsSchema implements Required<WebcomVerificationModuleOptions> {
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
