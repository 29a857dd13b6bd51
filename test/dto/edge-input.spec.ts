import 'reflect-metadata';
import type { ClassConstructor } from 'class-transformer';
import {
  SendCascadeDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
  SendWhatsappDto,
} from '../../lib/dto/send.dto.js';
import { validateDto } from '../../lib/dto/validate.js';
import { WebcomValidationError } from '../../lib/errors/webcom-errors.js';
import { refusal } from '../support/refusal.js';
import { thrown } from '../support/thrown.js';

const TO = '79991234567';
const URL = 'https://x.example/a';

/** D15: texts with nothing a reader would see. */
const BLANK_TEXTS: [string, string][] = [
  ['empty', ''],
  ['spaces', '   '],
  ['line breaks and tabs', '\n\r\n\t '],
  ['zero-width characters', '\u200B\u200C\u200D\u2060\uFEFF'],
  ['no-break and ideographic spaces', '\u00A0\u3000'],
];

/** Each text field of each channel that carries text, with the value that puts `text` there. */
const TEXT_FIELDS: [string, ClassConstructor<object>, (text: string) => object, string][] = [
  ['sms text', SendSmsDto, (text) => ({ to: TO, text }), 'text'],
  ['viber text', SendViberDto, (text) => ({ to: TO, text }), 'text'],
  ['telegram text', SendTelegramDto, (text) => ({ to: TO, text }), 'text'],
  ['whatsapp text', SendWhatsappDto, (text) => ({ to: TO, text }), 'text'],
  ['voice text', SendVoiceDto, (text) => ({ to: TO, text }), 'text'],
  [
    'button caption',
    SendViberDto,
    (text) => ({ to: TO, text: 'hi', button: { text, url: URL } }),
    'button.text',
  ],
  [
    'sms fallback text',
    SendViberDto,
    (text) => ({ to: TO, text: 'hi', fallback: { channel: 'sms', text } }),
    'fallback.text',
  ],
  [
    'cascade primary text',
    SendCascadeDto,
    (text) => ({
      to: TO,
      primary: { channel: 'viber', text },
      fallback: { channel: 'sms', text: 'x' },
    }),
    'primary.text',
  ],
];

describe('D15: a text with no visible character is refused on every channel that carries text', () => {
  describe.each(TEXT_FIELDS)('%s', (_, dto, withText, field) => {
    it.each(BLANK_TEXTS)('refuses %s text, on the field', (__, text) => {
      const errors = refusal(dto, withText(text));
      expect(errors.map((e) => e.field)).toContain(field);
    });

    it('accepts a text with one visible character among spaces and zero-width ones', () => {
      expect(() => validateDto(dto, withText(' \u200B.\n'))).not.toThrow();
    });
  });

  it('says what is wrong', () => {
    const [error] = refusal(SendSmsDto, { to: TO, text: ' \n' });
    expect(error.messages).toEqual([
      'text must have a visible character, not only spaces, line breaks or zero-width characters',
    ]);
  });
});

describe('a Date impostor in validUntil', () => {
  const impostor = () => Object.create(Date.prototype) as Date;

  it.each<[string, ClassConstructor<object>, object]>([
    ['an sms', SendSmsDto, { to: TO, text: 'hi' }],
    ['a viber message', SendViberDto, { to: TO, text: 'hi' }],
    [
      'a cascade',
      SendCascadeDto,
      { to: TO, primary: { channel: 'sms', text: 'hi' }, fallback: { channel: 'viber' } },
    ],
  ])('on %s is a WebcomValidationError on validUntil, not a TypeError', (_, dto, value) => {
    const error = thrown(() => validateDto(dto, { ...value, validUntil: impostor() }));
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors).toEqual([
      { field: 'validUntil', messages: ['validUntil must be a valid Date'] },
    ]);
  });

  it('a real Date still passes', () => {
    const validUntil = new Date(Date.now() + 3_600_000);
    expect(validateDto(SendSmsDto, { to: TO, text: 'hi', validUntil }).validUntil).toEqual(
      validUntil,
    );
  });
});

describe('constructor and __proto__ keys are refused by name, like any unknown field', () => {
  it.each(['constructor', '__proto__', 'foo'])('%s at the top', (key) => {
    const value = JSON.parse(`{"to":"${TO}","text":"hi","${key}":{"x":1}}`) as object;
    expect(refusal(SendSmsDto, value)).toEqual([
      { field: key, messages: [`property ${key} should not exist`] },
    ]);
  });

  it.each(['constructor', '__proto__'])('%s inside a fallback', (key) => {
    const value = JSON.parse(
      `{"to":"${TO}","text":"hi","fallback":{"channel":"sms","text":"x","${key}":1}}`,
    ) as object;
    expect(refusal(SendViberDto, value).map((e) => e.field)).toEqual([`fallback.${key}`]);
  });
});
