import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { WebcomVerificationModuleOptions } from 'nestjs-webcom/verification';
import { readSetting } from './settings.js';

/**
 * `WebcomVerificationModule.forRootAsync`'s factory: the HMAC secret from
 * `WEBCOM_VERIFICATION_SECRET` (at least 32 characters, the same on every instance), or, for a
 * try-out, one made up at boot (codes then do not survive a restart, which the memory store
 * does not either). `WEBCOM_VERIFICATION_REDIS_HOST` (and `_PORT`) share verifications across
 * instances.
 */
export function createVerificationOptions(config: ConfigService): WebcomVerificationModuleOptions {
  let secret = readSetting(config, 'WEBCOM_VERIFICATION_SECRET');
  if (secret === undefined) {
    secret = randomBytes(32).toString('base64url');
    new Logger('WebcomVerification').warn(
      'WEBCOM_VERIFICATION_SECRET is not set: using a secret made up for this process.',
    );
  }
  const host = readSetting(config, 'WEBCOM_VERIFICATION_REDIS_HOST');
  const port = Number(readSetting(config, 'WEBCOM_VERIFICATION_REDIS_PORT') ?? 6379);
  return {
    secret,
    workflow: [{ channel: 'sms', timeoutSeconds: 60 }, { channel: 'voice' }],
    ...(host ? { store: { redis: { host, port } } } : {}),
  };
}
