import 'reflect-metadata';
import type { ClassConstructor } from 'class-transformer';
import { ButtonDto, ChannelContentDto } from '../../lib/dto/content.dto.js';
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
import { refusal, refusedFields } from '../support/refusal.js';

const fields = refusedFields;

const TO = '79991234567';
const URL = 'https://example.com/promo';
const IMAGE = 'https://cdn.example.com/banner.png';
const AUDIO = 'https://cdn.example.com/message.mp3';
const BUTTON = { text: 'Открыть', url: URL };

type ContentChannel = 'sms' | 'viber' | 'telegram' | 'whatsapp';
const CONTENT_CHANNELS: ContentChannel[] = ['sms', 'viber', 'telegram', 'whatsapp'];

/** Valid content of its own for a fallback on `channel`. */
const contentOf = (channel: ContentChannel) =>
  channel === 'sms' ? { channel, text: 'запасной текст' } : { channel, text: 'hi', button: BUTTON };

const sms = (extra: object = {}) => ({ to: TO, text: 'Привет', ...extra });
const voice = (extra: object = {}) => ({ to: TO, text: 'Ваш код 1234', ...extra });

const RICH: [string, ClassConstructor<object>, ContentChannel][] = [
  ['SendViberDto', SendViberDto, 'viber'],
  ['SendTelegramDto', SendTelegramDto, 'telegram'],
  ['SendWhatsappDto', SendWhatsappDto, 'whatsapp'],
];

/** Every DTO that has `to`, with a valid value apart from it. */
const WITH_RECIPIENTS: [string, ClassConstructor<object>, object][] = [
  ['SendSmsDto', SendSmsDto, { text: 'hi' }],
  ['SendViberDto', SendViberDto, { text: 'hi' }],
  ['SendTelegramDto', SendTelegramDto, { text: 'hi' }],
  ['SendWhatsappDto', SendWhatsappDto, { text: 'hi' }],
  ['SendVoiceDto', SendVoiceDto, { text: 'hi' }],
  ['SendFlashcallDto', SendFlashcallDto, {}],
  [
    'SendCascadeDto',
    SendCascadeDto,
    { primary: { channel: 'viber', text: 'hi' }, fallback: { channel: 'sms', text: 'hi' } },
  ],
];

/** Every DTO that has `validUntil`. */
const WITH_VALIDITY: [string, ClassConstructor<object>, object][] = WITH_RECIPIENTS.filter(
  ([name]) => !['SendVoiceDto', 'SendFlashcallDto'].includes(name),
).map(([name, dto, rest]) => [name, dto, { to: TO, ...rest }]);

describe('recipients (`to`) on every send', () => {
  describe.each(WITH_RECIPIENTS)('%s', (_, dto, rest) => {
    it.each([
      ['+7 (999) 123-45-67', '79991234567'],
      ['8 999 123 45 67', '79991234567'],
      ['79991234567', '79991234567'],
      ['+380 50 123 4567', '380501234567'],
    ])('accepts %j and sends %j', (typed, digits) => {
      expect(validateDto(dto, { ...rest, to: typed })).toMatchObject({ to: digits });
    });

    it('normalises every number of a list, in order', () => {
      const result = validateDto(dto, {
        ...rest,
        to: ['+7 (999) 123-45-67', '8 953 777 55 22', '+380 50 123 4567', '12025550143'],
      });
      expect(result).toMatchObject({
        to: ['79991234567', '79537775522', '380501234567', '12025550143'],
      });
    });

    it.each([
      ['abc', 'abc'],
      ['12345', '12345'],
      ['an empty string', ''],
      ['eight digits that are no number', '12345678'],
      ['zeros', '000000000000'],
      ['a number type', 79991234567],
      ['null', null],
      ['an object', { phone: TO }],
      ['an empty list', []],
      ['a list with one bad entry', [TO, 'abc']],
      ['a list with an empty entry', [TO, '']],
      ['a list with a number type', [79991234567]],
    ])('refuses %s under `to`', (_, to) => {
      expect(fields(dto, { ...rest, to })).toEqual(['to']);
    });

    it('refuses a missing `to`', () => {
      expect(fields(dto, rest)).toEqual(['to']);
    });

    it('names the bad entries of a list by index', () => {
      const [error] = refusal(dto, { ...rest, to: [TO, 'abc', TO, '12345'] });
      expect(error.field).toBe('to');
      const message = error.messages.join(' ');
      expect(message).toMatch(/to\[1\] .*; to\[3\] /);
      expect(message).not.toMatch(/to\[[02]\]/);
    });

    it('refuses an unknown property', () => {
      expect(fields(dto, { ...rest, to: TO, priority: 'high' })).toEqual(['priority']);
    });
  });
});

