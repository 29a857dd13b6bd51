import { Logger, type LoggerService } from '@nestjs/common';
import { WebcomService, WebcomValidationError, type WebcomModuleOptions } from '../../lib/index.js';
import { RecordingGateway } from '../support/recording-gateway.js';

const PASSWORD = 'pw-never-logged';
const PHONE = '79991234567';

/** Every line at every level, with its level; Nest's default levels include debug. */
class CapturingLogger implements LoggerService {
  readonly lines: [string, string][] = [];
  private keep = (level: string) => (message: unknown) => this.lines.push([level, String(message)]);
  log = this.keep('log');
  error = this.keep('error');
  warn = this.keep('warn');
  debug = this.keep('debug');
  verbose = this.keep('verbose');
  fatal = this.keep('fatal');
}

describe('logRequests: one debug line per gateway request, only when asked', () => {
  let gateway: RecordingGateway;
  let logger: CapturingLogger;
  const services: WebcomService[] = [];

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });
  afterAll(() => gateway.stop());
  beforeEach(() => {
    logger = new CapturingLogger();
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
    Logger.overrideLogger(logger);
  });
  afterEach(() => {
    for (const service of services.splice(0)) service.onApplicationShutdown();
    Logger.overrideLogger(['error']);
  });

  const script = (options: Partial<WebcomModuleOptions> = {}) => {
    const service = new WebcomService({
      credentials: { user: 'shop', password: PASSWORD },
      baseUrl: gateway.baseUrl,
      senders: { sms: 'Shop' },
      ...options,
    });
    services.push(service);
    return service;
  };

  const debugLines = () => logger.lines.filter(([level]) => level === 'debug').map(([, l]) => l);

  it('by default a script sending many messages prints nothing, debug level enabled', async () => {
    const webcom = script();
    for (let i = 0; i < 5; i++) await webcom.sendSms({ to: PHONE, text: 'Hi' });
    await webcom.getBalance();
    expect(logger.lines).toEqual([]);
  });

  it('with logRequests: true, one masked debug line per request', async () => {
    const webcom = script({ logRequests: true });
    await webcom.sendSms({ to: PHONE, text: 'Hi' });
    await webcom.getBalance();
    const lines = debugLines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/sendsms\.php\?.* -> HTTP 200 in \d+ ms$/,
    );
    for (const line of lines) {
      expect(line).not.toContain(PASSWORD);
      expect(line).not.toContain(PHONE);
      expect(line).not.toContain('Hi');
    }
  });

  it('refuses a value that is not a boolean (a .env "false" is truthy)', () => {
    expect(() => script({ logRequests: 'false' as unknown as boolean })).toThrow(
      WebcomValidationError,
    );
    expect(() => script({ logRequests: 'false' as unknown as boolean })).toThrow(/logRequests/);
  });
});
