import { plainToInstance, type ClassConstructor } from 'class-transformer';
import {
  getMetadataStorage,
  validateSync,
  ValidationTypes,
  type ValidationArguments,
  type ValidationError,
} from 'class-validator';
import { WebcomValidationError, type WebcomFieldError } from '../errors/webcom-errors.js';
import { dateTime } from '../protocol/moscow-time.js';

function flatten(errors: ValidationError[], prefix: string, into: WebcomFieldError[]) {
  for (const error of errors) {
    const field = `${prefix}${error.property}`;
    if (error.constraints) into.push({ field, messages: Object.values(error.constraints) });
    if (error.children?.length) flatten(error.children, `${field}.`, into);
  }
  return into;
}

/** class-validator's errors as dotted paths (`button.url`), each with its messages. */
export function toFieldErrors(errors: ValidationError[]): WebcomFieldError[] {
  return flatten(errors, '', []);
}

/** One property's checks, as class-validator runs them, compiled once per DTO class. */
interface PropertyChecks {
  name: string;
  /** `@IsOptional()` and `@ValidateIf()`: the other checks run only when all hold. */
  conditions: ((object: object, value: unknown) => boolean)[];
  rules: {
    validate: (value: unknown, args: ValidationArguments) => unknown;
    constraints: unknown[];
    validateIf?: (object: object, value: unknown) => boolean;
  }[];
  nested: boolean;
}

/** `undefined`: not compiled yet; `null`: the class uses something only class-validator does. */
const compiled = new WeakMap<object, PropertyChecks[] | null>();

/**
 * A DTO class's checks read off class-validator's metadata once. Classes with groups, `each`,
 * asynchronous or promise checks are left to class-validator alone (`null`).
 */
function compile(dtoClass: object): PropertyChecks[] | null {
  const known = compiled.get(dtoClass);
  if (known !== undefined) return known;
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(
    dtoClass as new () => object,
    undefined as unknown as string,
    false,
    false,
  );
  let checks: PropertyChecks[] | null = metadatas.length ? [] : null;
  const byName = new Map<string, PropertyChecks>();
  for (const metadata of metadatas) {
    if (!checks) break;
    if (
      metadata.groups?.length ||
      metadata.each ||
      metadata.type === ValidationTypes.PROMISE_VALIDATION
    ) {
      checks = null;
      break;
    }
    let property = byName.get(metadata.propertyName);
    if (!property) {
      property = { name: metadata.propertyName, conditions: [], rules: [], nested: false };
      byName.set(metadata.propertyName, property);
      checks.push(property);
    }
    if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      property.conditions.push(metadata.constraints[0] as PropertyChecks['conditions'][number]);
    } else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
      property.nested = true;
    } else if (
      metadata.type === ValidationTypes.CUSTOM_VALIDATION ||
      metadata.type === ValidationTypes.IS_DEFINED
    ) {
      for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
        if (constraint.async) {
          checks = null;
          break;
        }
        const instance = constraint.instance;
        property.rules.push({
          validate: (value, args) => instance.validate(value, args),
          constraints: metadata.constraints,
          validateIf: (metadata as { validateIf?: PropertyChecks['rules'][number]['validateIf'] })
            .validateIf,
        });
      }
    } else if (metadata.type !== ValidationTypes.WHITELIST) {
      checks = null;
    }
  }
  compiled.set(dtoClass, checks);
  return checks;
}

/**
 * True when class-validator, with the options `validateDto` uses, would find nothing wrong:
 * the same checks on the same values, skipping the error objects. `false` means "ask
 * class-validator", which then names what is wrong.
 */
function passes(instance: object): boolean {
  const checks = compile(instance.constructor);
  if (!checks) return false;
  const object = instance as Record<string, unknown>;
  // forbidNonWhitelisted: a property without a check is an error.
  for (const key in object) {
    if (Object.prototype.hasOwnProperty.call(object, key) && !checks.some((c) => c.name === key)) {
      return false;
    }
  }
  for (const property of checks) {
    const value = object[property.name];
    let applies = true;
    for (const condition of property.conditions) applies = condition(object, value) && applies;
    if (!applies) continue;
    for (const rule of property.rules) {
      if (rule.validateIf && !rule.validateIf(object, value)) continue;
      const args: ValidationArguments = {
        targetName: instance.constructor.name,
        property: property.name,
        object,
        value,
        constraints: rule.constraints,
      };
      if (rule.validate(value, args) !== true) return false;
    }
    if (property.nested && value !== undefined) {
      // A nested DTO is checked the same way; arrays, sets and maps are left to class-validator.
      if (typeof value !== 'object' || value === null || value instanceof Array) return false;
      if (value instanceof Set || value instanceof Map || !passes(value)) return false;
    }
  }
  return true;
}

/** Keys class-transformer drops before the unknown-field check could see them. */
const DROPPED_KEYS = new Set(['__proto__', 'constructor']);

/**
 * What class-transformer cannot be trusted with, found before it runs: a `constructor` or
 * `__proto__` key (which it drops silently, so the send would go out) and an object posing as
 * a `Date` (on which it throws a raw `TypeError`). Each is named by its path. Whatever runs
 * class-transformer over a request body (`validateDto`, a validation pipe) checks this first.
 */
export function untransformable(value: object, path: string, into: WebcomFieldError[]) {
  const check = (key: string, child: unknown, field: string) => {
    if (child instanceof Date) {
      if (dateTime(child) === undefined)
        into.push({ field, messages: [`${key} must be a valid Date`] });
    } else if (typeof child === 'object' && child !== null) {
      untransformable(child, field, into);
    }
  };
  if (Array.isArray(value)) {
    value.forEach((entry: unknown, index) => check(`${index}`, entry, `${path}[${index}]`));
    return into;
  }
  for (const key of Object.keys(value)) {
    const field = path ? `${path}.${key}` : key;
    if (DROPPED_KEYS.has(key)) into.push({ field, messages: [`property ${key} should not exist`] });
    else check(key, (value as Record<string, unknown>)[key], field);
  }
  return into;
}

/**
 * The argument as an instance of `dtoClass`, transformed and checked; a plain object is fine.
 * Unknown properties are refused, so a misspelt field is an error rather than silently dropped.
 */
export function validateDto<T extends object>(dtoClass: ClassConstructor<T>, value: unknown): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WebcomValidationError([{ field: '(argument)', messages: ['must be an object'] }]);
  }
  const unsafe = untransformable(value, '', []);
  if (unsafe.length) throw new WebcomValidationError(unsafe);
  const instance = plainToInstance(dtoClass, value);
  // Valid input, the common case, is proved valid without class-validator's error objects.
  if (passes(instance)) return instance;
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length) throw new WebcomValidationError(toFieldErrors(errors));
  return instance;
}
