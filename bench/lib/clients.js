// The three clients the throughput section compares, each a `send(to) => Promise<ids>` over
// keep-alive sockets to the same stand-in:
//   ours  WebcomService from a Nest application context (WebcomModule.forRoot)
//   hand  what a team writes instead: @nestjs/axios HttpService.get, query built by hand
//   raw   node:http with a keep-alive agent and JSON.parse, the machine's limit for this call
import 'reflect-metadata';
import http from 'node:http';
import { URL, URLSearchParams } from 'node:url';
import { CREDENTIALS, DIST_INDEX, SENDER, TEXT } from './common.js';

const MAX_SOCKETS = 64;

/**
 * WebcomService as an application gets it. The logger is at 'warn' and above, as in production:
 * Nest's default enables 'debug', and the service then writes one debug line per request
 * (see docs/benchmarks.md).
 *
 * @param {import('@nestjs/common').LogLevel[]} [logLevels]
 */
export async function createOurs(
  baseUrl,
  options = {},
  logLevels = ['warn', 'error', 'fatal'],
  { distIndex = DIST_INDEX, name = 'ours' } = {},
) {
  const { NestFactory } = await import('@nestjs/core');
  const { Module } = await import('@nestjs/common');
  const { WebcomModule, WebcomService } = await import(distIndex);
  class BenchModule {}
  Module({
    imports: [
      WebcomModule.forRoot({
        credentials: CREDENTIALS,
        baseUrl,
        senders: { sms: SENDER },
        maxSockets: MAX_SOCKETS,
        ...options,
      }),
    ],
  })(BenchModule);
  const app = await NestFactory.createApplicationContext(BenchModule, {
    logger: logLevels,
  });
  const service = app.get(WebcomService);
  return {
    name,
    service,
    send: async (to) => (await service.sendSms({ to, text: TEXT })).messages,
    close: () => app.close(),
  };
}

/** The query a hand-written client builds: URLSearchParams over the same parameters. */
export function handQuery(to) {
  return new URLSearchParams({
    user: CREDENTIALS.user,
    pwd: CREDENTIALS.password,
    type_send_1: 'sms',
    sadr: SENDER,
    text: TEXT,
    dadr: to,
  }).toString();
}

/** The answer as a hand-written client reads it. */
export function handDecode(body) {
  const parsed = JSON.parse(body);
  return parsed.information.map((entry) => ({ id: entry.id_message, price: Number(entry.price) }));
}

export async function createHand(baseUrl) {
  const { default: axios } = await import('axios');
  const { HttpService } = await import('@nestjs/axios');
  const { firstValueFrom } = await import('rxjs');
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const httpService = new HttpService(axios.create({ httpAgent: agent }));
  const url = `${baseUrl}/sendsms.php?`;
  return {
    name: 'hand',
    send: async (to) => {
      const response = await firstValueFrom(
        httpService.get(url + handQuery(to), { responseType: 'text' }),
      );
      return handDecode(response.data);
    },
    close: async () => agent.destroy(),
  };
}

export async function createRaw(baseUrl) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const { hostname, port } = new URL(baseUrl);
  const get = (path) =>
    new Promise((resolve, reject) => {
      const request = http.get({ hostname, port, path, agent }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(body)
            : reject(new Error(`HTTP ${response.statusCode}`)),
        );
        response.on('error', reject);
      });
      request.on('error', reject);
    });
  return {
    name: 'raw',
    send: async (to) => handDecode(await get(`/sendsms.php?${handQuery(to)}`)),
    close: async () => agent.destroy(),
  };
}
