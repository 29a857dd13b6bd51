import { maskingEchoes, SecretRedactor } from '../../lib/errors/redaction.js';
import { phpEchoes } from '../support/secret-renderings.js';

const SECRET = `p@ss/w0rd&"quote'ё =+x%`;

describe('SecretRedactor', () => {
  const redactor = new SecretRedactor([SECRET]);

  it.each(phpEchoes(SECRET))('recognises the secret %s', (_, form) => {
    const echoed = `<p>pwd=${form}</p> and {"pwd":"${form}"}`;
    const redacted = redactor.redact(echoed);
    expect(redacted).not.toContain(form);
    expect(redacted).toBe(`<p>pwd=[REDACTED]</p> and {"pwd":"[REDACTED]"}`);
  });

  // A gateway may echo the whole request base64-encoded: the secret then starts at any byte
  // offset, and its base64 letters differ from those of the secret alone.
  it.each([
    ['a multiple of 3 bytes in', 'user=ab&pwd='],
    ['1 byte past a multiple of 3', 'pwd='],
    ['2 bytes past a multiple of 3', 'user=a&pwd='],
  ])('recognises the secret inside a longer base64 value, %s', (_, before) => {
    for (const secretText of [SECRET, 'S3cr3tPassw0rd', 'pä$$/w"o']) {
      for (const after of ['', '&x=1', '&xy=12']) {
        const whole = `${before}${secretText}${after}`;
        for (const encoded of [
          Buffer.from(whole).toString('base64'),
          Buffer.from(whole).toString('base64url'),
        ]) {
          const redacted = new SecretRedactor([secretText]).redact(`echo: ${encoded} end`);
          expect(redacted).toContain('[REDACTED]');
          // No run of base64 letters left, read from any of its first letters, decodes to it.
          for (const run of redacted.match(/[A-Za-z0-9+/_=-]+/g) ?? []) {
            for (let start = 0; start < 4; start++) {
              const decoded = Buffer.from(run.slice(start), 'base64').toString('latin1');
              expect(decoded).not.toContain(Buffer.from(secretText).toString('latin1'));
            }
          }
        }
      }
    }
  });

  it('recognises a secret percent-encoded in a query string that is echoed in base64', () => {
    for (const encode of [
      (v: string) => encodeURIComponent(v),
      (v: string) => encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
      (v: string) => new URLSearchParams({ s: v }).toString().slice(2),
    ]) {
      for (const before of ['pwd=', 'user=a&pwd=', 'user=ab&pwd=']) {
        const query = `${before}${encode(SECRET)}&x=1`;
        const encoded = Buffer.from(query).toString('base64url');
        const redacted = new SecretRedactor([SECRET]).redact(`echo: ${encoded} end`);
        expect(redacted).not.toContain(encoded);
        expect(redacted).toContain('[REDACTED]');
      }
    }
  });

  it('recognises a secret whose Latin-1 letters come back as HTML named entities (PHP htmlentities)', () => {
    const secret = 'pä$$wörd«ß»';
    const echoed = 'p&auml;$$w&ouml;rd&laquo;&szlig;&raquo;';
    expect(new SecretRedactor([secret]).redact(`<p>${echoed}</p>`)).toBe('<p>[REDACTED]</p>');
  });

  it('recognises a secret with an astral character escaped as a JSON surrogate pair', () => {
    const secret = 'key😀end';
    const echoed = JSON.stringify({ token: secret }).replace('😀', '\\ud83d\\ude00');
    expect(new SecretRedactor([secret]).redact(echoed)).toBe('{"token":"[REDACTED]"}');
  });

  it('leaves text without the secret alone, regex characters in the secret included', () => {
    const r = new SecretRedactor(['a.b*c']);
    expect(r.redact('aXbbbc a.b*c')).toBe('aXbbbc [REDACTED]');
  });

  it('adds secrets with `with`, keeping its own', () => {
    const more = redactor.with(['n3w-acc0unt']);
    expect(more.redact(`${SECRET} n3w-acc0unt`)).toBe('[REDACTED] [REDACTED]');
    expect(redactor.redact('n3w-acc0unt')).toBe('n3w-acc0unt');
  });

  it('masks with the mask it is given', () => {
    expect(new SecretRedactor(['hello there'], '[TEXT]').redact('said hello+there')).toBe(
      'said [TEXT]',
    );
  });
});

