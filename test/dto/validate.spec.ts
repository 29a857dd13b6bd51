import 'reflect-metadata';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { RegisterDto } from '../../lib/dto/register.dto.js';
import {
  SendCascadeDto,
  SendFlashcallDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
  SendWhatsappDto,
} from '../../lib/dto/send.dto.js';
import { validateDto } from '../../lib/dto/validate.js';
import { WebcomValidationError } from '../../lib/errors/webcom-errors.js';

/**
 * `validateDto` proves valid input valid without class-validator's error objects (a path
 * compiled per DTO class). Whatever the input, it must accept exactly what class-validator
 * accepts with the same options.
 */
type Outcome = 'accepted' | 'refused' | 'threw';
const classValidatorSays = (dtoClass: ClassConstructor<object>, value: object): Outcome => {
  try {
    const errors = validateSync(plainToInstance(dtoClass, value), {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
    });
    return errors.length === 0 ? 'accepted' : 'refused';
  } catch {
    return 'threw';
  }
};
const validateDtoSays = (dtoClass: ClassConstructor<object>, value: object): Outcome => {
  try {
    return validateDto(dtoClass, value) instanceof dtoClass ? 'accepted' : 'threw';
  } catch (error) {
    return error instanceof WebcomValidationError ? 'refused' : 'threw';
  }
};

const URL = 'https://example.com/x';
const value = fc.constantFrom<unknown>(
  undefined,
  null,
  '',
  ' ',
  'hi',
  'Привет',
  '\uD800',
  '79991234567',
  '+7 (999) 123-45-67',
  ['79991234567', '79991234568'],
  [],
  ['x'],
  URL,
  'ftp://x.example',
  '2030-01-01 10:00',
  '2020-13-01 10:00',
  new Date('2030-01-01T10:00:00Z'),
  0,
  1,
  8,
  10,
  35,
  36,
  3600,
  true,
  'sms',
  'viber',
  'telegram',
  { text: 'Go', url: URL },
  { text: 'Go', url: 'nope' },
  { channel: 'sms', text: 'b' },
  { channel: 'viber', text: 'a', button: { text: 'Go', url: URL } },
  { channel: 'sms', text: 'b', imageUrl: URL },
  { channel: 'telegram' },
  {},
);
const field = fc.constantFrom(
  'to',
  'text',
  'from',
  'validUntil',
  'fallback',
  'button',
  'imageUrl',
  'audioUrl',
  'ivr',
  'waitSeconds',
  'retryIntervalSeconds',
  'attempts',
  'voice',
  'primary',
  'login',
  'password',
  'email',
  'unknownField',
);
const dto = fc.dictionary(field, value, { maxKeys: 6 });

const CLASSES: [string, ClassConstructor<object>, object][] = [
  ['SendSmsDto', SendSmsDto, { to: '79991234567', text: 'hi' }],
  ['SendViberDto', SendViberDto, { to: '79991234567', text: 'hi' }],
  ['SendTelegramDto', SendTelegramDto, { to: '79991234567', imageUrl: URL }],
  ['SendWhatsappDto', SendWhatsappDto, { to: ['79991234567'], text: 'hi' }],
  ['SendVoiceDto', SendVoiceDto, { to: '79991234567', text: 'hi' }],
  ['SendFlashcallDto', SendFlashcallDto, { to: '79991234567' }],
  [
    'SendCascadeDto',
    SendCascadeDto,
    {
      to: '79991234567',
      primary: { channel: 'viber', text: 'a' },
      fallback: { channel: 'sms', text: 'b' },
    },
  ],
  ['RegisterDto', RegisterDto, {}],
];

describe('validateDto accepts exactly what class-validator accepts', () => {
  it.each(CLASSES)('%s', (_name, dtoClass, valid) => {
    fc.assert(
      fc.property(fc.boolean(), dto, (fromValid, extra) => {
        const input = fromValid ? { ...valid, ...extra } : extra;
        expect(validateDtoSays(dtoClass, input)).toBe(classValidatorSays(dtoClass, input));
      }),
      { numRuns: 400 },
    );
  });

  it('a valid message still comes back transformed (numbers normalised)', () => {
    const sms = validateDto(SendSmsDto, { to: '+7 (999) 123-45-67', text: 'hi' });
    expect(sms).toBeInstanceOf(SendSmsDto);
    expect(sms.to).toBe('79991234567');
  });
});
