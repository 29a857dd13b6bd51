import { FakeWebcomServer } from 'nestjs-webcom/testing';

/**
 * Points the sample at a gateway emulator on a loopback port, through the environment as an
 * operator would (a token, a base URL, a sender per channel): the tests then see every request
 * the sample makes, and can set balances and faults. Without it the sample runs on the module's
 * sandbox, which keeps no requests to look at.
 */
export async function sampleOnFakeGateway(): Promise<FakeWebcomServer> {
  const fake = await FakeWebcomServer.start();
  Object.assign(process.env, {
    WEBCOM_TOKEN: 'sample-emulator',
    WEBCOM_BASE_URL: fake.baseUrl,
    WEBCOM_SENDER_SMS: 'WebcomDemo',
    WEBCOM_SENDER_VIBER: 'WebcomDemo',
    WEBCOM_SENDER_VOICE: 'WebcomDemo',
    WEBCOM_SENDER_TELEGRAM: 'WebcomDemo',
    WEBCOM_SENDER_WHATSAPP: 'WebcomDemo',
  });
  return fake;
}
