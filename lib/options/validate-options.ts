import type { ClassConstructor } from 'class-transformer';
import {
  ValidateBy,
  ValidateIf,
  ValidateNested,
  validateSync,
  type ValidationError,
  type ValidationOptions,
} from 'class-validator';
import { WebcomValidationError, type WebcomFieldError } from '../errors/webcom-errors.js';
import { toFieldErrors } from '../dto/validate.js';

/**
 * One mechanism for every options object of the library (module, queue, tracking): a schema
 * class carrying class-validator rules, and `validateOptions` that applies it. Every refusal is
 * a `WebcomValidationError` whose fields are option paths (`credentials.token`, `rateLimit.max`)
 * and whose messages never hold the value: a value may be a secret.
 */

interface NestedSchema {
  schema: () => ClassConstructor<object>;
  /** Keys allowed in the nested object; any other is refused with `unknownKeyMessage`. */
  keys?: readonly string[];
  unknownKeyMessage?: string;
}

const NESTED = new WeakMap<object, Map<string, NestedSchema>>();

/**
 * A property holding an options object of its own, checked against `schema` when it is an
 * object (a non-object is left to the property's other rules). With `keys`, the object is
 * closed: a key outside them is refused by name.
 */
export function NestedOptions(
  schema: () => ClassConstructor<object>,
  closed?: { keys: readonly string[]; unknownKeyMessage: string },
): PropertyDecorator {
  return (target, property) => {
    const nested = NESTED.get(target) ?? new Map<string, NestedSchema>();
    nested.set(String(property), { schema, ...closed });
    NESTED.set(target, nested);
    ValidateNested()(target, property);
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The options as an instance of `schema`, shallowly: class-transformer's `plainToInstance`
 * would rebuild every nested object, calling `new` on a Redis client given as `connection`.
 * Only objects declared with {@link NestedOptions} become schema instances.
 */
function instantiate(
  schema: ClassConstructor<object>,
  value: Record<string, unknown>,
  path: string,
  unknownKeys: WebcomFieldError[],
): object {
  const instance = Object.create(schema.prototype as object) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    // defineProperty, not assignment: a key `__proto__` stays a plain key.
    Object.defineProperty(instance, key, {
      value: value[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  for (const [key, nested] of NESTED.get(schema.prototype as object) ?? []) {
    const child = value[key];
    if (!isPlainObject(child)) continue;
    if (nested.keys) {
      for (const childKey of Object.keys(child)) {
        if (!nested.keys.includes(childKey)) {
          unknownKeys.push({
            field: `${path}${key}.${childKey}`,
            messages: [nested.unknownKeyMessage ?? 'is not an option'],
          });
        }
      }
    }
    instance[key] = instantiate(nested.schema(), child, `${path}${key}.`, unknownKeys);
  }
  return instance;
}

/**
 * The error without class-validator's "nested property … must be either object or array":
 * every {@link NestedOptions} property says in its own words what it must be.
 */
function withoutNestedTypeError(error: ValidationError): ValidationError {
  const constraints = { ...error.constraints };
  delete constraints.nestedValidation;
  return Object.assign(Object.create(Object.getPrototypeOf(error) as object) as ValidationError, {
    ...error,
    constraints: Object.keys(constraints).length ? constraints : undefined,
    children: error.children?.map(withoutNestedTypeError),
  });
}

/**
 * The field errors of `options` against `schema`; none when they are valid. A non-object is
 * one error on `options`.
 */
export function optionErrors(
  schema: ClassConstructor<object>,
  options: unknown,
): WebcomFieldError[] {
  if (!isPlainObject(options)) return [{ field: 'options', messages: ['must be an object'] }];
  const unknownKeys: WebcomFieldError[] = [];
  const instance = instantiate(schema, options, '', unknownKeys);
  // No whitelist: unknown top-level keys are tolerated as before (`forRoot` passes `name` on).
  const errors = validateSync(instance, { forbidUnknownValues: true });
  return [...toFieldErrors(errors.map(withoutNestedTypeError)), ...unknownKeys];
}

/**
 * Checks `options` against `schema` and throws one `WebcomValidationError` listing every bad
 * option, e.g. `Invalid Webcom module options: timeoutMs (must be a whole number from 1 to
 * 600000)`.
 */
export function validateOptions(
  schema: ClassConstructor<object>,
  options: unknown,
  subject: string,
): void {
  const errors = optionErrors(schema, options);
  if (errors.length) throw new WebcomValidationError(errors, subject);
}

/** A rule with a fixed message; `holds` sees the value and the options object holding it. */
export const OptionRule = (
  name: string,
  message: string,
  holds: (value: unknown, options: Record<string, unknown>) => boolean,
) =>
  ValidateBy({
    name,
    validator: {
      validate: (value: unknown, args) => holds(value, args?.object as Record<string, unknown>),
      defaultMessage: () => message,
    },
  });

/** The property's rules apply only to an option that is given (not `undefined`). */
export const IfGiven = () => ValidateIf((_: object, value: unknown) => value !== undefined);

/** A whole number from `min` to `max`; `undefined` (an option left out) passes. */
export function IsWholeNumber(min: number, max = Infinity, options?: ValidationOptions) {
  const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
  return ValidateBy(
    {
      name: 'isWholeNumber',
      validator: {
        validate: (value: unknown) =>
          value === undefined ||
          (Number.isInteger(value) && (value as number) >= min && (value as number) <= max),
        defaultMessage: () => `must be a whole number ${range}`,
      },
    },
    options,
  );
}

/** True when `value` holds a lone UTF-16 surrogate, which `encodeURIComponent` cannot encode. */
export const hasLoneSurrogate = (value: string): boolean => !value.isWellFormed();

/**
 * A string that goes onto the wire percent-encoded: non-empty (not only spaces) and
 * well-formed Unicode. `undefined` passes unless `required`; the message says which of
 * undefined, empty or malformed it is, never the value.
 */
export function IsWireString(options: ValidationOptions & { required?: boolean } = {}) {
  const { required = false, ...validationOptions } = options;
  return ValidateBy(
    {
      name: 'isWireString',
      validator: {
        validate: (value: unknown) =>
          (value === undefined && !required) ||
          (typeof value === 'string' && value.trim() !== '' && !hasLoneSurrogate(value)),
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          if (value === undefined) return 'is undefined: must be a non-empty string';
          if (typeof value !== 'string') return 'must be a non-empty string';
          if (value.trim() === '') return 'is empty: must be a non-empty string';
          return 'must be well-formed Unicode: it holds a lone surrogate';
        },
      },
    },
    validationOptions,
  );
}
