import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { CapturingLogger } from '../support/capturing-logger.js';
import axios from 'axios';
import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TextDecoder } from 'node:util';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import {
  possiblyDelivered,
  WebcomService,
  type WebcomEvent,
  type WebcomModuleOptions,
} from '../../lib/index.js';
import { renderings } from '../support/secret-renderings.js';

/**
 * What the gateway's bytes become, on both engines (the module's undici engine and an axios
 * instance of the application's): content codings undone in order (RFC 9110 §8.4), the charset
 * the answer declares, and what a send learns from an answer it cannot read.
 */
const ANSWER = '{"information":[{"id_message":"42","price":"2.5"}],"balance":"10.0"}';
const PASSWORD = 'Пароль-Q7x!Zk9w';
/** What a mis-declared page leaves of the password: its ASCII run. */
const ASCII_RUN = '-Q7x!Zk9w';

/** A single-byte charset's encoder, from Node's decoder of it. */
function encoder(charset: string): (text: string) => Buffer {
  const decoder = new TextDecoder(charset);
  const table = new Map<string, number>();
  for (let byte = 0; byte < 256; byte++) table.set(decoder.decode(Uint8Array.of(byte)), byte);
  return (text) => Buffer.from([...text].map((char) => table.get(char)!));
}
const cp1251 = encoder('windows-1251');
const koi8r = encoder('koi8-r');

interface Reply {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body: Buffer | string;
}

const ENGINES: [string, () => Partial<WebcomModuleOptions>][] = [
  ['the undici engine', () => ({})],
  ["an application's axios instance", () => ({ axiosInstance: axios.create() })],
];

