import 'reflect-metadata';
import { BadRequestException, ValidationPipe } from '@nestjs/common';
import {
  SendCascadeDto,
  SendSmsDto,
  SendViberDto,
  SendVoiceDto,
  type CascadePrimary,
  type Channel,
  type FallbackOf,
  type ResendOn,
  type RichContent,
  type SmsContent,
  type SendViberDto as SendViber,
  type VoiceNumber,
  type WebcomService,
} from '../../lib/index.js';
import { CHANNEL_TABLES } from '../../lib/protocol/channels.js';
import { refusal, refusedFields } from '../support/refusal.js';
import { invalid } from '../support/thrown.js';

/**
 * The DTOs' fields are typed per channel, so the compiler refuses what the gateway would. Each
 * `@ts-expect-error` below is checked by `npm run lint` (tsc over test/) and by ts-jest: if a
 * line compiled, its directive would be unused, which is an error. The functions never run.
 */

const TO = '79991234567';
const IMAGE = 'https://cdn.example.com/banner.png';
const AUDIO = 'https://cdn.example.com/message.mp3';
const BUTTON = { text: 'Open', url: 'https://example.com' };

const fallbackOn =
  <C extends Channel>() =>
  (fallback: FallbackOf<C>) =>
    fallback;
const smsFallback = fallbackOn<'sms'>();
const viberFallback = fallbackOn<'viber'>();
const telegramFallback = fallbackOn<'telegram'>();
const voiceFallback = fallbackOn<'voice'>();
const primary = (content: CascadePrimary) => content;

export function fallbacksThatCompile(): unknown[] {
  return [
    // A re-send on the message's own channel, content of its own on another.
    smsFallback({ channel: 'sms' }),
    smsFallback({ channel: 'viber', text: 'hi' }),
    smsFallback({ channel: 'viber', imageUrl: IMAGE, from: 'Shop' }),
    smsFallback({ channel: 'viber', text: 'hi', button: BUTTON, imageUrl: IMAGE }),
    viberFallback({ channel: 'viber' }),
    viberFallback({ channel: 'sms', text: 'hi', from: 'Shop' }),
    telegramFallback({ channel: 'telegram' }),
    voiceFallback({ channel: 'viber', text: 'hi', button: BUTTON }),
    voiceFallback({ channel: 'sms', text: 'hi' }),
    primary({ channel: 'viber', imageUrl: IMAGE }),
    primary({ channel: 'sms', text: 'hi' }),
  ];
}

export function fallbacksThatDoNotCompile(): unknown[] {
  return [
    // @ts-expect-error an sms carries text only
    viberFallback({ channel: 'sms', text: 'hi', imageUrl: IMAGE }),
    // @ts-expect-error an sms carries text only
    viberFallback({ channel: 'sms', text: 'hi', button: BUTTON }),
    // @ts-expect-error a fallback on sms needs its text
    viberFallback({ channel: 'sms' }),
    // @ts-expect-error viber falls back to viber or sms only
    viberFallback({ channel: 'telegram', text: 'hi' }),
    // @ts-expect-error a re-send on the message's own channel takes no content
    viberFallback({ channel: 'viber', text: 'hi' }),
    // @ts-expect-error a re-send takes no sender of its own
    smsFallback({ channel: 'sms', from: 'Other' }),
    // @ts-expect-error sms falls back to sms or viber only
    smsFallback({ channel: 'whatsapp', text: 'hi' }),
    // @ts-expect-error text and an image go together only with a button
    smsFallback({ channel: 'viber', text: 'hi', imageUrl: IMAGE }),
    // @ts-expect-error a button needs text
    smsFallback({ channel: 'viber', button: BUTTON }),
    // @ts-expect-error a fallback on another channel needs content of its own
    smsFallback({ channel: 'viber' }),
    // @ts-expect-error voice falls back to viber or sms, never to voice
    voiceFallback({ channel: 'voice' }),
    // @ts-expect-error a voice fallback is on another channel: it needs content
    voiceFallback({ channel: 'sms' }),
    // @ts-expect-error a cascade's primary is on viber or sms
    primary({ channel: 'telegram', text: 'hi' }),
    // @ts-expect-error a cascade's primary has content of its own
    primary({ channel: 'sms' }),
  ];
}

