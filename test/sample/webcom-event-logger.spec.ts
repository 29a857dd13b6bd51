import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { WebcomService, WebcomTransportError } from 'nestjs-webcom';
import { WebcomTestingGateway, WebcomTestingModule } from 'nestjs-webcom/testing';
import { WebcomEventLogger } from '../../sample/src/webcom-event-logger.js';

/** The sample's event logger, unit-tested with WebcomTestingModule as an app's own service would be. */
describe('WebcomEventLogger', () => {
  let moduleRef: TestingModule;
  let webcom: WebcomService;
  let testing: WebcomTestingGateway;
  let log: jest.SpiedFunction<Logger['log']>;
  let warn: jest.SpiedFunction<Logger['warn']>;

  beforeEach(async () => {
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    moduleRef = await Test.createTestingModule({
      imports: [WebcomTestingModule.forRoot({ senders: { sms: 'Shop' }, prices: { sms: 2 } })],
      providers: [WebcomEventLogger],
    }).compile();
    // init runs onModuleInit, where the logger subscribes.
    await moduleRef.init();
    webcom = moduleRef.get(WebcomService);
    testing = moduleRef.get(WebcomTestingGateway);
  });

  afterEach(async () => {
    await moduleRef.close();
    jest.restoreAllMocks();
  });

  it('logs a send with its ids and the balance left, never its text', async () => {
    await webcom.sendSms({ to: ['+7 999 123-45-67', '+7 999 765-43-21'], text: 'Code 4821' });
    expect(log).toHaveBeenCalledWith('sms: sent to 2, ids 1, 2, balance 996');
    expect(JSON.stringify(log.mock.calls)).not.toContain('4821');
  });

  it('warns of a failure, saying when the message may have gone out', async () => {
    testing.failNext(new WebcomTransportError('ECONNRESET', true, 'socket hang up'));
    await expect(webcom.sendSms({ to: '79991234567', text: 'Hi' })).rejects.toThrow(
      WebcomTransportError,
    );
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^send failed: WebcomTransportError: .*\(may have been delivered\)$/),
    );
  });

  it('logs each change of a status it reads, saying when the outcome is settled and when final', async () => {
    const { messages } = await webcom.sendSms({ to: '79991234567', text: 'Hi' });
    testing.setStatus(messages[0].id, 'send', 'deliver', 'read');
    for (let read = 0; read < 3; read += 1) await webcom.getStatus(messages[0].id);
    expect(
      log.mock.calls.map(([line]) => line).filter((line) => /^message/.test(String(line))),
    ).toEqual([
      'message 1: send',
      'message 1: send -> deliver (settled)',
      'message 1: deliver -> read (final)',
    ]);
  });

  it('stops listening when the module closes', async () => {
    await moduleRef.close();
    log.mockClear();
    await webcom.sendSms({ to: '79991234567', text: 'Hi' }).catch(() => undefined);
    expect(log).not.toHaveBeenCalled();
  });
});
