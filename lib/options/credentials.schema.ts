import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { IsWireString, OptionRule, hasLoneSurrogate } from './validate-options.js';

/**
 * The rules of the module's `credentials` option: exactly one form of `{ user, password }`,
 * `{ token }` and `{ user, tokenHash }`, each well-formed.
 */

const CREDENTIAL_FORMS = ['password', 'token', 'tokenHash'] as const;
type CredentialForm = (typeof CREDENTIAL_FORMS)[number];

/**
 * Which credential the object means: the one form given, or, when none has a value, the one
 * form present as a key (`{ token: process.env.WEBCOM_TOKEN }` with the variable unset), so that
 * its refusal names it. Undefined when no form or several are given.
 */
function credentialForm(credentials: object): CredentialForm | undefined {
  const c = credentials as Record<string, unknown>;
  const given = CREDENTIAL_FORMS.filter((key) => c[key] !== undefined);
  if (given.length === 1) return given[0];
  const present = CREDENTIAL_FORMS.filter((key) => key in c);
  return given.length === 0 && present.length === 1 ? present[0] : undefined;
}

/** The `credentials` object as a whole: an object, with exactly one form. */
export function IsCredentials(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isCredentials',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' && value !== null && credentialForm(value) !== undefined,
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          if (typeof value !== 'object' || value === null) {
            return 'must be { user, password }, { token } or { user, tokenHash }';
          }
          const given = CREDENTIAL_FORMS.filter(
            (key) => (value as Record<string, unknown>)[key] !== undefined,
          );
          if (given.length > 1) return 'must hold exactly one of password, token and tokenHash';
          const present = CREDENTIAL_FORMS.filter((key) => key in value);
          return present.length === 0
            ? 'has no password, token or tokenHash: must be { user, password }, { token } or { user, tokenHash }'
            : `has none of password, token and tokenHash set: ${present.join(' and ')} are undefined`;
        },
      },
    },
    options,
  );
}

const usesForm =
  (...forms: CredentialForm[]) =>
  (credentials: object) => {
    const form = credentialForm(credentials);
    return form !== undefined && forms.includes(form);
  };

/** The rules of `credentials`, once it holds exactly one form. */
export class WebcomCredentialsSchema {
  @ValidateIf(usesForm('password', 'tokenHash'))
  @IsWireString({ required: true })
  user?: string;

  @ValidateIf(usesForm('password'))
  @IsWireString({ required: true })
  password?: string;

  @ValidateIf(usesForm('token'))
  @IsWireString({ required: true })
  token?: string;

  @ValidateIf(usesForm('tokenHash'))
  @IsWireString({ required: true })
  // Only once it is a usable string, so that each value gets one message.
  @OptionRule(
    'isTokenHash',
    "must be the token's MD5 as 32 lower-case hex digits",
    (value) =>
      typeof value !== 'string' ||
      value.trim() === '' ||
      hasLoneSurrogate(value) ||
      /^[0-9a-f]{32}$/.test(value),
  )
  tokenHash?: string;
}
