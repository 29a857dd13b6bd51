import { SecretRedactor } from '../../lib/errors/redaction.js';
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
