import 'reflect-metadata';
import '../support/quiet-logs.js';
import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { brotliCompressSync, gzipSync, deflateSync, deflateRawSync } from 'node:zlib';
import { Test } from '@nestjs/testing';
import {
  getWebcomProviderToken,
  WebcomModule,
  WebcomService,
  type WebcomModuleOptions,
} from '../../lib/index.js';
import { createGatewayHttpService } from '../../lib/transport/http-transport.js';

/**
 * The module's undici engine as a user meets it: compressed answers, the size cap on the
 * decoded body, proxies from the environment, a private CA, and axios instances of the
 * application's own, used as they are.
 */
const ANSWER = '{"information":[{"id_message":"42","price":"2.5"}],"balance":"10.0"}';
const BALANCE = '{"balance":"143777.36"}';
const tlsFile = (name: string) =>
  readFileSync(new URL(`../support/tls/${name}`, import.meta.url), 'utf8');

type Handler = (req: IncomingMessage, res: import('node:http').ServerResponse) => void;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}
async function stop(server: Server) {
  server.closeAllConnections?.();
  await new Promise((resolve) => server.close(resolve));
}

describe('the undici engine', () => {
  const servers: Server[] = [];
  const services: WebcomService[] = [];
  const serve = async (handler: Handler) => {
    const server = createHttpServer(handler);
    servers.push(server);
    return `http://127.0.0.1:${await listen(server)}`;
  };
  const create = (baseUrl: string, extra: Partial<WebcomModuleOptions> = {}) => {
    const service = new WebcomService({
      credentials: { user: 'shop', password: 'pw' },
      baseUrl,
      senders: { sms: 'Shop' },
      retries: 0,
      ...extra,
    });
    services.push(service);
    return service;
  };
  afterEach(async () => {
    for (const service of services.splice(0)) service.onApplicationShutdown();
    for (const server of servers.splice(0)) await stop(server);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
  ] as const)('decodes a %s answer', async (encoding, compress) => {
    let acceptEncoding: string | undefined;
    const baseUrl = await serve((req, res) => {
      acceptEncoding = req.headers['accept-encoding'];
      res.writeHead(200, { 'content-encoding': encoding, 'content-type': 'application/json' });
      res.end(compress(Buffer.from(ANSWER)));
    });
    const result = await create(baseUrl).sendSms({ to: '79991234567', text: 'x' });
    expect(result.messages).toEqual([expect.objectContaining({ id: '42' })]);
    expect(acceptEncoding).toContain(encoding);
  });

  it.each([
    ['proxy', { proxy: 'yes' }],
    ['ca', { ca: 42 }],
    ['ca', { ca: [] }],
    ['axiosInstance', { axiosInstance: {} }],
  ])('refuses a malformed %s at boot, naming it', (field, extra) => {
    expect(() => create('http://127.0.0.1:9', extra as Partial<WebcomModuleOptions>)).toThrow(
      expect.objectContaining({
        name: 'WebcomValidationError',
        errors: [expect.objectContaining({ field })],
      }),
    );
  });

  it('stops a compression bomb at the 1 MiB cap on the decoded body', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    await expect(create(baseUrl).getBalance()).rejects.toMatchObject({
      name: 'WebcomTransportError',
      code: 'ERESPONSETOOLARGE',
      possiblyDelivered: false,
    });
  });

  describe("proxy: 'env'", () => {
    const saved = { ...process.env };
    let proxy: Server;
    let tunnels: string[];
    beforeEach(async () => {
      tunnels = [];
      // A CONNECT proxy, as corporate networks run them.
      proxy = createHttpServer();
      proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
        tunnels.push(req.url ?? '');
        const [host, port] = (req.url ?? '').split(':');
        const upstream = connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(client).pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      servers.push(proxy);
      const port = await listen(proxy);
      for (const name of ['http_proxy', 'https_proxy', 'no_proxy', 'NO_PROXY']) {
        delete process.env[name];
      }
      process.env.HTTP_PROXY = `http://127.0.0.1:${port}`;
      process.env.HTTPS_PROXY = `http://127.0.0.1:${port}`;
    });
    afterEach(() => {
      process.env = { ...saved };
    });

    it('goes through HTTPS_PROXY/HTTP_PROXY when asked', async () => {
      const baseUrl = await serve((_req, res) => res.end(BALANCE));
      await expect(create(baseUrl, { proxy: 'env' }).getBalance()).resolves.toMatchObject({
        balance: 143777.36,
      });
      expect(tunnels).toEqual([new URL(baseUrl).host]);
    });

    it('bypasses the proxy for hosts in NO_PROXY', async () => {
      process.env.NO_PROXY = '127.0.0.1';
      const baseUrl = await serve((_req, res) => res.end(BALANCE));
      await create(baseUrl, { proxy: 'env' }).getBalance();
      expect(tunnels).toEqual([]);
    });

    it('ignores the environment unless asked', async () => {
      const baseUrl = await serve((_req, res) => res.end(BALANCE));
      await create(baseUrl).getBalance();
      expect(tunnels).toEqual([]);
    });
  });

  describe('a private CA', () => {
    let baseUrl: string;
    beforeEach(async () => {
      const server = createHttpsServer(
        { key: tlsFile('gateway.key'), cert: tlsFile('gateway.crt') },
        (_req, res) => res.end(ANSWER),
      );
      servers.push(server);
      baseUrl = `https://127.0.0.1:${await listen(server)}`;
    });

    it('is trusted when given as `ca`', async () => {
      const result = await create(baseUrl, { ca: tlsFile('gateway.crt') }).sendSms({
        to: '79991234567',
        text: 'x',
      });
      expect(result.messages[0].id).toBe('42');
    });

    it('without it the certificate is refused, before anything is sent', async () => {
      await expect(create(baseUrl).sendSms({ to: '79991234567', text: 'x' })).rejects.toMatchObject(
        { name: 'WebcomTransportError', possiblyDelivered: false },
      );
    });
  });

  describe('axios instances', () => {
    it("an application's own instance is used as it is, interceptors included", async () => {
      const seen: string[] = [];
      const baseUrl = await serve((req, res) => {
        seen.push(String(req.headers['x-audit']));
        res.end(BALANCE);
      });
      const instance = axios.create({ headers: { 'x-audit': 'mine' } });
      const intercepted: string[] = [];
      instance.interceptors.request.use((config) => {
        intercepted.push(config.url ?? '');
        return config;
      });
      await create(baseUrl, { axiosInstance: instance }).getBalance();
      expect(seen).toEqual(['mine']);
      expect(intercepted).toHaveLength(1);
      expect(instance.defaults.maxRedirects).toBeUndefined();
    });

    it('a send failing on an adapter that says nothing is possibly delivered, and not repeated', async () => {
      let calls = 0;
      const instance = axios.create({
        adapter: () => {
          calls++;
          return Promise.reject(new Error('connection lost'));
        },
      });
      const service = create('http://127.0.0.1:9', { axiosInstance: instance, retries: 2 });
      await expect(service.sendSms({ to: '79991234567', text: 'x' })).rejects.toMatchObject({
        name: 'WebcomTransportError',
        possiblyDelivered: true,
      });
      expect(calls).toBe(1);
    });

    it("interceptors on the account's HttpService provider apply to every request", async () => {
      const seen: string[] = [];
      const baseUrl = await serve((req, res) => {
        seen.push(String(req.headers.traceparent));
        res.end(BALANCE);
      });
      const http: HttpService = createGatewayHttpService({ maxSockets: 2, timeoutMs: 1000 });
      http.axiosRef.interceptors.request.use((config) => {
        config.headers.set('traceparent', '00-abc-def-01');
        return config;
      });
      const moduleRef = await Test.createTestingModule({
        imports: [WebcomModule.forRoot({ credentials: { user: 'shop', password: 'pw' }, baseUrl })],
      })
        .overrideProvider(getWebcomProviderToken('http-service'))
        .useValue(http)
        .compile();
      await moduleRef.get(WebcomService).getBalance();
      expect(seen).toEqual(['00-abc-def-01']);
      await moduleRef.close();
    });
  });

  it("the engine's HttpService, used directly, undoes stacked codings and reads the charset", async () => {
    const baseUrl = await serve((_req, res) => {
      res.writeHead(200, {
        'content-encoding': 'gzip, br',
        'content-type': 'text/plain; charset=windows-1251',
      });
      // "Баланс" in windows-1251.
      res.end(brotliCompressSync(gzipSync(Buffer.from([0xc1, 0xe0, 0xeb, 0xe0, 0xed, 0xf1]))));
    });
    const http = createGatewayHttpService({ maxSockets: 1, timeoutMs: 1000 });
    const response = await http.axiosRef.get<string>(`${baseUrl}/x`);
    expect(response.data).toBe('Баланс');
  });

  it('app.close() waits for a send on the wire, and settles one waiting for a connection as never sent', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const baseUrl = await serve((_req, res) => {
      void held.then(() => res.end(ANSWER));
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        WebcomModule.forRoot({
          credentials: { user: 'shop', password: 'pw' },
          baseUrl,
          senders: { sms: 'Shop' },
          maxSockets: 1,
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    const webcom = app.get(WebcomService);
    const onWire = webcom.sendSms({ to: '79991234567', text: 'on the wire' });
    const queued = webcom.sendSms({ to: '79991234568', text: 'queued' }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    expect(await queued).toMatchObject({ code: 'ESHUTDOWN', possiblyDelivered: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    release();
    await expect(onWire).resolves.toMatchObject({ messages: [{ id: '42' }] });
    await closing;
    await expect(webcom.getBalance()).rejects.toMatchObject({ code: 'ESHUTDOWN' });
  });
});
