import 'reflect-metadata';
import fc from 'fast-check';
import {
  WebcomService,
  WebcomValidationError,
  type SendCascadeDto,
  type SendSmsDto,
  type SendTelegramDto,
  type SendViberDto,
  type SendVoiceDto,
  type SendWhatsappDto,
  type WebcomModuleOptions,
} from '../../lib/index.js';
import { RecordingGateway, successAnswer } from '../support/recording-gateway.js';
import { expectNoSecret, renderings } from '../support/secret-renderings.js';
import { invalid } from '../support/thrown.js';

describe('properties', () => {
  let gateway: RecordingGateway;
  const create = (extra: Partial<WebcomModuleOptions> = {}) =>
    new WebcomService({
      credentials: { user: 'shop', password: 'pw' },
      baseUrl: gateway.baseUrl,
      senders: { sms: 'S', viber: 'V', voice: 'VO', telegram: 'T', whatsapp: 'W' },
      retries: 0,
      ...extra,
    });

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });
  beforeEach(() => {
    gateway.requests.length = 0;
    gateway.answer = successAnswer;
  });
  afterAll(() => gateway.stop());

  const notHttpUrl = fc.oneof(
    fc.constantFrom(
      '',
      'example.com/x',
      '/relative',
      'ftp://x.example/a',
      'javascript:alert(1)',
      'http://',
    ),
    fc.string().filter((s) => !/^https?:\/\/[^/]/.test(s)),
  );
  const notPhone = fc.oneof(
    fc.constantFrom('', '12345', 'abc', '+', '7999', '+7 999 123 45 67 89 01 23'),
    fc.string().filter((s) => !/\d{5}/.test(s)),
  );
  const badText = fc.constantFrom('', 42, null, 'broken \uD800 surrogate', ['x']);

  /** A valid message of each channel and the ways to break it. */
  const channels = {
    sms: {
      send: (s: WebcomService, dto: object) => s.sendSms(invalid<SendSmsDto>(dto)),
      valid: { to: '79991234567', text: 'hi' },
      breaks: fc.oneof(
        notPhone.map((to) => ({ to })),
        badText.filter((t) => t !== null).map((text) => ({ text })),
        fc
          .constantFrom('2026-02-30 10:00', '27.11.2026 10:00', 'tomorrow')
          .map((validUntil) => ({ validUntil })),
        fc
          .constantFrom('telegram', 'whatsapp', 'voice')
          .map((channel) => ({ fallback: { channel, text: 'x' } })),
      ),
    },
    viber: {
      send: (s: WebcomService, dto: object) => s.sendViber(invalid<SendViberDto>(dto)),
      valid: { to: '79991234567', text: 'hi', button: { text: 'Go', url: 'https://x.example' } },
      breaks: fc.oneof(
        notPhone.map((to) => ({ to })),
        notHttpUrl.map((url) => ({ button: { text: 'Go', url } })),
        fc.constant({ text: undefined }),
        notHttpUrl.map((imageUrl) => ({ imageUrl })),
      ),
    },
    voice: {
      send: (s: WebcomService, dto: object) => s.sendVoice(invalid<SendVoiceDto>(dto)),
      valid: { to: '79991234567', text: 'hi' },
      breaks: fc.oneof(
        fc
          .oneof(fc.integer({ max: 9 }), fc.integer({ min: 36 }))
          .map((waitSeconds) => ({ waitSeconds })),
        fc
          .oneof(fc.integer({ max: 9 }), fc.integer({ min: 3601 }))
          .map((retryIntervalSeconds) => ({ retryIntervalSeconds })),
        fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 10 })).map((attempts) => ({ attempts })),
        fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 9 })).map((voice) => ({ voice })),
        fc.constant({ text: undefined }),
      ),
    },
    telegram: {
      send: (s: WebcomService, dto: object) => s.sendTelegram(invalid<SendTelegramDto>(dto)),
      valid: { to: '79991234567', imageUrl: 'https://x.example/i.png' },
      breaks: fc.oneof(
        fc.constant({ text: 'caption' }),
        fc.constant({ button: { text: 'Go', url: 'https://x.example' } }),
        fc.constant({ fallback: { channel: 'viber', text: 'x' } }),
      ),
    },
    whatsapp: {
      send: (s: WebcomService, dto: object) => s.sendWhatsapp(invalid<SendWhatsappDto>(dto)),
      valid: { to: ['79991234567', '79991234568'], text: 'hi' },
      breaks: fc.oneof(
        fc.constant({ to: [] }),
        notPhone.map((bad) => ({ to: ['79991234567', bad] })),
        fc.constant({ fallback: { channel: 'sms' } }),
      ),
    },
    cascade: {
      send: (s: WebcomService, dto: object) => s.sendCascade(invalid<SendCascadeDto>(dto)),
      valid: {
        to: '79991234567',
        primary: { channel: 'viber', text: 'a' },
        fallback: { channel: 'sms', text: 'b' },
      },
      breaks: fc.oneof(
        fc.constant({ primary: { channel: 'telegram', text: 'a' } }),
        fc.constant({
          fallback: { channel: 'sms', text: 'b', imageUrl: 'https://x.example/i.png' },
        }),
        fc.constant({ primary: undefined }),
      ),
    },
  };

  it('any invalid message of any channel is refused and nothing reaches the wire', async () => {
    const service = create();
    const channel = fc.constantFrom(...(Object.keys(channels) as (keyof typeof channels)[]));
    await fc.assert(
      fc.asyncProperty(
        channel.chain((name) => fc.tuple(fc.constant(name), channels[name].breaks)),
        async ([name, broken]) => {
          const { send, valid } = channels[name];
          const error = await send(service, { ...valid, ...broken }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(WebcomValidationError);
          expect(gateway.requests).toHaveLength(0);
        },
      ),
      { numRuns: 300 },
    );
    service.onApplicationShutdown();
  });

  it('any text arrives byte for byte', async () => {
    const service = create({ maxUrlLength: 200_000, maxSmsSegments: null });
    const special = fc.constantFrom(
      '&',
      '=',
      '+',
      '#',
      '%',
      '%20',
      '\r\n',
      '\n',
      '?',
      '/',
      ';',
      '😀',
      '👍🏽',
      'Жж',
      'ё',
      '\u0000',
      ' ',
    );
    const text = fc
      .array(fc.oneof(special, fc.string({ unit: 'binary', minLength: 1 })), {
        minLength: 1,
        maxLength: 200,
      })
      .map((parts) => parts.join(''))
      // D15: a text must show something; one of only spaces or control characters is refused.
      .filter((t) => /[^\s\p{Cc}\p{Default_Ignorable_Code_Point}]/u.test(t));
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        gateway.requests.length = 0;
        await service.sendSms({ to: '79991234567', text: t });
        expect(gateway.last.params.get('text')).toBe(t);
      }),
      { numRuns: 200 },
    );
    service.onApplicationShutdown();
  });

  it('text that cannot be encoded (a lone surrogate) is refused before any request', async () => {
    const service = create();
    const lone = fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF');
    await fc.assert(
      fc.asyncProperty(fc.string(), lone, fc.string(), async (before, surrogate, after) => {
        const error = await service
          .sendSms({ to: '79991234567', text: before + surrogate + after })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WebcomValidationError);
        expect(gateway.requests).toHaveLength(0);
      }),
    );
    service.onApplicationShutdown();
  });

  it('any secret, in any failure, appears in no rendering of the error', async () => {
    const secret = fc
      .tuple(
        fc.string({ unit: 'binary', minLength: 6, maxLength: 30 }),
        fc.constantFrom('&', '=', '+', '#', '%', '/', ' ', 'é', '😀'),
      )
      .map(([s, special]) => `${special}${s}${special}`);
    const failure = fc.constantFrom('echo-403', 'echo-200', 'echo-500-split', 'echo-decoded-502');
    await fc.assert(
      fc.asyncProperty(secret, failure, async (password, kind) => {
        gateway.answer = (request) => {
          const echo = `${request.rawUrl} ${decodeURIComponent(request.rawUrl)}`;
          if (kind === 'echo-403') return { status: 403, body: echo };
          if (kind === 'echo-200') return { body: `<b>error</b> ${echo}` };
          if (kind === 'echo-decoded-502')
            return { status: 502, body: request.params.get('pwd') ?? '' };
          return request.params.get('dadr')!.startsWith('7999000000')
            ? { status: 500, body: echo }
            : successAnswer(request);
        };
        const service = create({ credentials: { user: 'shop', password }, maxUrlLength: 600 });
        const to = Array.from({ length: 40 }, (_, i) => `7999${String(i).padStart(7, '0')}`);
        const error = await (
          kind === 'echo-500-split' ? service.sendSms({ to, text: 'x' }) : service.getBalance()
        ).catch((e: unknown) => e);
        service.onApplicationShutdown();
        expect(error).toBeInstanceOf(Error);
        expectNoSecret(renderings(error), password);
      }),
      { numRuns: 100 },
    );
  });

  it('any recipient list and URL limit: each recipient in exactly one request, every URL within the limit, results in order', async () => {
    let id = 0;
    gateway.answer = ({ params }) => {
      const information = params
        .get('dadr')!
        .split(',')
        .map((number) => ({ id_message: `${number}:${id++}`, price: '1' }));
      return { body: JSON.stringify({ information }) };
    };
    const prefixLength = gateway.baseUrl.length;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 300, max: 16_000 }),
        fc.integer({ min: 1, max: 8 }),
        async (count, maxUrlLength, concurrency) => {
          gateway.requests.length = 0;
          const to = Array.from({ length: count }, (_, i) => `7${String(9_000_000_000 + i * 7)}`);
          const service = create({ maxUrlLength, concurrency });
          const result = await service.sendSms({ to, text: 'hello' });
          service.onApplicationShutdown();
          for (const request of gateway.requests) {
            expect(prefixLength + request.rawUrl.length).toBeLessThanOrEqual(maxUrlLength);
          }
          const onWire = gateway.requests.flatMap((r) => r.params.get('dadr')!.split(','));
          expect(onWire.length).toBe(count);
          expect(new Set(onWire).size).toBe(count);
          expect(result.messages.map((m) => m.id.split(':')[0])).toEqual(to);
        },
      ),
      { numRuns: 12 },
    );
  });
});