describe('validUntil', () => {
  describe.each(WITH_VALIDITY)('%s', (_, dto, valid) => {
    it('accepts a Date and keeps it a Date', () => {
      const at = new Date('2027-11-27T21:30:00Z');
      const result = validateDto(dto, { ...valid, validUntil: at }) as { validUntil: unknown };
      expect(result.validUntil).toBeInstanceOf(Date);
      expect((result.validUntil as Date).getTime()).toBe(at.getTime());
    });

    it.each(['2027-11-27 10:00', '2028-02-29 23:59', '2027-01-01 00:00'])('accepts %j', (at) => {
      expect(validateDto(dto, { ...valid, validUntil: at })).toMatchObject({ validUntil: at });
    });

    it.each([
      ['2026-02-30 10:00', '2026-02-30 10:00'],
      ['2026-13-01 10:00', '2026-13-01 10:00'],
      ['2026-1-1 1:1', '2026-1-1 1:1'],
      ['2026-11-27T10:00', '2026-11-27T10:00'],
      ['2026-11-27 24:00', '2026-11-27 24:00'],
      ['an ISO string', '2026-11-27T10:00:00.000Z'],
      ['an empty string', ''],
      ['Invalid Date', new Date('not a date')],
      ['a timestamp', 1795000000000],
    ])('refuses %s', (_, at) => {
      expect(fields(dto, { ...valid, validUntil: at })).toEqual(['validUntil']);
    });
  });

  it.each(WITH_VALIDITY)('%s takes a null validUntil as not given', (_, dto, valid) => {
    expect(validateDto(dto, { ...valid, validUntil: null })).toMatchObject({ validUntil: null });
  });

  it('voice and flashcall take no validUntil', () => {
    expect(fields(SendVoiceDto, voice({ validUntil: '2026-11-27 10:00' }))).toEqual(['validUntil']);
    expect(fields(SendFlashcallDto, { to: TO, validUntil: '2026-11-27 10:00' })).toEqual([
      'validUntil',
    ]);
  });
});

describe('SendSmsDto', () => {
  it('accepts text, a sender and a validity', () => {
    const dto = validateDto(SendSmsDto, sms({ from: 'Shop', validUntil: '2027-11-27 10:00' }));
    expect(dto).toBeInstanceOf(SendSmsDto);
    expect(dto).toEqual({ to: TO, text: 'Привет', from: 'Shop', validUntil: '2027-11-27 10:00' });
  });

  it('accepts text with &=+#% emoji, Cyrillic and line breaks as it is', () => {
    const text = 'a&b=c+d#e%f 😀 Привет\r\nпока';
    expect(validateDto(SendSmsDto, sms({ text })).text).toBe(text);
  });

  it.each([
    ['no text', { to: TO }, ['text']],
    ['empty text', sms({ text: '' }), ['text']],
    ['text that is not a string', sms({ text: 42 }), ['text']],
    ['a lone high surrogate', sms({ text: 'Привет \ud83d' }), ['text']],
    ['a lone low surrogate', sms({ text: '\ude00 hi' }), ['text']],
    ['an empty sender', sms({ from: '' }), ['from']],
    ['a sender that is not a string', sms({ from: 1 }), ['from']],
    ['a button', sms({ button: BUTTON }), ['button']],
    ['an image', sms({ imageUrl: IMAGE }), ['imageUrl']],
  ])('refuses %s', (_, value, expected) => {
    expect(fields(SendSmsDto, value)).toEqual(expected);
  });
});