describe('SecretRedactor: a value cut off where the text ends (a body shortened before scrubbing)', () => {
  const secret = 'correct horse battery staple';
  const redactor = new SecretRedactor([secret]);

  it.each([
    ['raw', secret],
    ['percent-encoded', encodeURIComponent(secret)],
    ['form-encoded', new URLSearchParams({ s: secret }).toString().slice(2)],
    ['cut inside a percent escape', `${encodeURIComponent('correct horse battery')}%2`],
    ['cut inside a JSON escape', 'correct horse battery\\u00'],
  ])('masks the %s echo from where it starts', (_, form) => {
    for (const cut of [12, 20, form.length - 1]) {
      const text = `page: pwd=${form.slice(0, cut)}`;
      expect(redactor.redact(text)).toBe('page: pwd=[REDACTED]');
    }
  });

  it('leaves a text alone that merely ends like the start of nothing', () => {
    expect(redactor.redact('page: corr')).toBe('page: corr');
  });
});

describe('maskingEchoes: the values of one call, masked in what it runs', () => {
  const TEXT = 'Привет, ваш код 4821';
  const echo = `password: pw, text: ${encodeURIComponent(TEXT)}`;

  it('masks them with their own mask inside the call, and not outside it', async () => {
    const redactor = new SecretRedactor(['pw']);
    const inside = await maskingEchoes([TEXT], '[TEXT]', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return redactor.redact(echo);
    });
    expect(inside).toBe('password: [REDACTED], text: [TEXT]');
    expect(redactor.redact(echo)).toBe(`password: [REDACTED], text: ${encodeURIComponent(TEXT)}`);
  });

  it('reaches every redactor, but not the calls running beside it', async () => {
    const transport = new SecretRedactor([]);
    const [mine, other] = await Promise.all([
      maskingEchoes(['first text'], '[TEXT]', async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return transport.redact('first text second text');
      }),
      maskingEchoes(['second text'], '[TEXT]', () =>
        Promise.resolve(transport.redact('first text second text')),
      ),
    ]);
    expect(mine).toBe('[TEXT] second text');
    expect(other).toBe('first text [TEXT]');
  });

  it("nests: an inner call masks its values and the outer call's", () => {
    const redactor = new SecretRedactor([]);
    const result = maskingEchoes(['outer'], '[A]', () =>
      maskingEchoes(['inner'], '[B]', () => redactor.redact('outer inner')),
    );
    expect(result).toBe('[A] [B]');
  });
});

describe('what a wrong charset leaves of a secret', () => {
  const PASSWORD = 'Пароль-Q7x!Zk9w';
  const redactor = new SecretRedactor([PASSWORD]);
  /** The password's bytes in `written`, read as `read`. */
  const misread = (written: 'utf-8' | 'windows-1251', read: string) => {
    const bytes =
      written === 'utf-8'
        ? Buffer.from(PASSWORD)
        : Buffer.from([0xcf, 0xe0, 0xf0, 0xee, 0xeb, 0xfc, ...Buffer.from('-Q7x!Zk9w')]);
    return new TextDecoder(read).decode(bytes);
  };

  it.each([
    ['windows-1251 read as UTF-8', misread('windows-1251', 'utf-8')],
    ['windows-1251 read as KOI8-R', misread('windows-1251', 'koi8-r')],
    ['windows-1251 read as windows-1252', misread('windows-1251', 'windows-1252')],
    ['UTF-8 read as windows-1251', misread('utf-8', 'windows-1251')],
    ['UTF-8 read as windows-1252', misread('utf-8', 'windows-1252')],
    ['its ASCII part alone', '-Q7x!Zk9w'],
    ['its ASCII part percent-encoded', encodeURIComponent('-Q7x!Zk9w')],
  ])('%s is masked', (_, remnant) => {
    expect(remnant).toContain('Q7x');
    const redacted = redactor.redact(`<p>Неверный пароль: ${remnant}</p>`);
    expect(redacted).toBe('<p>Неверный пароль: [REDACTED]</p>');
  });

  it('an ASCII secret leaves no remnant: its parts alone stay', () => {
    expect(new SecretRedactor(['abcdefgh']).redact('abcd efgh abcdefgh')).toBe(
      'abcd efgh [REDACTED]',
    );
  });
});
