import { VerificationSecrets } from '../../lib/verification/verification-secrets.js';
import { NUMBER, SECRET } from './support.js';

describe('VerificationSecrets', () => {
  const secrets = new VerificationSecrets(SECRET);

  it('digests a code bound to its verification: the same code of two ids differs', () => {
    const digest = secrets.codeDigest('id-1', '482193');
    expect(digest).not.toContain('482193');
    expect(secrets.codeDigest('id-2', '482193')).not.toBe(digest);
    expect(secrets.codeMatches('id-1', '482193', digest)).toBe(true);
    expect(secrets.codeMatches('id-2', '482193', digest)).toBe(false);
    expect(secrets.codeMatches('id-1', '482194', digest)).toBe(false);
    // A stored digest of another length (a corrupt record) is a mismatch, not a throw.
    expect(secrets.codeMatches('id-1', '482193', 'short')).toBe(false);
  });

  it('depends on the secret: another secret neither matches nor unseals', () => {
    const other = new VerificationSecrets(`${SECRET}-rotated`);
    expect(other.codeMatches('id-1', '482193', secrets.codeDigest('id-1', '482193'))).toBe(false);
    expect(other.lookup('number', NUMBER)).not.toBe(secrets.lookup('number', NUMBER));
    expect(() => other.unseal('id-1', secrets.seal('id-1', NUMBER))).toThrow();
  });

  it('seals a number so only its verification unseals it, never in clear', () => {
    const sealed = secrets.seal('id-1', NUMBER);
    expect(sealed).not.toContain(NUMBER.slice(1));
    expect(secrets.seal('id-1', NUMBER)).not.toBe(sealed);
    expect(secrets.unseal('id-1', sealed)).toBe(NUMBER);
    expect(() => secrets.unseal('id-2', sealed)).toThrow();
  });

  it('keeps lookups of one value apart by purpose', () => {
    const keys = new Set([
      secrets.lookup('number', NUMBER),
      secrets.lookup('number-limit', NUMBER),
      secrets.lookup('key-limit', NUMBER),
    ]);
    expect(keys.size).toBe(3);
  });

  it('draws codes of the asked length, every digit in use', () => {
    const codes = Array.from({ length: 500 }, () => VerificationSecrets.newCode(6));
    expect(codes.every((code) => /^\d{6}$/.test(code))).toBe(true);
    expect(new Set(codes.join('')).size).toBe(10);
  });
});
