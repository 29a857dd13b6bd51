import 'reflect-metadata';
import {
  WebcomService,
  WebcomValidationError,
  type WebcomEvent,
  type WebcomModuleOptions,
} from '../lib/index.js';
import { RecordingGateway } from './support/recording-gateway.js';
import { thrown } from './support/thrown.js';

/** 2,000 Latin characters: 14 parts of 153 (docs/channels.md, SMS parts and cost). */
const LONG_TEXT = 'x'.repeat(2000);

describe('maxSmsSegments, the cost guard', () => {
  let gateway: RecordingGateway;
  const services: WebcomService[] = [];
  const service = (extra: Partial<WebcomModuleOptions> = {}) => {
    const webcom = new WebcomService({
      credentials: { token: 'tok' },
      baseUrl: gateway.baseUrl,
      senders: { sms: 'S', viber: 'V' },
      retries: 0,
      ...extra,
    });
    services.push(webcom);
    return webcom;
  };

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });
  beforeEach(() => {
    gateway.requests.length = 0;
  });
  afterAll(async () => {
    for (const webcom of services) webcom.onApplicationShutdown();
    await gateway.stop();
  });

  it('refuses by default a text of more than 10 parts on `text`, naming its parts, unsent', async () => {
    const webcom = service();
    const events: WebcomEvent[] = [];
    const subscription = webcom.events$.subscribe((event) => events.push(event));
    const error = await webcom.sendSms({ to: '79991234567', text: LONG_TEXT }).catch((e) => e);
    subscription.unsubscribe();
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors).toEqual([
      { field: 'text', messages: ['is 14 SMS parts, more than maxSmsSegments (10)'] },
    ]);
    expect(gateway.requests).toHaveLength(0);
    expect(events).toEqual([expect.objectContaining({ type: 'failed', operation: 'send' })]);
  });

  it('by default sends a text of exactly 10 parts', async () => {
    await service().sendSms({ to: '79991234567', text: 'x'.repeat(1530) });
    expect(gateway.requests).toHaveLength(1);
  });

  it("refuses an SMS fallback's text the same way", async () => {
    const error = await service()
      .sendViber({ to: '79991234567', text: 'hi', fallback: { channel: 'sms', text: LONG_TEXT } })
      .catch((e) => e);
    expect((error as WebcomValidationError).errors.map((e) => e.field)).toEqual(['fallback.text']);
    expect(gateway.requests).toHaveLength(0);
  });

  it('null lifts the limit', async () => {
    await service({ maxSmsSegments: null }).sendSms({ to: '79991234567', text: LONG_TEXT });
    expect(gateway.requests).toHaveLength(1);
    expect(gateway.requests[0].params.get('text')).toBe(LONG_TEXT);
  });

  it('a limit of its own replaces the default', async () => {
    await service({ maxSmsSegments: 20 }).sendSms({ to: '79991234567', text: LONG_TEXT });
    expect(gateway.requests).toHaveLength(1);
  });

  it.each([0, 256, 2.5, '10'])('refuses %j at boot, naming the option', (value) => {
    const error = thrown(() => service({ maxSmsSegments: value as number }));
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors.map((e) => e.field)).toEqual(['maxSmsSegments']);
  });
});
