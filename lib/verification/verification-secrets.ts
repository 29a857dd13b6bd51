import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Everything the module derives from its `secret`: code digests, the keys numbers and
 * rate-limit keys are stored under, and the sealed number a fleet needs to resend. One key per
 * purpose (HKDF), so that no digest of one kind can stand for another.
 */
export class VerificationSecrets {
  private readonly codeKey: Buffer;
  private readonly lookupKey: Buffer;
  private readonly sealKey: Buffer;

  constructor(secret: string) {
    const derive = (purpose: string) =>
      Buffer.from(hkdfSync('sha256', secret, 'nestjs-webcom/verification', purpose, 32));
    this.codeKey = derive('code');
    this.lookupKey = derive('lookup');
    this.sealKey = derive('seal');
  }

  /** A code of `length` digits, each uniform (`crypto.randomInt`). */
  static newCode(length: number): string {
    let code = '';
    for (let i = 0; i < length; i++) code += String(randomInt(10));
    return code;
  }

  /** An unguessable verification id (128 random bits). */
  static newId(): string {
    return randomBytes(16).toString('base64url');
  }

  /** The digest stored for `code`, bound to its verification: equal codes of two ids differ. */
  codeDigest(id: string, code: string): string {
    return createHmac('sha256', this.codeKey).update(`${id}\0${code}`).digest('base64url');
  }

  /** True when `code` is the one `digest` was made of; constant-time in the digests. */
  codeMatches(id: string, code: string, digest: string): boolean {
    const given = Buffer.from(this.codeDigest(id, code));
    const stored = Buffer.from(digest);
    return given.length === stored.length && timingSafeEqual(given, stored);
  }

  /** True when two codes are equal, in constant time (a flashcall's, reported by the gateway). */
  codesEqual(id: string, given: string, reported: string): boolean {
    return this.codeMatches(id, given, this.codeDigest(id, reported));
  }

  /** The key a number (or a rate-limit key) is looked up under: never the number itself. */
  lookup(kind: 'number' | 'number-limit' | 'key-limit', value: string): string {
    return createHmac('sha256', this.lookupKey).update(`${kind}\0${value}`).digest('base64url');
  }

  /** The number sealed (AES-256-GCM), so another instance can resend and nobody else can read it. */
  seal(id: string, number: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    cipher.setAAD(Buffer.from(id));
    const body = Buffer.concat([cipher.update(number, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The number `seal` sealed for `id`; throws if it was altered or sealed under another secret. */
  unseal(id: string, sealed: string): string {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}
