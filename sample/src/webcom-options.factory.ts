import type { ConfigService } from '@nestjs/config';
import type { Senders, WebcomModuleOptions } from 'nestjs-webcom';
import { readCredentials, readSetting, readTuning } from './settings.js';

/** Senders for the sandbox, so that the logged curl lines work with no configuration at all. */
const SANDBOX_SENDERS: Required<Senders> = {
  sms: 'WebcomDemo',
  viber: 'WebcomDemo',
  voice: 'WebcomDemo',
  telegram: 'WebcomDemo',
  whatsapp: 'WebcomDemo',
};

/**
 * `WebcomModule.forRootAsync`'s factory: the account from the environment, or, when none is
 * configured, the module's sandbox (nothing leaves the process; a warning at boot says so).
 */
export function createWebcomOptions(config: ConfigService): WebcomModuleOptions {
  const tuning = readTuning(config);
  const credentials = readCredentials(config);
  if (credentials) {
    return { ...tuning, credentials, baseUrl: readSetting(config, 'WEBCOM_BASE_URL') };
  }
  return { ...tuning, sandbox: true, senders: { ...SANDBOX_SENDERS, ...tuning.senders } };
}
