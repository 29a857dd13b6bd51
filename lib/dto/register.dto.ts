import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsString,
  Matches,
  MinLength,
  ValidateIf,
} from 'class-validator';
import type { Registration } from '../protocol/encode.js';
import { REGISTRANT_NAME } from '../protocol/registrant-name.js';
import { IsPhone, normalizePhones } from './rules.js';

export type RegistrantType = Registration['type'];

/** Validates a field when the entity type needs it, or whenever it is given. */
const RequiredFor = (...types: RegistrantType[]) =>
  ValidateIf((o: RegisterDto, value) => types.includes(o.type) || value !== undefined);

/** PROTOCOL.md §4: the fields every registrant gives, and those of its entity type. */
export class RegisterDto implements Registration {
  @IsIn(['legal', 'entrepreneur', 'individual'])
  type!: RegistrantType;

  @IsString()
  @IsNotEmpty()
  login!: string;

  @IsString()
  @IsNotEmpty()
  password!: string;

  /** Russian or Latin letters, at least 3; words joined by spaces or hyphens. */
  @IsString()
  @MinLength(3)
  @Matches(REGISTRANT_NAME, {
    message: '$property must be Russian or Latin letters (words joined by spaces or hyphens)',
  })
  name!: string;

  @IsString()
  @MinLength(3)
  city!: string;

  @Transform(({ value }) => normalizePhones(value))
  @IsPhone()
  phone!: string;

  @IsEmail()
  email!: string;

  @RequiredFor('legal', 'entrepreneur')
  @Matches(/^\d{10,}$/, { message: '$property must be at least 10 digits' })
  inn?: string;

  @RequiredFor('legal', 'entrepreneur')
  @IsString()
  @MinLength(10)
  legalAddress?: string;

  @RequiredFor('legal')
  @IsString()
  @MinLength(5)
  companyName?: string;

  @RequiredFor('entrepreneur')
  @Matches(/^\d{13,15}$/, { message: '$property must be 13 to 15 digits' })
  ogrnip?: string;

  @RequiredFor('individual')
  @IsString()
  @MinLength(10)
  actualAddress?: string;
}
