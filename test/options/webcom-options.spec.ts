import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import {
  WebcomModule,
  WebcomService,
  WebcomValidationError,
  type Credentials,
  type WebcomModuleOptions,
} from '../../lib/index.js';
import { resolveOptions } from '../../lib/webcom-options.js';
import { RecordingGateway } from '../support/recording-gateway.js';
import { invalid, thrown } from '../support/thrown.js';

const LONE_SURROGATE = '\uD800';

describe('module options at boot', () => {
  it("a named account's boot error names the account", async () => {
    const boot = Test.createTestingModule({
      imports: [
        WebcomModule.forRoot({ credentials: { token: 'ok' } }),
        WebcomModule.forRoot({ name: 'marketing', credentials: { token: '' } }),
      ],
    }).compile();
    const error = await boot.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as Error).message).toBe(
      "Invalid Webcom module options (account 'marketing'): " +
        'credentials.token (is empty: must be a non-empty string)',
    );
  });

  it('the default account keeps the plain subject', () => {
    const error = thrown(() => new WebcomService({ credentials: { token: ' ' } }));
    expect((error as Error).message).toMatch(/^Invalid Webcom module options: credentials\.token/);
  });

  it.each<[string, WebcomModuleOptions['credentials'], string]>([
    ['an undefined token', invalid<Credentials>({ token: undefined }), 'credentials.token'],
    [
      'an undefined password',
      invalid<Credentials>({ user: 'u', password: undefined }),
      'credentials.password',
    ],
    [
      'an undefined token hash',
      invalid<Credentials>({ user: 'u', tokenHash: undefined }),
      'credentials.tokenHash',
    ],
  ])('%s is named as undefined, not as "exactly one of"', (_, credentials, field) => {
    const error = thrown(() => resolveOptions({ credentials }));
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors).toEqual([
      { field, messages: ['is undefined: must be a non-empty string'] },
    ]);
  });

  it('an undefined user beside a password is named too', () => {
    const error = thrown(() =>
      resolveOptions({ credentials: invalid<Credentials>({ user: undefined, password: 'p' }) }),
    );
    expect((error as WebcomValidationError).errors).toEqual([
      { field: 'credentials.user', messages: ['is undefined: must be a non-empty string'] },
    ]);
  });

  it('no credential at all says what is expected', () => {
    const error = thrown(() =>
      resolveOptions({ credentials: invalid<Credentials>({ user: 'u' }) }),
    );
    expect((error as WebcomValidationError).errors).toEqual([
      {
        field: 'credentials',
        messages: [
          'has no password, token or tokenHash: must be { user, password }, { token } or { user, tokenHash }',
        ],
      },
    ]);
  });

  it('two credential forms at once keep the "exactly one" message', () => {
    const error = thrown(() =>
      resolveOptions({ credentials: { user: 'u', password: 'p', token: 't' } }),
    );
    expect((error as WebcomValidationError).errors).toEqual([
      {
        field: 'credentials',
        messages: ['must hold exactly one of password, token and tokenHash'],
      },
    ]);
  });

  it.each([
    'https://x.example/?',
    'https://x.example/#',
    'https://x.example?',
    'https://x.example/#a',
  ])('refuses the baseUrl %p, which would drop or displace the query', (baseUrl) => {
    const error = thrown(() => resolveOptions({ credentials: { token: 't' }, baseUrl }));
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors).toEqual([
      { field: 'baseUrl', messages: ['must not have a query or a fragment'] },
    ]);
  });

  it.each(['http://127.0.0.1/%', 'https://x.example/a%2', 'https://x.example/%zz/'])(
    'refuses the baseUrl %p, whose "%" starts no percent-escape',
    (baseUrl) => {
      const error = thrown(() => resolveOptions({ credentials: { token: 't' }, baseUrl }));
      expect((error as WebcomValidationError).errors).toEqual([
        {
          field: 'baseUrl',
          messages: ['must not hold a "%" that does not start a percent-escape'],
        },
      ]);
    },
  );

  it('accepts a baseUrl with a percent-escape in its path', () => {
    expect(
      resolveOptions({ credentials: { token: 't' }, baseUrl: 'https://x.example/a%20b' }).baseUrl,
    ).toBe('https://x.example/a%20b');
  });

  it.each([['false'], ['true'], [0], [1], [null]])(
    'refuses includeTextInEvents %p at boot, naming the option: only a boolean says whether texts go into events',
    (value) => {
      const error = thrown(() =>
        resolveOptions({
          credentials: { token: 't' },
          includeTextInEvents: invalid<boolean>(value),
        }),
      );
      expect(error).toBeInstanceOf(WebcomValidationError);
      expect((error as WebcomValidationError).errors).toEqual([
        { field: 'includeTextInEvents', messages: ['must be true or false'] },
      ]);
    },
  );

  it.each([[true], [false], [undefined]])('accepts includeTextInEvents %p', (value) => {
    expect(
      resolveOptions({ credentials: { token: 't' }, includeTextInEvents: value })
        .includeTextInEvents,
    ).toBe(value ?? false);
  });

  it('refuses a baseUrl with a space or line break inside', () => {
    for (const baseUrl of ['https://x.example/a b', 'https://x.example/a\nb']) {
      const error = thrown(() => resolveOptions({ credentials: { token: 't' }, baseUrl }));
      expect((error as WebcomValidationError).errors?.map((e) => e.field)).toEqual(['baseUrl']);
    }
  });

  describe('a baseUrl with surrounding whitespace (a .env slip)', () => {
    let gateway: RecordingGateway;
    beforeAll(async () => {
      gateway = await RecordingGateway.start();
    });
    afterAll(() => gateway.stop());

    it('is trimmed, and calls reach the gateway', async () => {
      const service = new WebcomService({
        credentials: { token: 't' },
        baseUrl: ` ${gateway.baseUrl}/ \n`,
        senders: { sms: 'Shop' },
        retries: 0,
      });
      try {
        await expect(service.sendSms({ to: '79991234567', text: 'Hi' })).resolves.toBeDefined();
        expect(gateway.last.path).toBe('/sendsms.php');
      } finally {
        service.onApplicationShutdown();
      }
    });
  });

  describe('a lone surrogate in an option that is percent-encoded onto the wire', () => {
    it.each<[string, Partial<WebcomModuleOptions>]>([
      ['credentials.password', { credentials: { user: 'u', password: `p${LONE_SURROGATE}` } }],
      ['credentials.token', { credentials: { token: `t${LONE_SURROGATE}` } }],
      [
        'credentials.tokenHash',
        { credentials: { user: 'u', tokenHash: `${'a'.repeat(31)}${LONE_SURROGATE}` } },
      ],
      ['credentials.user', { credentials: { user: `u${LONE_SURROGATE}`, password: 'p' } }],
      ['senders.sms', { senders: { sms: `S${LONE_SURROGATE}` } }],
      ['senders.whatsapp', { senders: { whatsapp: `\uDC00W` } }],
      ['individualCode', { individualCode: `fl${LONE_SURROGATE}` }],
      ['baseUrl', { baseUrl: `https://x.example/${LONE_SURROGATE}` }],
    ])('%s is refused at boot, naming the option', (field, override) => {
      const error = thrown(
        () => new WebcomService({ credentials: { token: 't' }, ...override }, 'ops'),
      );
      expect(error).toBeInstanceOf(WebcomValidationError);
      const validation = error as WebcomValidationError;
      expect(validation.errors.map((e) => e.field)).toEqual([field]);
      expect(validation.message).toContain("(account 'ops')");
      expect(validation.message).not.toContain(LONE_SURROGATE);
    });
  });
});
