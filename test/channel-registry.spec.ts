import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { SEND_KINDS, type DtoOf, type SendKind, type SendMethod } from '../lib/channel-registry.js';
import { CHANNELS, SENDER_CHANNELS } from '../lib/protocol/channels.js';
import { EMULATED_CHANNELS } from '../lib/testing/fake/send-rules.js';
import {
  WebcomService,
  WebcomValidationError,
  type WebcomEvent,
  type WebcomModuleOptions,
} from '../lib/index.js';
import { WebcomTestingGateway, WebcomTestingModule } from '../lib/testing/index.js';
import { RecordingGateway } from './support/recording-gateway.js';
import { invalid } from './support/thrown.js';

/** The per-kind method of `WebcomService`, as `SendMethods` names it. */
const methodOf = (kind: SendKind) => `send${kind[0].toUpperCase()}${kind.slice(1)}` as SendMethod;

/** One valid DTO per kind of send. */
const SAMPLES: { [K in SendKind]: DtoOf<K> } = {
  sms: { to: '79991234567', text: 'Привет & hi' },
  viber: { to: ['79991234567', '79991234568'], imageUrl: 'https://x.example/i.png' },
  voice: { to: '79991234567', text: 'Your code is 1234', attempts: 2 },
  flashcall: { to: '79991234567' },
  telegram: { to: '79991234567', text: 'Hi', fallback: { channel: 'sms', text: 'Hi by SMS' } },
  whatsapp: {
    to: '79991234567',
    text: 'Hi',
    button: { text: 'Open', url: 'https://x.example' },
  },
  cascade: {
    to: '79991234567',
    primary: { channel: 'viber', text: 'Hi' },
    fallback: { channel: 'sms', text: 'Hi by SMS' },
    validUntil: '2099-01-01 10:00',
  },
};

describe('the channel registry', () => {
  it('has an entry for every channel of the wire tables, and cascade', () => {
    expect([...SEND_KINDS].sort()).toEqual([...CHANNELS, 'cascade'].sort());
  });

  const registryChannels = SEND_KINDS.filter((kind) => kind !== 'cascade');

  it.each(registryChannels)('the emulator has its own rule for %s', (channel) => {
    expect(Object.hasOwn(EMULATED_CHANNELS, channel)).toBe(true);
  });

  it.each(SEND_KINDS)('%s is sent by a method of WebcomService', (kind) => {
    expect(typeof WebcomService.prototype[methodOf(kind)]).toBe('function');
  });
});

describe('WebcomService.send(channel, dto)', () => {
  let gateway: RecordingGateway;
  let service: WebcomService;
  const options = (): WebcomModuleOptions => ({
    credentials: { token: 'tok' },
    baseUrl: gateway.baseUrl,
    // A sender on every channel that has one, a channel added later included.
    senders: Object.fromEntries(SENDER_CHANNELS.map((channel) => [channel, `${channel}-sender`])),
    retries: 0,
  });

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
    service = new WebcomService(options());
  });
  afterAll(async () => {
    service.onApplicationShutdown();
    await gateway.stop();
  });

  it.each(SEND_KINDS)('send(%s) puts the same bytes on the wire as its method', async (kind) => {
    const method = methodOf(kind);
    const viaMethod = await (service[method] as (dto: unknown) => Promise<unknown>)(SAMPLES[kind]);
    const methodUrl = gateway.last.rawUrl;
    const viaSend = await service.send(kind, SAMPLES[kind]);
    expect(gateway.last.rawUrl).toBe(methodUrl);
    expect(viaSend).toEqual(viaMethod);
  });

  it('refuses an unknown channel before any request, and reports it', async () => {
    const events: WebcomEvent[] = [];
    const subscription = service.events$.subscribe((event) => events.push(event));
    const before = gateway.requests.length;
    const error = await service
      .send(invalid<'sms'>('fax'), { to: '79991234567', text: 'x' })
      .catch((e: unknown) => e);
    subscription.unsubscribe();
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors[0].field).toBe('channel');
    expect(gateway.requests.length).toBe(before);
    expect(events).toEqual([expect.objectContaining({ type: 'failed', operation: 'send' })]);
  });

  it('is typed by the channel', () => {
    // Never called: the compiler is the one checking these lines.
    const typed = (webcom: WebcomService) => {
      // @ts-expect-error an SMS needs a text
      void webcom.send('sms', { to: '79991234567' });
      // @ts-expect-error a cascade needs its primary and fallback
      void webcom.send('cascade', { to: '79991234567', text: 'x' });
      void webcom.send('flashcall', { to: '79991234567' });
    };
    expect(typeof typed).toBe('function');
  });

  it('WebcomTestingModule records send(channel) under the channel method', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [WebcomTestingModule.forRoot({ senders: { sms: 'S', viber: 'V' } })],
    }).compile();
    const webcom = moduleRef.get(WebcomService);
    const testing = moduleRef.get(WebcomTestingGateway);
    await webcom.send('sms', { to: '79991234567', text: 'Hi' });
    await webcom.send('cascade', SAMPLES.cascade);
    expect(testing.calls.map((c) => c.method)).toEqual(['sendSms', 'sendCascade']);
    expect(testing.sent.map((s) => [s.method, s.channel])).toEqual([
      ['sendSms', 'sms'],
      ['sendCascade', 'viber'],
    ]);
    await moduleRef.close();
  });
});
