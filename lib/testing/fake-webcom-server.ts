import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FakeAccounts } from './fake/accounts.js';
import { FaultQueue } from './fake/faults.js';
import { classify, FakeGatewayOperations } from './fake/gateway-operations.js';
import { FakeMessageStore } from './fake/message-store.js';
import { DEFAULT_PRICES } from './fake/send-rules.js';
import {
  answerForFault,
  drop,
  isReplacing,
  later,
  send,
  sendOversized,
  sendTruncated,
  trickle,
} from './fake/transmit.js';
import type {
  DeliveryState,
  FakeFault,
  FakeMessage,
  FakeRequest,
  FakeWebcomServerOptions,
} from './fake/types.js';
import { roundMoney, splitTarget } from './fake/wire.js';

export { DEFAULT_BALANCE } from './fake/accounts.js';
export { FINAL_STATE_BY_ENDING } from './fake/message-store.js';
export { DEFAULT_PRICES } from './fake/send-rules.js';
export type {
  DeliveryState,
  FakeAccount,
  FakeChannel,
  FakeFault,
  FakeMessage,
  FakeRequest,
  FakeWebcomServerOptions,
} from './fake/types.js';

/**
 * An emulator of the Webcom gateway (docs/protocol.md) on a real loopback socket.
 *
 * It is an independent oracle of the protocol: written from the protocol notes, it shares no
 * wire table, encoder or decoder with the library it tests (only the wire tables' channel types
 * and pure constants such as the registrant name pattern), so a mistake in the library's tables
 * shows up as a refusal here rather than being mirrored. This class is the socket and the test's
 * handle; what a request does is in `fake/gateway-operations.ts`, with the per-channel rules in
 * `fake/send-rules.ts`, the accounts in `fake/accounts.ts`, the messages in
 * `fake/message-store.ts` and the faults in `fake/transmit.ts`.
 *
 * Conventions beyond the protocol:
 * - Every answer of `sendsms.php` carries PHP's default `Content-Type: text/html; charset=UTF-8`.
 * - A refused call of `sendsms.php` (credentials, validation, balance, unknown message id) is
 *   HTTP 200 with `{"error":"<why>"}`, or `error: <why>` under the `plain-text` fault. A method
 *   other than GET is HTTP 405 with the same body; any other path is HTTP 404.
 * - Registration answers HTTP 200 with a small HTML page, or HTTP 400 with an HTML list of
 *   `field: rule` problems. Registered accounts start with a balance of 0 in RUB.
 * - Message ids are increasing numeric strings. States advance lazily from `sentAt`: `send`,
 *   then `deliver` after `deliverAfterMs`, then `read` after `readAfterMs` more on Viber,
 *   Telegram and WhatsApp. Recipients ending in `000`, `999` and `998` end `not_deliver`,
 *   `expired` and `partly_deliver` at `deliverAfterMs` instead.
 * - An empty parameter counts as absent, as PHP's `empty()` would have it.
 * - Stricter than docs/protocol.md's text where a client bug would otherwise pass: every credential
 *   form a request carries must prove the same account; `token_hash` must be lower-case MD5 hex;
 *   a recipient has at most 15 digits; `dadr`/`addr` and `interval_voice`/`winterval_voice`
 *   must agree when both are sent; button links, images and audio must be http(s) URLs; a
 *   validity period whose minute has passed (Moscow time) is refused; a registration phone is
 *   10 to 15 digits.
 */
export class FakeWebcomServer {
  /** `http://HOST:PORT`, the module's `baseUrl`; both gateway paths hang off it. */
  readonly baseUrl: string;
  /** Every request received, in order, faulted ones included; recorded before any fault. */
  readonly requests: FakeRequest[] = [];

  private readonly messageStore: FakeMessageStore;
  private readonly accounts: FakeAccounts;
  private readonly operations: FakeGatewayOperations;
  private readonly faults = new FaultQueue();
  private readonly sockets = new Set<Socket>();
  private peak = 0;
  private stopped = false;

  private constructor(
    private readonly server: Server,
    baseUrl: string,
    options: FakeWebcomServerOptions,
  ) {
    this.baseUrl = baseUrl;
    this.messageStore = new FakeMessageStore(
      options.deliverAfterMs ?? 1000,
      options.readAfterMs ?? 3000,
    );
    this.accounts = new FakeAccounts(options.accounts);
    this.operations = new FakeGatewayOperations(
      this.accounts,
      this.messageStore,
      { ...DEFAULT_PRICES, ...options.prices },
      options.individualCode ?? 'fl',
    );
    server.on('connection', (socket) => this.track(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
  }

  /** Listens on `options.host` (127.0.0.1) and `options.port` (ephemeral). */
  static async start(options: FakeWebcomServerOptions = {}): Promise<FakeWebcomServer> {
    const host = options.host ?? '127.0.0.1';
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const hostInUrl = host.includes(':') ? `[${host}]` : host;
    return new FakeWebcomServer(server, `http://${hostInUrl}:${port}`, options);
  }

  /** Messages by id, in sending order, their states brought up to date on each read. */
  get messages(): ReadonlyMap<string, FakeMessage> {
    return this.messageStore.all();
  }

  /** Sockets open now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** The most sockets open at once since the server started. */
  get peakConnections(): number {
    return this.peak;
  }

  /**
   * Makes the next `times` requests (any path) suffer `fault`. Calls queue up in order:
   * `fail(a, 2); fail(b)` gives a, a, b, then normal answers.
   */
  fail(fault: FakeFault, times = 1): void {
    this.faults.add(fault, times);
  }

  /** Drops every queued fault: the next requests are answered normally. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Pins a message's state (and flashcall code, if given); it no longer advances by itself. */
  setStatus(id: string, state: DeliveryState, code?: string): void {
    this.messageStore.pin(id, state, code);
  }

  /** The balance of the account with this `user` or `token`; without one, of the first account. */
  balanceOf(userOrToken?: string): number {
    return this.accounts.find(userOrToken).balance;
  }

  /** Sets the balance of the account with this `user` or `token`; without one, of the first account. */
  setBalance(balance: number, userOrToken?: string): void {
    this.accounts.find(userOrToken).balance = roundMoney(balance);
  }

  /** Forgets the recorded `requests`. */
  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Stops listening and destroys every open socket, mid-answer or idle. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Waiting for each socket's own 'close' lets `openConnections` read 0 once this resolves.
    const socketsClosed = [...this.sockets].map(
      (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([closed, ...socketsClosed]);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    this.peak = Math.max(this.peak, this.sockets.size);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const { path, params } = splitTarget(url);
    const query = Object.fromEntries(params);
    const request: FakeRequest = {
      operation: classify(path, query, params),
      method: req.method ?? 'GET',
      path,
      url,
      query,
      params,
      receivedAt: Date.now(),
    };
    this.requests.push(request);
    const fault = this.faults.take();
    if (fault) request.fault = fault.kind;
    req.resume();

    if (fault?.kind === 'drop') return drop(req);
    if (fault?.kind === 'oversized') return sendOversized(res, fault.bytes);
    if (fault && isReplacing(fault)) return send(res, answerForFault(fault));

    const answer = this.operations.perform(request, fault?.kind === 'plain-text');
    if (fault?.kind === 'delay') return later(res, fault.ms, () => send(res, answer));
    if (fault?.kind === 'trickle') return trickle(res, answer, fault.intervalMs);
    if (fault?.kind === 'truncate') return sendTruncated(res, answer);
    send(res, answer);
  }
}
