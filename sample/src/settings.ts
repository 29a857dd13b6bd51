import type { ConfigService } from '@nestjs/config';
import type { Credentials, Senders, WebcomModuleOptions } from 'nestjs-webcom';

/** A variable's value; an empty one, as `.env.example` leaves them, counts as unset. */
export function readSetting(config: ConfigService, name: string): string | undefined {
  const value = config.get<string>(name)?.trim();
  return value ? value : undefined;
}

export function readNumber(config: ConfigService, name: string): number | undefined {
  const raw = readSetting(config, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

/**
 * The account the environment names: `WEBCOM_TOKEN`, or `WEBCOM_USER` with `WEBCOM_PASSWORD` or
 * `WEBCOM_TOKEN_HASH`. `undefined` when it names none, so the sample runs on the sandbox; a
 * half-given account is an error rather than a silent switch to the sandbox.
 */
export function readCredentials(config: ConfigService): Credentials | undefined {
  const user = readSetting(config, 'WEBCOM_USER');
  const password = readSetting(config, 'WEBCOM_PASSWORD');
  const token = readSetting(config, 'WEBCOM_TOKEN');
  const tokenHash = readSetting(config, 'WEBCOM_TOKEN_HASH');
  const given = [password, token, tokenHash].filter((value) => value !== undefined).length;
  if (user === undefined && given === 0) return undefined;
  if (given !== 1) {
    throw new Error('Set exactly one of WEBCOM_PASSWORD, WEBCOM_TOKEN and WEBCOM_TOKEN_HASH');
  }
  if (token !== undefined) return { token };
  if (user === undefined) {
    throw new Error(`${password ? 'WEBCOM_PASSWORD' : 'WEBCOM_TOKEN_HASH'} needs WEBCOM_USER`);
  }
  return password !== undefined ? { user, password } : { user, tokenHash: tokenHash! };
}

const SENDER_VARIABLES: Record<keyof Senders, string> = {
  sms: 'WEBCOM_SENDER_SMS',
  viber: 'WEBCOM_SENDER_VIBER',
  voice: 'WEBCOM_SENDER_VOICE',
  telegram: 'WEBCOM_SENDER_TELEGRAM',
  whatsapp: 'WEBCOM_SENDER_WHATSAPP',
};

export function readSenders(config: ConfigService): Senders {
  const senders: Senders = {};
  for (const [channel, variable] of Object.entries(SENDER_VARIABLES)) {
    const sender = readSetting(config, variable);
    if (sender !== undefined) senders[channel as keyof Senders] = sender;
  }
  return senders;
}

/** The module options the environment sets, credentials and base URL apart. */
export function readTuning(config: ConfigService): Omit<WebcomModuleOptions, 'credentials'> {
  const tuning = {
    timeoutMs: readNumber(config, 'WEBCOM_TIMEOUT_MS'),
    retries: readNumber(config, 'WEBCOM_RETRIES'),
    maxUrlLength: readNumber(config, 'WEBCOM_MAX_URL_LENGTH'),
    maxSmsSegments: readNumber(config, 'WEBCOM_MAX_SMS_SEGMENTS'),
  };
  return {
    ...Object.fromEntries(Object.entries(tuning).filter(([, value]) => value !== undefined)),
    senders: readSenders(config),
  };
}

export interface HealthThresholds {
  minBalance?: number;
  warnBalance?: number;
}

export function readHealthThresholds(config: ConfigService): HealthThresholds {
  return {
    minBalance: readNumber(config, 'WEBCOM_HEALTH_MIN_BALANCE'),
    warnBalance: readNumber(config, 'WEBCOM_HEALTH_WARN_BALANCE'),
  };
}

export const DEFAULT_PORT = 3000;
