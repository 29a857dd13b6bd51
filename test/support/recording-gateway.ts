import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as it reached the wire: the raw URL and its decoded parameters. */
export interface RecordedRequest {
  path: string;
  rawUrl: string;
  params: URLSearchParams;
}

export type Answer = (request: RecordedRequest) => {
  status?: number;
  body: string;
  headers?: Record<string, string>;
};

/** Answers a send with one message per `dadr` recipient, as docs/protocol.md §3 shows. */
export const successAnswer: Answer = ({ params }) => {
  if (params.get('balance') === '1') return { body: '{"balance":"143777.36"}' };
  if (params.has('msgid'))
    return { body: '{"state":"deliver","time":"2026-11-27 12:00","text_sms":""}' };
  const recipients = (params.get('dadr') ?? '').split(',');
  const information = recipients.map((_, i) => ({
    id_message: String(1000 + i),
    price: '2.5000000',
  }));
  return { body: JSON.stringify({ information, balance: '100.00' }) };
};

/**
 * A loopback HTTP server for tests that assert what reached the wire. It parses nothing beyond
 * the URL, so it cannot share a bug with the client's encoder.
 */
export class RecordingGateway {
  readonly requests: RecordedRequest[] = [];
  answer: Answer = successAnswer;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<RecordingGateway> {
    const server = createServer();
    const gateway = new RecordingGateway(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request = { path: url.pathname, rawUrl: req.url ?? '', params: url.searchParams };
      gateway.requests.push(request);
      const { status = 200, body, headers = {} } = gateway.answer(request);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return gateway;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get last(): RecordedRequest {
    return this.requests[this.requests.length - 1];
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