describe.each(ENGINES)('answers as bytes, on %s', (_, engine) => {
  let server: Server;
  let baseUrl: string;
  let reply: () => Reply;
  let requests: number;
  let service: WebcomService;
  let events: WebcomEvent[];
  let logger: CapturingLogger;
  const create = (extra: Partial<WebcomModuleOptions> = {}) => {
    service = new WebcomService({
      credentials: { user: 'shop', password: PASSWORD },
      baseUrl,
      senders: { sms: 'Shop' },
      retries: 2,
      ...engine(),
      ...extra,
    });
    service.events$.subscribe((event) => events.push(event));
    return service;
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e,
    );
  const send = () => create().sendSms({ to: '79991234567', text: 'hi' });

  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      const { status = 200, headers = {}, body } = reply();
      res.writeHead(status, headers);
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    requests = 0;
    events = [];
    logger = new CapturingLogger();
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
    Logger.overrideLogger(logger);
  });
  afterEach(() => {
    service.onApplicationShutdown();
    Logger.overrideLogger(['error']);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  describe('stacked content codings', () => {
    const json = Buffer.from(ANSWER);
    it.each([
      ['gzip, br', brotliCompressSync(gzipSync(json))],
      ['deflate, gzip', gzipSync(deflateSync(json))],
      ['GZIP,BR', brotliCompressSync(gzipSync(json))],
      ['identity, gzip', gzipSync(json)],
      ['gzip, identity', gzipSync(json)],
      ['identity', json],
    ])('a send answered with Content-Encoding: %s is accepted', async (coding, body) => {
      reply = () => ({ headers: { 'content-encoding': coding }, body });
      await expect(send()).resolves.toEqual({
        messages: [{ id: '42', to: '79991234567', price: 2.5 }],
        balance: 10,
      });
    });

    it('two Content-Encoding header lines are undone in order too', async () => {
      reply = () => ({
        headers: { 'content-encoding': ['gzip', 'br'] as unknown as string },
        body: brotliCompressSync(gzipSync(json)),
      });
      await expect(send()).resolves.toMatchObject({ messages: [{ id: '42' }] });
    });
  });

  describe('a 2xx answer that cannot be read', () => {
    it.each([
      ['a coding we do not know', { 'content-encoding': 'zstd' }, gzipSync(ANSWER)],
      ['codings stacked the other way', { 'content-encoding': 'br, gzip' }, gzipSync(ANSWER)],
      ['bytes that are no gzip', { 'content-encoding': 'gzip' }, Buffer.from('\x1f\x8b\x08junk')],
      ['compressed bytes, undeclared', {}, gzipSync(ANSWER)],
    ])(
      '%s: to a send, possibly delivered, never repeated, no binary in the error',
      async (__, headers, body) => {
        reply = () => ({ headers, body });
        const error = await failure(send());
        expect(error).toMatchObject({
          name: 'WebcomTransportError',
          code: 'EUNDECODABLE',
          possiblyDelivered: true,
        });
        expect(possiblyDelivered(error)).toBe(true);
        expect(requests).toBe(1);
        for (const text of [...renderings(error), ...logger.lines]) {
          // eslint-disable-next-line no-control-regex -- binary is what must not be there
          expect(text).not.toMatch(/[\x00-\x08\x0e-\x1f\x7f\ufffd]/);
        }
        expect(events).toEqual([
          expect.objectContaining({ type: 'failed', possiblyDelivered: true }),
        ]);
      },
    );

    it('to a read, repeated as after any failure', async () => {
      reply = () => ({ headers: { 'content-encoding': 'zstd' }, body: 'x' });
      await expect(create().getBalance()).rejects.toMatchObject({
        code: 'EUNDECODABLE',
        possiblyDelivered: false,
      });
      expect(requests).toBe(3);
    });

    it('a refusal that cannot be read keeps its status, without its bytes', async () => {
      reply = () => ({
        status: 400,
        headers: { 'content-encoding': 'gzip' },
        body: Buffer.from([0x1f, 0x8b, 0, 1, 2, 3]),
      });
      await expect(send()).rejects.toMatchObject({ name: 'WebcomApiError', status: 400, body: '' });
    });
  });

  describe('a hostile answer at the size cap', () => {
    /** Generous: it tells linear time from quadratic (minutes at this size); no benchmark. */
    const BOUND_MS = 2_000;
    const CAP = 1024 * 1024;
    const atCap = (head: string, unit: string) =>
      head + unit.repeat(Math.floor((CAP - 16 - Buffer.byteLength(head)) / unit.length));
    const timed = async (call: () => Promise<unknown>) => {
      const started = performance.now();
      const outcome = await failure(call());
      return { outcome, ms: performance.now() - started };
    };

    it.each([
      ['an unterminated string of \\" pairs', 200, atCap('{"information":[{"id_message":"', '\\"')],
      ['a run of spaces in a plain-text id list', 200, `${atCap('1', ' ')}x`],
      ['a page of unclosed tags', 403, atCap(`<p>${PASSWORD}</p>`, '<')],
    ])('%s, gzip-compressed, settles a send within the bound', async (__, status, text) => {
      const body = gzipSync(text);
      reply = () => ({ status, headers: { 'content-encoding': 'gzip' }, body });
      create();
      const { outcome, ms } = await timed(() => service.sendSms({ to: '79991234567', text: 'hi' }));
      expect(outcome).toMatchObject({ name: 'WebcomApiError', status });
      expect(JSON.stringify(outcome)).not.toContain(ASCII_RUN);
      expect(ms).toBeLessThan(BOUND_MS);
    });
  });

  describe('the charset of the answer', () => {
    const PAGE = `<html><body><p>Неверный пароль: ${PASSWORD} для shop</p></body></html>`;

    it.each([
      ['windows-1251', cp1251],
      ['cp1251', cp1251],
      ['KOI8-R', koi8r],
      ['utf-8', (text: string) => Buffer.from(text)],
    ])(
      'a refusal page in %s is read in it, the Cyrillic password redacted',
      async (charset, encode) => {
        reply = () => ({
          status: 403,
          headers: { 'content-type': `text/html; charset=${charset}` },
          body: encode(PAGE),
        });
        const error = await failure(send());
        expect(error).toMatchObject({ name: 'WebcomApiError', status: 403 });
        const { body } = error as { body: string };
        expect(body).toContain('Неверный пароль: [REDACTED] для shop');
        for (const text of [...renderings(error), ...logger.lines, JSON.stringify(events)]) {
          expect(text).not.toContain(ASCII_RUN);
        }
      },
    );

    it.each([
      ['windows-1251 bytes declared UTF-8', 'text/html; charset=utf-8', cp1251],
      ['windows-1251 bytes with no charset', 'text/html', cp1251],
      ['windows-1251 bytes declared KOI8-R', 'text/html; charset=koi8-r', cp1251],
      ['KOI8-R bytes declared windows-1251', 'text/html; charset=windows-1251', koi8r],
      [
        'UTF-8 bytes declared windows-1252',
        'text/html; charset=windows-1252',
        (text: string) => Buffer.from(text),
      ],
    ])(
      '%s: what survives of the password reaches no error, event or log',
      async (__, contentType, encode) => {
        reply = () => ({
          status: 403,
          headers: { 'content-type': contentType },
          body: encode(PAGE),
        });
        const error = await failure(send());
        expect(error).toMatchObject({ name: 'WebcomApiError', status: 403 });
        const { body } = error as { body: string };
        expect(body).toContain(' shop</p>');
        for (const text of [...renderings(error), ...logger.lines, JSON.stringify(events)]) {
          expect(text).not.toContain(ASCII_RUN);
          expect(text).not.toContain(new TextDecoder('windows-1252').decode(Buffer.from(PASSWORD)));
        }
      },
    );

    it('a 2xx answer in windows-1251 is read in it', async () => {
      reply = () => ({
        headers: { 'content-type': 'text/plain; charset=windows-1251' },
        body: cp1251('{"state":"deliver","time":"2026-12-03 10:00","text_sms":"Код 1234"}'),
      });
      await expect(create().getStatus('42')).resolves.toMatchObject({
        state: 'deliver',
        code: 'Код 1234',
      });
    });
  });
});