describe.each(RICH)('%s', (_, dto, channel) => {
  const rich = (content: object) => ({ to: TO, ...content });

  it.each([
    ['text', { text: 'hi' }],
    ['text + button', { text: 'hi', button: BUTTON }],
    ['text + button + image', { text: 'hi', button: BUTTON, imageUrl: IMAGE }],
    ['image alone', { imageUrl: IMAGE }],
  ])('accepts %s', (__, content) => {
    const result = validateDto(dto, rich(content)) as { button?: unknown };
    expect(result).toBeInstanceOf(dto);
    expect(result).toEqual({ to: TO, ...content });
    if ('button' in content) expect(result.button).toBeInstanceOf(ButtonDto);
  });

  it.each([
    ['nothing', {}, ['text']],
    ['a button without text', { button: BUTTON }, ['text']],
    ['an image and text without a button', { text: 'hi', imageUrl: IMAGE }, ['imageUrl']],
    ['an image and a button without text', { button: BUTTON, imageUrl: IMAGE }, ['text']],
    ['a button that has no text of its own', { text: 'hi', button: { url: URL } }, ['button.text']],
    ['a link without button text', { text: 'hi', button: { text: '', url: URL } }, ['button.text']],
    ['a button without a link', { text: 'hi', button: { text: 'Go' } }, ['button.url']],
    [
      'an ftp: button link',
      { text: 'hi', button: { text: 'Go', url: 'ftp://example.com' } },
      ['button.url'],
    ],
    [
      'a javascript: button link',
      { text: 'hi', button: { text: 'Go', url: 'javascript:alert(1)' } },
      ['button.url'],
    ],
    [
      'a relative button link',
      { text: 'hi', button: { text: 'Go', url: '/promo' } },
      ['button.url'],
    ],
    ['an ftp: image', { imageUrl: 'ftp://example.com/i.png' }, ['imageUrl']],
    ['a relative image', { imageUrl: 'images/i.png' }, ['imageUrl']],
    ['a javascript: image', { imageUrl: 'javascript:alert(1)' }, ['imageUrl']],
    ['empty text', { text: '' }, ['text']],
    ['a lone surrogate in the text', { text: 'hi \ud800' }, ['text']],
    [
      'a lone surrogate in the button',
      { text: 'hi', button: { text: '\udfff', url: URL } },
      ['button.text'],
    ],
    ['a button that is not an object', { text: 'hi', button: 'Go' }, ['button']],
    [
      'an unknown property in the button',
      { text: 'hi', button: { ...BUTTON, style: 'x' } },
      ['button.style'],
    ],
    ['an audio URL', { text: 'hi', audioUrl: AUDIO }, ['audioUrl']],
  ])('refuses %s', (__, content, expected) => {
    expect(fields(dto, rich(content))).toEqual(expected);
  });

  it.each(CONTENT_CHANNELS)('fallback on %s', (fallback) => {
    const allowed = fallback === channel || fallback === 'sms';
    const withContent = rich({ text: 'hi', fallback: contentOf(fallback) });
    const without = rich({ text: 'hi', fallback: { channel: fallback } });
    if (fallback === channel) {
      // The same channel re-sends the primary's content and carries none of its own.
      expect(validateDto(dto, without)).toMatchObject({ fallback: { channel } });
      expect(fields(dto, withContent)).toEqual(['fallback.button', 'fallback.text']);
    } else if (allowed) {
      const result = validateDto(dto, withContent) as { fallback: unknown };
      expect(result.fallback).toBeInstanceOf(ChannelContentDto);
      expect(result.fallback).toEqual(contentOf(fallback));
      expect(fields(dto, without)).toEqual(['fallback.text']);
    } else {
      expect(fields(dto, withContent)).toEqual(['fallback.channel']);
      expect(fields(dto, without)).toEqual(['fallback.channel']);
    }
  });

  it('refuses voice and flashcall as fallbacks, on the channel', () => {
    expect(refusal(dto, rich({ text: 'hi', fallback: { channel: 'voice', text: 'x' } }))).toEqual([
      { field: 'fallback.channel', messages: [`channel must be one of ${channel}, sms`] },
    ]);
    expect(fields(dto, rich({ text: 'hi', fallback: { channel: 'flashcall' } }))).toEqual([
      'fallback.channel',
    ]);
  });

  it('checks the SMS fallback as an SMS', () => {
    expect(
      refusal(dto, rich({ text: 'hi', fallback: { channel: 'sms', text: 'x', button: BUTTON } })),
    ).toEqual([
      { field: 'fallback.button', messages: ['button is not allowed: an sms carries text only'] },
    ]);
    expect(fields(dto, rich({ text: 'hi', fallback: { channel: 'sms', text: '\ud800' } }))).toEqual(
      ['fallback.text'],
    );
    expect(
      fields(dto, rich({ text: 'hi', fallback: { channel: 'sms', text: 'x', from: '' } })),
    ).toEqual(['fallback.from']);
    expect(
      fields(dto, rich({ text: 'hi', fallback: { channel: 'sms', text: 'x', extra: 1 } })),
    ).toEqual(['fallback.extra']);
  });
});