export async function sendsThatDoNotCompile(
  webcom: WebcomService,
  body: SendCascadeDto,
): Promise<unknown[]> {
  const imageInSms = { channel: 'sms', text: 'hi', imageUrl: IMAGE } as const;
  const telegram = { channel: 'telegram', text: 'hi' } as const;
  const sms = { channel: 'sms', text: 'hi' } as const;
  const viber = { channel: 'viber', text: 'hi' } as const;
  return Promise.all([
    // @ts-expect-error an sms fallback carries text only
    webcom.sendViber({ to: TO, text: 'hi', fallback: imageInSms }),
    // @ts-expect-error a cascade's primary is on viber or sms
    webcom.sendCascade({ to: TO, primary: telegram, fallback: { channel: 'sms', text: 'hi' } }),
    // A cascade's fallback is what its primary's channel allows: a re-send on it, or content.
    webcom.sendCascade({ to: TO, primary: viber, fallback: { channel: 'viber' } }),
    webcom.sendCascade({ to: TO, primary: sms, fallback: { channel: 'viber', imageUrl: IMAGE } }),
    // @ts-expect-error an sms primary's fallback on viber needs content of its own
    webcom.sendCascade({ to: TO, primary: sms, fallback: { channel: 'viber' } }),
    // @ts-expect-error a re-send on the primary's own channel takes no content
    webcom.sendCascade({ to: TO, primary: viber, fallback: { channel: 'viber', text: 'hi' } }),
    // A DTO from a request body, whose primary the compiler cannot know, is accepted as it is.
    webcom.sendCascade(body),
    // @ts-expect-error the voices are 1 to 8
    webcom.sendVoice({ to: TO, text: 'hi', audioUrl: AUDIO, voice: 42 }),
    webcom.sendVoice({ to: TO, text: 'hi', voice: 8 }),
    webcom.send('viber', { to: TO, text: 'hi', fallback: { channel: 'viber' } }),
    // @ts-expect-error send(channel, dto) types the DTO by channel, its fallback too
    webcom.send('sms', { to: TO, text: 'hi', fallback: { channel: 'telegram', text: 'hi' } }),
  ]);
}

/** Type-level equality, for what the types derive. */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

describe('the types of fallbacks and primaries', () => {
  it("are each channel's wire-table fallbacks: a re-send on its own channel, content on another", () => {
    const spelt: [
      Equal<FallbackOf<'sms'>['channel'], 'sms' | 'viber'>,
      Equal<FallbackOf<'viber'>['channel'], 'viber' | 'sms'>,
      Equal<FallbackOf<'telegram'>['channel'], 'telegram' | 'sms'>,
      Equal<FallbackOf<'whatsapp'>['channel'], 'whatsapp' | 'sms'>,
      Equal<FallbackOf<'voice'>['channel'], 'viber' | 'sms'>,
      Equal<FallbackOf<'flashcall'>, never>,
      Equal<Extract<FallbackOf<'sms'>, { channel: 'sms' }>, ResendOn<'sms'>>,
      Equal<Extract<FallbackOf<'sms'>, { channel: 'viber' }>, RichContent<'viber'>>,
      Equal<Extract<FallbackOf<'viber'>, { channel: 'sms' }>, SmsContent>,
      Equal<VoiceNumber, 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8>,
    ] = [true, true, true, true, true, true, true, true, true, true];
    expect(spelt.every(Boolean)).toBe(true);
    // The same lists at run time, as the DTOs check them.
    const lists: { [C in Channel]: FallbackOf<C>['channel'][] } = {
      sms: ['sms', 'viber'],
      viber: ['viber', 'sms'],
      telegram: ['telegram', 'sms'],
      whatsapp: ['whatsapp', 'sms'],
      voice: ['viber', 'sms'],
      flashcall: [],
    };
    for (const channel of Object.keys(lists) as Channel[]) {
      expect(CHANNEL_TABLES[channel].fallbacks).toEqual(lists[channel]);
    }
  });

  // What the compiler refuses above, a request body can still carry: the DTOs refuse it at run
  // time, on the field that is wrong.
  it('an image in an sms fallback is refused on fallback.imageUrl', () => {
    const dto = invalid<SendViber>({
      to: TO,
      text: 'hi',
      fallback: { channel: 'sms', text: 'hi', imageUrl: IMAGE },
    });
    expect(refusal(SendViberDto, dto)).toEqual([
      {
        field: 'fallback.imageUrl',
        messages: ['imageUrl is not allowed: an sms carries text only'],
      },
    ]);
    expect(
      refusedFields(SendSmsDto, { ...dto, fallback: { channel: 'viber', imageUrl: 5 } }),
    ).toEqual(['fallback.imageUrl']);
  });

  it('a telegram primary is refused on primary.channel', () => {
    expect(
      refusedFields(SendCascadeDto, {
        to: TO,
        primary: { channel: 'telegram', text: 'hi' },
        fallback: { channel: 'sms', text: 'hi' },
      }),
    ).toEqual(['primary.channel']);
  });

  it('voice 42 is refused on voice', () => {
    expect(refusedFields(SendVoiceDto, { to: TO, text: 'hi', voice: 42 })).toEqual(['voice']);
  });
});

describe("under Nest's ValidationPipe", () => {
  it('a request body is refused on the field that is wrong', async () => {
    const pipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true });
    const body = { to: TO, text: 'hi', fallback: { channel: 'sms', text: 'hi', imageUrl: IMAGE } };
    const error = await pipe.transform(body, { type: 'body', metatype: SendViberDto }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).getResponse()).toMatchObject({
      message: ['fallback.imageUrl is not allowed: an sms carries text only'],
    });
  });
});
