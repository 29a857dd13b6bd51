import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import { inspect } from 'node:util';
import { maskPhoneNumbers } from '../../lib/errors/phone-masking.js';
import {
  WebcomApiError,
  WebcomPartialSendError,
  WebcomService,
  WebcomTransportError,
  type WebcomEvent,
} from '../../lib/index.js';
import { RecordingGateway, successAnswer } from '../support/recording-gateway.js';

const PHONE = '79991234567';

/** Every form of PHONE a PHP gateway may echo: none may survive whole. */
const ECHOES: [string, string][] = [
  ['international digits', '79991234567'],
  ['with +', '+79991234567'],
  ['national 8…', '89991234567'],
  ['spaced', '+7 999 123 45 67'],
  ['dashed and bracketed', '+7 (999) 123-45-67'],
  ['8 (999) 123-45-67', '8 (999) 123-45-67'],
  ['percent-encoded', '%2B7%20%28999%29%20123-45-67'],
  ['form-encoded', '%2B7+999+123+45+67'],
  ['percent-encoded twice', '%252B7%2520999%2520123%252D45%252D67'],
  [
    'JSON-escaped digits',
    '\\u0037\\u0039\\u0039\\u0039\\u0031\\u0032\\u0033\\u0034\\u0035\\u0036\\u0037',
  ],
  ['HTML numeric references', '&#55;&#57;&#57;&#57;&#49;&#50;&#51;&#52;&#53;&#54;&#55;'],
  ['no-break spaces', '+7\u00a0999\u00a0123\u00a045\u00a067'],
  ['with &nbsp;', '+7&nbsp;999&nbsp;123&nbsp;45&nbsp;67'],
];

