import type { ConfigService } from '@nestjs/config';
import type { Senders, WebcomModuleOptions } from 'nestjs-webcom';
import type { EmbeddedWebcomGateway } from './embedded-gateway.js';
import { readCredentials, readSetting, readTuning } from './settings.js';

/** Senders for the emulator, so that the logged curl lines work with no configuration at all. */
const EMULATOR_SENDERS: Required<Senders> = {
  sms: 'WebcomDemo',
  viber: 'WebcomDemo',
  voice: 'WebcomDemo',
  telegram: 'WebcomDemo',
  whatsapp: 'WebcomDemo',
};

/**
 * `WebcomModule.forRootAsync`'s factory: the account from the environment, or, when none is
 * configured, the embedded emulator, whose address is only known once it listens.
 */
export async function createWebcomOptions(
  config: ConfigService,
  embedded: EmbeddedWebcomGateway,
): Promise<WebcomModuleOptions> {
  const tuning = readTuning(config);
  const credentials = readCredentials(config);
  if (credentials) {
    return { ...tuning, credentials, baseUrl: readSetting(config, 'WEBCOM_BASE_URL') };
  }
  return {
    ...tuning,
    // The emulator started with no accounts takes any well-formed credentials.
    credentials: { token: 'sample-emulator' },
    baseUrl: await embedded.start(),
    senders: { ...EMULATOR_SENDERS, ...tuning.senders },
  };
}
