import { ConfigService } from '@nestjs/config';
import { readCredentials } from '../../sample/src/settings.js';
import { createWebcomOptions } from '../../sample/src/webcom-options.factory.js';

/** The sample's configuration from the environment, with no process environment leaking in. */
describe('the sample configuration', () => {
  const config = (variables: Record<string, string>) => new ConfigService(variables);

  beforeAll(() => {
    // ConfigService reads process.env first: a developer's exported WEBCOM_* must not count.
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('WEBCOM_')) delete process.env[name];
    }
  });

  it.each<[string, Record<string, string>, object]>([
    ['a token', { WEBCOM_TOKEN: 't0k' }, { token: 't0k' }],
    [
      'a login and password',
      { WEBCOM_USER: 'shop', WEBCOM_PASSWORD: 'pw' },
      { user: 'shop', password: 'pw' },
    ],
    [
      'a login and token hash',
      { WEBCOM_USER: 'shop', WEBCOM_TOKEN_HASH: 'a'.repeat(32) },
      { user: 'shop', tokenHash: 'a'.repeat(32) },
    ],
  ])('reads %s', (_form, variables, credentials) => {
    expect(readCredentials(config(variables))).toEqual(credentials);
  });

  it('reads no credentials from unset or empty variables', () => {
    expect(readCredentials(config({ WEBCOM_USER: '', WEBCOM_PASSWORD: ' ' }))).toBeUndefined();
  });

  it.each([
    [{ WEBCOM_USER: 'shop' }, /exactly one of/],
    [{ WEBCOM_TOKEN: 't', WEBCOM_PASSWORD: 'pw', WEBCOM_USER: 'shop' }, /exactly one of/],
    [{ WEBCOM_PASSWORD: 'pw' }, /WEBCOM_PASSWORD needs WEBCOM_USER/],
  ])(
    'refuses a half-given account %j rather than running on the emulator',
    (variables, message) => {
      expect(() => readCredentials(config(variables))).toThrow(message);
    },
  );

  it('uses the configured account and base URL, not the sandbox', () => {
    const options = createWebcomOptions(
      config({
        WEBCOM_TOKEN: 't0k',
        WEBCOM_BASE_URL: 'https://gateway.example',
        WEBCOM_SENDER_SMS: 'Shop',
        WEBCOM_TIMEOUT_MS: '5000',
      }),
    );
    expect(options).toEqual({
      credentials: { token: 't0k' },
      baseUrl: 'https://gateway.example',
      senders: { sms: 'Shop' },
      timeoutMs: 5000,
    });
  });

  it('without credentials runs on the sandbox, with a sender for every channel', () => {
    const options = createWebcomOptions(config({ WEBCOM_SENDER_SMS: 'Shop' }));
    expect(options).toEqual({
      sandbox: true,
      senders: expect.objectContaining({ sms: 'Shop', viber: 'WebcomDemo' }),
    });
    expect(options).not.toHaveProperty('credentials');
  });

  it('refuses a number that is not one, naming the variable', () => {
    expect(() => createWebcomOptions(config({ WEBCOM_TOKEN: 't', WEBCOM_RETRIES: 'two' }))).toThrow(
      'WEBCOM_RETRIES must be a number, got "two"',
    );
  });
});