/** The digits a text shows, whatever escapes they are written in. */
const digitsOf = (text: string) =>
  decodeURIComponent(decodeURIComponent(text.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')))
    .replace(/\\u00([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/\D/g, '');

describe('maskPhoneNumbers', () => {
  it.each(ECHOES)('leaves at most the last 4 digits of a number echoed %s', (_, echo) => {
    const masked = maskPhoneNumbers(`ERROR: Number ${echo} is blacklisted`);
    expect(masked).toMatch(/^ERROR: Number (\+|%(25)?2B)?\*\*\*4567 is blacklisted$/);
    expect(digitsOf(masked)).toBe('4567');
  });

  it('masks each number of a list, and JSON-quoted numbers', () => {
    expect(maskPhoneNumbers('{"dadr":"79991234567,79997654321","phone":"+380501234567"}')).toBe(
      '{"dadr":"***4567,***4321","phone":"+***4567"}',
    );
  });

  it('leaves statuses, counts, prices, times and short codes as they are', () => {
    const text = 'HTTP 503 after 10000 ms: 3 of 120 sent, 2.50 RUB, code 4821, at 12:00, line 231';
    expect(maskPhoneNumbers(text)).toBe(text);
  });

  it('returns a text without numbers unchanged (the same string)', () => {
    const text = 'Denied: <b>no</b> %20 &amp; \\u0041';
    expect(maskPhoneNumbers(text)).toBe(text);
  });

  it('never leaves more than 4 digits of a run of 7 or more (property)', () => {
    const separator = fc.constantFrom(' ', '-', '(', ')', '+', '%20', '%2D', '\u00a0', '');
    const number = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 9 }), separator), { minLength: 7, maxLength: 15 })
      .map((parts) => parts.map(([digit, sep]) => `${digit}${sep}`).join(''));
    const words = fc.constantFrom('Number ', 'to=', '"', 'x', ' ');
    fc.assert(
      fc.property(words, number, words, (before, echo, after) => {
        const masked = maskPhoneNumbers(`${before}${echo}${after}`);
        // No run of 5 digits or more survives, whatever separators stand between them.
        expect(masked.replace(/%20|%2D|[\s()+\-\u00a0]/g, '')).not.toMatch(/\d{5}/);
      }),
    );
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('7', '9', ' ', '-', '+', 'a', '%', '2', '0') }),
        (text) => {
          const once = maskPhoneNumbers(text);
          expect(maskPhoneNumbers(once)).toBe(once);
        },
      ),
    );
  });

  it('costs linear time: 1 MiB of digits and separators in well under a second', () => {
    const hostile = [
      '7 '.repeat(512 * 1024),
      '%2'.repeat(350 * 1024),
      '&#5'.repeat(350 * 1024),
      '1-)'.repeat(350 * 1024),
      '\\u003'.repeat(200 * 1024),
    ];
    for (const text of hostile) {
      const started = performance.now();
      maskPhoneNumbers(text);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});

describe('a refusal echoing the recipient', () => {
  let gateway: RecordingGateway;
  let webcom: WebcomService;
  let warnings: string[];

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });
  afterAll(() => gateway.stop());

  beforeEach(() => {
    webcom = new WebcomService({
      credentials: { user: 'shop', password: 'pw' },
      baseUrl: gateway.baseUrl,
      senders: { sms: 'Shop' },
      retries: 0,
    });
    warnings = [];
    const keep = (message: unknown) => warnings.push(String(message));
    Logger.overrideLogger({ log: () => {}, error: keep, warn: keep, debug: keep });
  });
  afterEach(() => {
    gateway.answer = successAnswer;
    webcom.onApplicationShutdown();
    Logger.overrideLogger(['error']);
  });

  it('reaches neither the error, nor the failed event, nor the log whole', async () => {
    gateway.answer = ({ params }) => ({
      status: 400,
      body: `Number ${params.get('dadr')} (+7 999 123-45-67) is blacklisted`,
    });
    const events: WebcomEvent[] = [];
    webcom.events$.subscribe((event) => events.push(event));

    const error = await webcom.sendSms({ to: PHONE, text: 'Hi' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WebcomApiError);
    const apiError = error as WebcomApiError;
    expect(apiError.message).toContain('Number ***4567 (+***4567) is blacklisted');
    const renderings = [
      apiError.message,
      apiError.body,
      JSON.stringify(apiError),
      inspect(apiError),
      String(apiError.stack),
      JSON.stringify(events),
      ...warnings,
    ];
    for (const rendering of renderings) {
      expect(rendering).not.toContain(PHONE);
      expect(rendering).not.toMatch(/999\D{0,2}123/);
    }
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'failed', message: expect.stringContaining('***4567') }),
    );
  });

  it("keeps the numbers that are the caller's data: sent[].to and failed[].to", async () => {
    webcom.onApplicationShutdown();
    webcom = new WebcomService({
      credentials: { user: 'shop', password: 'pw' },
      baseUrl: gateway.baseUrl,
      senders: { sms: 'Shop' },
      retries: 0,
      maxUrlLength: 300,
    });
    const to = Array.from({ length: 30 }, (_, i) => `7999${String(i).padStart(7, '0')}`);
    gateway.answer = (request) =>
      request.params.get('dadr')!.startsWith('7999000000')
        ? { status: 400, body: `Numbers ${request.params.get('dadr')} are blacklisted` }
        : successAnswer(request);

    const error = (await webcom
      .sendSms({ to, text: 'Hi' })
      .catch((e: unknown) => e)) as WebcomPartialSendError;

    expect(error).toBeInstanceOf(WebcomPartialSendError);
    const failedTo = error.failed.flatMap((part) => part.to);
    expect(failedTo).toContain('79990000000');
    expect(error.failed[0].error.message).not.toContain('79990000000');
    expect(error.sent.messages.map((m) => m.to).every((n) => to.includes(n))).toBe(true);
  });

  it('a transport failure naming a number is masked too', () => {
    const error = new WebcomTransportError('EUNKNOWN', false, 'proxy refused 79991234567');
    expect(error.message).toContain('proxy refused ***4567');
    expect(error.message).not.toContain(PHONE);
  });
});