describe('SendSmsDto fallbacks: sms → {sms, viber}', () => {
  it.each(CONTENT_CHANNELS)('fallback on %s', (fallback) => {
    const withContent = sms({ fallback: contentOf(fallback) });
    const without = sms({ fallback: { channel: fallback } });
    if (fallback === 'sms') {
      expect(validateDto(SendSmsDto, without).fallback).toEqual({ channel: 'sms' });
      expect(fields(SendSmsDto, withContent)).toEqual(['fallback.text']);
    } else if (fallback === 'viber') {
      expect(validateDto(SendSmsDto, withContent).fallback).toEqual(contentOf('viber'));
      expect(fields(SendSmsDto, without)).toEqual(['fallback.text']);
    } else {
      expect(fields(SendSmsDto, withContent)).toEqual(['fallback.channel']);
      expect(fields(SendSmsDto, without)).toEqual(['fallback.channel']);
    }
  });

  it('checks a Viber fallback against the four combinations, with dotted paths', () => {
    const viber = (content: object) => sms({ fallback: { channel: 'viber', ...content } });
    expect(validateDto(SendSmsDto, viber({ imageUrl: IMAGE })).fallback).toEqual({
      channel: 'viber',
      imageUrl: IMAGE,
    });
    expect(
      validateDto(SendSmsDto, viber({ text: 'hi', button: BUTTON, imageUrl: IMAGE, from: 'V' }))
        .fallback,
    ).toEqual({ channel: 'viber', text: 'hi', button: BUTTON, imageUrl: IMAGE, from: 'V' });
    expect(fields(SendSmsDto, viber({ button: BUTTON }))).toEqual(['fallback.text']);
    expect(fields(SendSmsDto, viber({ text: 'hi', imageUrl: IMAGE }))).toEqual([
      'fallback.imageUrl',
    ]);
    expect(fields(SendSmsDto, viber({ button: BUTTON, imageUrl: IMAGE }))).toEqual([
      'fallback.text',
    ]);
    expect(
      fields(SendSmsDto, viber({ text: 'hi', button: { text: 'Go', url: 'ftp://x.ru' } })),
    ).toEqual(['fallback.button.url']);
    expect(fields(SendSmsDto, viber({ text: 'hi', button: { url: URL } }))).toEqual([
      'fallback.button.text',
    ]);
    expect(fields(SendSmsDto, viber({ imageUrl: '/i.png' }))).toEqual(['fallback.imageUrl']);
  });

  it('refuses a fallback that is not an object', () => {
    expect(fields(SendSmsDto, sms({ fallback: 'viber' }))).toEqual(['fallback']);
  });
});

describe('SendVoiceDto', () => {
  it('accepts text to speak, or an audio URL', () => {
    expect(validateDto(SendVoiceDto, voice())).toEqual({ to: TO, text: 'Ваш код 1234' });
    expect(validateDto(SendVoiceDto, { to: TO, audioUrl: AUDIO })).toEqual({
      to: TO,
      audioUrl: AUDIO,
    });
  });

  it.each([
    ['neither text nor audioUrl', { to: TO }, ['text']],
    ['an ftp: audio URL', { to: TO, audioUrl: 'ftp://example.com/a.mp3' }, ['audioUrl']],
    ['a relative audio URL', { to: TO, audioUrl: 'a.mp3' }, ['audioUrl']],
    ['empty text', { to: TO, text: '' }, ['text']],
    ['a lone surrogate', { to: TO, text: '\ud800' }, ['text']],
    ['a button', voice({ button: BUTTON }), ['button']],
    ['an image', voice({ imageUrl: IMAGE }), ['imageUrl']],
  ])('refuses %s', (_, value, expected) => {
    expect(fields(SendVoiceDto, value)).toEqual(expected);
  });

  it('ivr is a boolean', () => {
    expect(validateDto(SendVoiceDto, voice({ ivr: true })).ivr).toBe(true);
    expect(validateDto(SendVoiceDto, voice({ ivr: false })).ivr).toBe(false);
    // null is "not given", as everywhere under @IsOptional().
    expect(validateDto(SendVoiceDto, voice({ ivr: null })).ivr).toBeNull();
    for (const ivr of ['true', 1, 'yes']) {
      expect(fields(SendVoiceDto, voice({ ivr }))).toEqual(['ivr']);
    }
  });

  it.each([
    ['waitSeconds', 10, 35],
    ['retryIntervalSeconds', 10, 3600],
    ['attempts', 1, 9],
    ['voice', 1, 8],
  ])('%s takes whole numbers from %i to %i', (field, min, max) => {
    for (const value of [min, max, Math.floor((min + max) / 2)]) {
      expect(validateDto(SendVoiceDto, voice({ [field]: value }))).toMatchObject({
        [field]: value,
      });
    }
    for (const value of [min - 1, max + 1, min + 0.5, String(min), -min, NaN, Infinity]) {
      expect(fields(SendVoiceDto, voice({ [field]: value }))).toEqual([field]);
    }
  });

  it.each(CONTENT_CHANNELS)('fallback on %s (voice → {viber, sms}, with content)', (fallback) => {
    const allowed = fallback === 'viber' || fallback === 'sms';
    const withContent = voice({ fallback: contentOf(fallback) });
    const without = voice({ fallback: { channel: fallback } });
    if (allowed) {
      expect(validateDto(SendVoiceDto, withContent).fallback).toEqual(contentOf(fallback));
    } else {
      expect(fields(SendVoiceDto, withContent)).toEqual(['fallback.channel']);
    }
    // No channel of a voice fallback is the voice channel: every one needs its own content.
    expect(fields(SendVoiceDto, without)).toEqual([allowed ? 'fallback.text' : 'fallback.channel']);
  });

  it('refuses voice as its own fallback', () => {
    expect(fields(SendVoiceDto, voice({ fallback: { channel: 'voice' } }))).toEqual([
      'fallback.channel',
    ]);
  });
});

