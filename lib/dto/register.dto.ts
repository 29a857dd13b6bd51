import { Transform } from 'class-transformer';
import { IsIn, IsString, Matches, MinLength, ValidateIf } from 'class-validator';
import type { Registration } from '../protocol/encode.js';
import { REGISTRANT_NAME } from '../protocol/registrant-name.js';
import { IsEmailAddress, IsPhone, IsText, normalizePhones } from './rules.js';

/** The entity that registers: a legal entity, a sole proprietor or an individual. */
export type RegistrantType = Registration['type'];

/** Validates a field when the entity type needs it, or whenever it is given. */
const RequiredFor = (...types: RegistrantType[]) =>
  ValidateIf((o: RegisterDto, value) => types.includes(o.type) || value !== undefined);

/** docs/protocol.md §4: the fields every registrant gives, and those of its entity type. */
export class RegisterDto implements Registration {
  /** The entity type (wire `businessman`: `le`, `ip`, `fl`). */
  @IsIn(['legal', 'entrepreneur', 'individual'])
  type!: RegistrantType;

  /** The new account's login. */
  @IsText()
  login!: string;

  /** The new account's password; scrubbed from any answer the library reports. */
  @IsText()
  password!: string;

  /** Russian or Latin letters, at least 3; words joined by spaces or hyphens. */
  @IsString()
  @MinLength(3)
  @Matches(REGISTRANT_NAME, {
    message: '$property must be Russian or Latin letters (words joined by spaces or hyphens)',
  })
  name!: string;

  /** Country or city, at least 3 characters. */
  @IsText()
  @MinLength(3)
  city!: string;

  /** The client's phone number, in any usual notation. */
  @Transform(({ value }) => normalizePhones(value))
  @IsPhone()
  phone!: string;

  /** A valid e-mail address (wire `e_mail`). */
  @IsEmailAddress()
  email!: string;

  /** Tax number, at least 10 digits: required for `legal` and `entrepreneur`. */
  @RequiredFor('legal', 'entrepreneur')
  @Matches(/^\d{10,}$/, { message: '$property must be at least 10 digits' })
  inn?: string;

  /** Legal address, at least 10 characters (wire `juridical_address`): `legal` and `entrepreneur`. */
  @RequiredFor('legal', 'entrepreneur')
  @IsText()
  @MinLength(10)
  legalAddress?: string;

  /** Company name, at least 5 characters (wire `company_name`): required for `legal`. */
  @RequiredFor('legal')
  @IsText()
  @MinLength(5)
  companyName?: string;

  /** Registration number, 13 to 15 digits (wire `ogrnip`): required for `entrepreneur`. */
  @RequiredFor('entrepreneur')
  @Matches(/^\d{13,15}$/, { message: '$property must be 13 to 15 digits' })
  ogrnip?: string;

  /** Actual address, at least 10 characters (wire `address_facto`): required for `individual`. */
  @RequiredFor('individual')
  @IsText()
  @MinLength(10)
  actualAddress?: string;
}
