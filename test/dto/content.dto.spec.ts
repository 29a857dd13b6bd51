import 'reflect-metadata';
import { ButtonDto, ChannelContentDto } from '../../lib/dto/content.dto.js';
import { isHttpUrl } from '../../lib/dto/rules.js';
import { validateDto } from '../../lib/dto/validate.js';
import { refusal, refusedFields } from '../support/refusal.js';

const fields = refusedFields;

const URL = 'https://example.com/promo?a=1&b=2';
const IMAGE = 'https://cdn.example.com/banner.png';
const BUTTON = { text: 'Открыть', url: URL };

describe('isHttpUrl', () => {
  it.each([
    'https://example.com',
    'http://example.com/path?q=1#frag',
    'HTTPS://EXAMPLE.COM/',
    'https://пример.рф/картинка.png',
    'http://127.0.0.1:8080/a.mp3',
    'https://user@example.com/',
  ])('accepts %j', (url) => {
    expect(isHttpUrl(url)).toBe(true);
  });

  it.each([
    'ftp://example.com/file',
    'javascript:alert(1)',
    'data:image/png;base64,AAAA',
    'file:///etc/passwd',
    'mailto:a@example.com',
    '/relative/path',
    'relative/path',
    '//example.com/protocol-relative',
    'example.com',
    'http://',
    'https://',
    '',
    'not a url',
  ])('refuses %j', (url) => {
    expect(isHttpUrl(url)).toBe(false);
  });

  it.each([undefined, null, 42, {}, ['https://example.com']])(
    'refuses the non-string %j',
    (value) => {
      expect(isHttpUrl(value)).toBe(false);
    },
  );
});

describe('ButtonDto', () => {
  it('accepts text and an absolute http(s) link', () => {
    const button = validateDto(ButtonDto, BUTTON);
    expect(button).toBeInstanceOf(ButtonDto);
    expect(button).toEqual(BUTTON);
    expect(validateDto(ButtonDto, { text: 'Go', url: 'http://example.com' }).url).toBe(
      'http://example.com',
    );
  });

  it.each([
    ['no text', { url: URL }, ['text']],
    ['empty text', { text: '', url: URL }, ['text']],
    ['text that is not a string', { text: 5, url: URL }, ['text']],
    ['text with a lone surrogate', { text: 'Go \ud83d', url: URL }, ['text']],
    ['no link', { text: 'Go' }, ['url']],
    ['an ftp: link', { text: 'Go', url: 'ftp://example.com/x' }, ['url']],
    ['a javascript: link', { text: 'Go', url: 'javascript:alert(1)' }, ['url']],
    ['a relative link', { text: 'Go', url: '/promo' }, ['url']],
    ['nothing', {}, ['text', 'url']],
    ['an unknown property', { ...BUTTON, color: 'red' }, ['color']],
  ])('refuses %s', (_, value, expected) => {
    expect(fields(ButtonDto, value)).toEqual(expected);
  });
});

describe('ChannelContentDto', () => {
  it.each(['viber', 'telegram', 'whatsapp'])('%s takes the four rich combinations', (channel) => {
    for (const content of [
      { text: 'hi' },
      { text: 'hi', button: BUTTON },
      { text: 'hi', button: BUTTON, imageUrl: IMAGE },
      { imageUrl: IMAGE },
    ]) {
      const dto = validateDto(ChannelContentDto, { channel, ...content, from: 'Shop' });
      expect(dto).toBeInstanceOf(ChannelContentDto);
      if (content.button) expect(dto.button).toBeInstanceOf(ButtonDto);
    }
  });

  it.each(['viber', 'telegram', 'whatsapp'])('%s refuses every other combination', (channel) => {
    expect(fields(ChannelContentDto, { channel, button: BUTTON })).toEqual(['text']);
    expect(fields(ChannelContentDto, { channel, text: 'hi', imageUrl: IMAGE })).toEqual([
      'imageUrl',
    ]);
    expect(fields(ChannelContentDto, { channel, button: BUTTON, imageUrl: IMAGE })).toEqual([
      'text',
    ]);
    expect(fields(ChannelContentDto, { channel, text: 'hi', button: { url: URL } })).toEqual([
      'button.text',
    ]);
  });

  it('content may be absent here: whether it is needed depends on the primary channel', () => {
    expect(validateDto(ChannelContentDto, { channel: 'sms' })).toEqual({ channel: 'sms' });
    expect(validateDto(ChannelContentDto, { channel: 'viber' })).toEqual({ channel: 'viber' });
  });

  it('sms takes text only', () => {
    expect(validateDto(ChannelContentDto, { channel: 'sms', text: 'hi', from: 'Shop' })).toEqual({
      channel: 'sms',
      text: 'hi',
      from: 'Shop',
    });
    expect(fields(ChannelContentDto, { channel: 'sms', text: 'hi', button: BUTTON })).toEqual([
      'button',
    ]);
    expect(refusal(ChannelContentDto, { channel: 'sms', text: 'hi', imageUrl: IMAGE })).toEqual([
      { field: 'imageUrl', messages: ['imageUrl is not allowed: an sms carries text only'] },
    ]);
    expect(fields(ChannelContentDto, { channel: 'sms', imageUrl: IMAGE })).toEqual(['imageUrl']);
    expect(
      fields(ChannelContentDto, { channel: 'sms', text: 'hi', button: BUTTON, imageUrl: IMAGE }),
    ).toEqual(['button', 'imageUrl']);
  });

  it.each([
    ['no channel', { text: 'hi' }, ['channel']],
    ['voice', { channel: 'voice', text: 'hi' }, ['channel']],
    ['flashcall', { channel: 'flashcall' }, ['channel']],
    ['an upper-case channel', { channel: 'SMS', text: 'hi' }, ['channel']],
    [
      'a bad button link',
      { channel: 'viber', text: 'hi', button: { text: 'Go', url: 'ftp://x.ru' } },
      ['button.url'],
    ],
    ['a relative image', { channel: 'viber', imageUrl: '/banner.png' }, ['imageUrl']],
    ['an empty sender', { channel: 'sms', text: 'hi', from: '' }, ['from']],
    ['a sender that is not a string', { channel: 'sms', text: 'hi', from: 7 }, ['from']],
    ['a lone surrogate in the text', { channel: 'sms', text: '\udc00' }, ['text']],
    ['empty text', { channel: 'telegram', text: '' }, ['text']],
    ['an unknown property', { channel: 'sms', text: 'hi', to: '79991234567' }, ['to']],
    [
      'an unknown property in the button',
      { channel: 'viber', text: 'hi', button: { ...BUTTON, x: 1 } },
      ['button.x'],
    ],
  ])('refuses %s', (_, value, expected) => {
    expect(fields(ChannelContentDto, value)).toEqual(expected);
  });
});