describe('SendCascadeDto: primary and fallback ∈ {viber, sms}', () => {
  const cascade = (primary: unknown, fallback: unknown, extra: object = {}) => ({
    to: TO,
    primary,
    fallback,
    ...extra,
  });

  it('accepts Viber falling back to SMS, and SMS falling back to Viber', () => {
    const viberFirst = validateDto(
      SendCascadeDto,
      cascade(
        { channel: 'viber', text: 'hi', button: BUTTON, imageUrl: IMAGE, from: 'V' },
        { channel: 'sms', text: 'hi', from: 'S' },
        { validUntil: '2027-11-27 10:00' },
      ),
    );
    expect(viberFirst.primary).toBeInstanceOf(ChannelContentDto);
    expect(viberFirst.primary.button).toBeInstanceOf(ButtonDto);
    expect(viberFirst.fallback).toBeInstanceOf(ChannelContentDto);
    expect(viberFirst).toMatchObject({
      primary: { channel: 'viber' },
      fallback: { channel: 'sms', text: 'hi' },
    });
    const smsFirst = validateDto(
      SendCascadeDto,
      cascade({ channel: 'sms', text: 'hi' }, { channel: 'viber', imageUrl: IMAGE }),
    );
    expect(smsFirst).toMatchObject({ primary: { channel: 'sms' }, fallback: { channel: 'viber' } });
  });

  it('a fallback on the primary channel carries no content', () => {
    for (const channel of ['viber', 'sms'] as const) {
      expect(
        validateDto(SendCascadeDto, cascade(contentOf(channel), { channel })).fallback,
      ).toEqual({ channel });
      expect(fields(SendCascadeDto, cascade(contentOf(channel), contentOf(channel)))).toEqual(
        channel === 'sms' ? ['fallback.text'] : ['fallback.button', 'fallback.text'],
      );
    }
  });

  it('a fallback on the other channel needs content', () => {
    expect(refusal(SendCascadeDto, cascade(contentOf('viber'), { channel: 'sms' }))).toEqual([
      {
        field: 'fallback.text',
        messages: ['text is missing: a fallback on sms needs content of its own'],
      },
    ]);
    expect(fields(SendCascadeDto, cascade(contentOf('sms'), { channel: 'viber' }))).toEqual([
      'fallback.text',
    ]);
  });

  it.each(['telegram', 'whatsapp'] as const)('refuses %s as primary or fallback', (channel) => {
    expect(refusal(SendCascadeDto, cascade(contentOf(channel), contentOf('sms')))).toEqual([
      { field: 'primary.channel', messages: ['channel must be one of sms, viber'] },
    ]);
    expect(fields(SendCascadeDto, cascade(contentOf('viber'), contentOf(channel)))).toEqual([
      'fallback.channel',
    ]);
  });

  it.each([
    [
      'a primary without content',
      cascade({ channel: 'viber' }, contentOf('sms')),
      ['primary.text'],
    ],
    [
      'an SMS primary without text',
      cascade({ channel: 'sms' }, contentOf('viber')),
      ['primary.text'],
    ],
    [
      'an SMS primary with an image instead of text',
      cascade({ channel: 'sms', imageUrl: IMAGE }, contentOf('viber')),
      ['primary.imageUrl', 'primary.text'],
    ],
    ['a primary that is not an object', cascade('viber', contentOf('sms')), ['primary']],
    ['no primary', { to: TO, fallback: contentOf('sms') }, ['primary']],
    ['no fallback', { to: TO, primary: contentOf('viber') }, ['fallback']],
    [
      'a primary button with a bad link',
      cascade(
        { channel: 'viber', text: 'hi', button: { text: 'Go', url: 'javascript:x' } },
        contentOf('sms'),
      ),
      ['primary.button.url'],
    ],
    [
      'a primary image with text but no button',
      cascade({ channel: 'viber', text: 'hi', imageUrl: IMAGE }, contentOf('sms')),
      ['primary.imageUrl'],
    ],
    [
      'a primary button without text',
      cascade({ channel: 'viber', button: BUTTON }, contentOf('sms')),
      ['primary.text'],
    ],
    [
      'an SMS primary with an image',
      cascade({ channel: 'sms', text: 'hi', imageUrl: IMAGE }, contentOf('viber')),
      ['primary.imageUrl'],
    ],
    [
      'an SMS fallback with a button',
      cascade(contentOf('viber'), { channel: 'sms', text: 'hi', button: BUTTON }),
      ['fallback.button'],
    ],
    [
      'a Viber fallback image with a relative URL',
      cascade(contentOf('sms'), { channel: 'viber', imageUrl: 'banner.png' }),
      ['fallback.imageUrl'],
    ],
    [
      'a lone surrogate in the fallback',
      cascade(contentOf('viber'), { channel: 'sms', text: '\ud800' }),
      ['fallback.text'],
    ],
    ['a top-level sender', cascade(contentOf('viber'), contentOf('sms'), { from: 'X' }), ['from']],
    ['top-level text', cascade(contentOf('viber'), contentOf('sms'), { text: 'X' }), ['text']],
    [
      'an unknown property in the primary',
      cascade({ ...contentOf('viber'), to: TO }, contentOf('sms')),
      ['primary.to'],
    ],
  ])('refuses %s', (_, value, expected) => {
    expect(fields(SendCascadeDto, value)).toEqual(expected);
  });
});

