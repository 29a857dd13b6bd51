import 'reflect-metadata';
import type { ClassConstructor } from 'class-transformer';
import { isHttpUrl } from '../../lib/dto/rules.js';
import { RegisterDto } from '../../lib/dto/register.dto.js';
import {
  SendCascadeDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
} from '../../lib/dto/send.dto.js';
import { validateDto } from '../../lib/dto/validate.js';
import { refusal, refusedFields } from '../support/refusal.js';

const fields = refusedFields;
const TO = '79991234567';
const LONE = 'bad\uD800name';
const URL = 'https://example.com/promo';
const BUTTON = { text: 'Open', url: URL };
const HOUR = 60 * 60 * 1000;

const REGISTRATION = {
  type: 'legal',
  login: 'newuser',
  password: 'secret',
  name: 'Иван Петров',
  city: 'Москва',
  phone: TO,
  email: 'ivan@example.com',
  inn: '5551112223',
  legalAddress: 'Московская 24',
  companyName: 'nameCompany',
};

/** A DTO, a valid value, and a change that puts a lone surrogate into one field. */
const LONE_SURROGATES: [string, ClassConstructor<object>, object, string][] = [
  ['from', SendSmsDto, { to: TO, text: 'hi', from: LONE }, 'from'],
  [
    'fallback.from',
    SendViberDto,
    { to: TO, text: 'hi', fallback: { channel: 'sms', text: 'x', from: LONE } },
    'fallback.from',
  ],
  [
    'primary.from of a cascade',
    SendCascadeDto,
    {
      to: TO,
      primary: { channel: 'viber', text: 'hi', from: LONE },
      fallback: { channel: 'sms', text: 'x' },
    },
    'primary.from',
  ],
  ['imageUrl', SendViberDto, { to: TO, imageUrl: `https://x.example/${LONE}.png` }, 'imageUrl'],
  [
    'button.url',
    SendTelegramDto,
    { to: TO, text: 'hi', button: { text: 'Go', url: `https://x.example/?q=${LONE}` } },
    'button.url',
  ],
  ['audioUrl', SendVoiceDto, { to: TO, audioUrl: `https://x.example/${LONE}.mp3` }, 'audioUrl'],
  ...(['login', 'password', 'city', 'email', 'legalAddress', 'companyName'] as const).map(
    (field): [string, ClassConstructor<object>, object, string] => [
      `registration ${field}`,
      RegisterDto,
      { ...REGISTRATION, [field]: `${String(REGISTRATION[field])}\uDC00` },
      field,
    ],
  ),
];

describe('lone surrogates are refused on the field that holds them', () => {
  it.each(LONE_SURROGATES)('%s', (_, dto, value, field) => {
    expect(fields(dto, value)).toEqual([field]);
  });
});

describe('a string in `to` is exactly one phone number', () => {
  it.each([
    ['+7 (999) 123-45-67', '79991234567'],
    ['8 (999) 123-45-67', '79991234567'],
    ['  +7 999 123 45 67  ', '79991234567'],
    ['8-999-123-45-67', '79991234567'],
    ['+380 50 123 4567', '380501234567'],
  ])('accepts %j as %j', (typed, digits) => {
    expect(validateDto(SendSmsDto, { to: typed, text: 'hi' })).toMatchObject({ to: digits });
  });

  it.each([
    ['79991234567;79997654321'],
    ['79991234567,79997654321'],
    ['+7 999 123-45-67; 8 999 765-43-21'],
  ])('refuses the list %j in one string, telling to pass an array', (to) => {
    const [error] = refusal(SendSmsDto, { to, text: 'hi' });
    expect(error.field).toBe('to');
    expect(error.messages.join(' ')).toMatch(/array/);
  });

  it.each([
    ['abc79991234567xyz'],
    ['call me at +7 999 123-45-67 please'],
    ['+7 999 123 45 67 ext 5'],
    ['+7 999 123 45 67 доб. 5'],
    ['tel:+79991234567'],
  ])('refuses %j', (to) => {
    const [error] = refusal(SendSmsDto, { to, text: 'hi' });
    expect(error.field).toBe('to');
    expect(error.messages.join(' ')).toMatch(/^to must be exactly one phone number/);
  });

  it('names the entry of a list that holds several numbers, and says to pass an array', () => {
    const [error] = refusal(SendSmsDto, {
      to: [TO, '79991234567;79997654321', 'call +7 999 123-45-67'],
      text: 'hi',
    });
    expect(error.field).toBe('to');
    const message = error.messages.join(' ');
    expect(message).toMatch(/to\[1\][^;]*array/);
    expect(message).toMatch(/to\[2\]/);
    expect(message).not.toMatch(/to\[0\]/);
  });

  it('refuses a registration phone holding more than a number', () => {
    expect(fields(RegisterDto, { ...REGISTRATION, phone: '+7 999 123 45 67 ext 5' })).toEqual([
      'phone',
    ]);
  });
});

describe('URLs with whitespace or control characters inside are refused', () => {
  it.each([
    'https://example.com/a\r\nSet-Cookie: x=1',
    'https://example.com/a\nb',
    'https://example.com/a\tb',
    'https://example.com/a b',
    ' https://example.com/a',
    'https://example.com/a\u0000',
    'https://exam\u00a0ple.com/',
  ])('isHttpUrl(%j) is false', (url) => {
    expect(isHttpUrl(url)).toBe(false);
  });

  it('on button.url', () => {
    expect(
      fields(SendViberDto, { to: TO, text: 'hi', button: { ...BUTTON, url: `${URL}\r\n` } }),
    ).toEqual(['button.url']);
  });
});

describe('validUntil is a real future time the wire can write', () => {
  const at = (value: unknown) => ({ to: TO, text: 'hi', validUntil: value });

  it.each([
    ['a Date in year 99', new Date('0099-01-01T00:00:00Z')],
    ['a Date in year 10000', new Date('+010000-01-01T00:00:00Z')],
    ['a Date an hour ago', new Date(Date.now() - HOUR)],
    ['a string in the past', '2020-01-01 10:00'],
    ['a string in year 0099', '0099-01-01 03:00'],
  ])('refuses %s', (_, value) => {
    const [error] = refusal(SendSmsDto, at(value));
    expect(error.field).toBe('validUntil');
  });

  it.each([
    ['a Date in an hour', new Date(Date.now() + HOUR)],
    ['a Date in year 9999', new Date('9999-12-31T00:00:00Z')],
    ['a string next year', `${new Date().getUTCFullYear() + 1}-06-01 10:00`],
  ])('accepts %s', (_, value) => {
    expect(() => validateDto(SendSmsDto, at(value))).not.toThrow();
  });
});

describe('D10: voice takes text, an audio URL, or both', () => {
  it.each([
    ['text', { text: 'Ваш код 1234' }],
    ['an audio URL', { audioUrl: 'https://x.example/a.mp3' }],
    ['both', { text: 'Ваш код 1234', audioUrl: 'https://x.example/a.mp3' }],
  ])('accepts %s', (_, content) => {
    expect(() => validateDto(SendVoiceDto, { to: TO, ...content })).not.toThrow();
  });

  it('refuses neither', () => {
    const [error] = refusal(SendVoiceDto, { to: TO });
    expect(error.messages.join(' ')).toMatch(/text or audioUrl, or both/);
  });
});