describe('SendFlashcallDto', () => {
  it('takes recipients and nothing else', () => {
    expect(validateDto(SendFlashcallDto, { to: '+7 999 123-45-67' })).toEqual({ to: TO });
    expect(fields(SendFlashcallDto, { to: TO, text: '1234' })).toEqual(['text']);
    expect(fields(SendFlashcallDto, { to: TO, from: 'X' })).toEqual(['from']);
    expect(fields(SendFlashcallDto, { to: TO, fallback: contentOf('sms') })).toEqual(['fallback']);
  });
});

describe('validateDto', () => {
  it.each([null, undefined, 'to=7999', 42, [TO]])('refuses the argument %j', (value) => {
    expect(refusal(SendSmsDto, value)).toEqual([
      { field: '(argument)', messages: ['must be an object'] },
    ]);
  });

  it('reports every bad field at once', () => {
    expect(
      fields(SendViberDto, {
        to: 'abc',
        button: { text: 'Go', url: 'ftp://x' },
        imageUrl: '/i.png',
        validUntil: '2026-02-30 10:00',
        extra: true,
      }),
    ).toEqual(['button.url', 'extra', 'imageUrl', 'text', 'to', 'validUntil']);
  });

  it('every refused field carries at least one message', () => {
    for (const error of refusal(SendCascadeDto, { to: [], primary: {}, fallback: 5 })) {
      expect(error.messages.length).toBeGreaterThan(0);
      for (const message of error.messages) expect(typeof message).toBe('string');
    }
  });

  it("the error's message names the fields", () => {
    try {
      validateDto(SendSmsDto, {
        to: TO,
        text: 'hi',
        fallback: { channel: 'viber', text: 'x', button: { text: 'Go', url: 'x' } },
      });
    } catch (error) {
      expect(error).toBeInstanceOf(WebcomValidationError);
      expect((error as Error).message).toContain('fallback.button.url');
      return;
    }
    throw new Error('expected a refusal');
  });

  it('returns an instance of the class, not the plain object it was given', () => {
    const plain = sms();
    const dto = validateDto(SendSmsDto, plain);
    expect(dto).toBeInstanceOf(SendSmsDto);
    expect(dto).not.toBe(plain);
  });
});
