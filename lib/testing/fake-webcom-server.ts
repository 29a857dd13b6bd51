import { createHash, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkRegistration } from './fake/registration-rules.js';
import { checkSend, EMULATED_CHANNELS } from './fake/send-rules.js';
import {
  answerForFault,
  drop,
  htmlPage,
  isReplacing,
  later,
  send,
  sendOversized,
  sendTruncated,
  trickle,
  type Answer,
} from './fake/transmit.js';
import type {
  DeliveryState,
  FakeChannel,
  FakeFault,
  FakeMessage,
  FakeRequest,
  FakeWebcomServerOptions,
} from './fake/types.js';
import {
  escapeHtml,
  formatBalance,
  formatStatusTime,
  formatPrice,
  roundMoney,
  splitTarget,
} from './fake/wire.js';

export type {
  DeliveryState,
  FakeAccount,
  FakeChannel,
  FakeFault,
  FakeMessage,
  FakeRequest,
  FakeWebcomServerOptions,
} from './fake/types.js';

/** Price of one message to one recipient when `prices` does not say otherwise. */
export const DEFAULT_PRICES: Readonly<Record<FakeChannel, number>> = Object.fromEntries(
  Object.entries(EMULATED_CHANNELS).map(([channel, rule]) => [channel, rule.price]),
) as Record<FakeChannel, number>;

/** Balance of an account that does not name one, and of the permissive account. */
export const DEFAULT_BALANCE = 1000;

/**
 * How the last digits of a recipient decide a message's final state; any other number is
 * delivered (and, on Viber, Telegram and WhatsApp, read).
 */
export const FINAL_STATE_BY_ENDING: Readonly<Record<string, DeliveryState>> = {
  '000': 'not_deliver',
  '999': 'expired',
  '998': 'partly_deliver',
};

/** Only messengers report reading; SMS, voice and flashcall stop at `deliver`. */
const READ_RECEIPT_CHANNELS: ReadonlySet<FakeChannel> = new Set(
  (Object.keys(EMULATED_CHANNELS) as FakeChannel[]).filter((c) => EMULATED_CHANNELS[c].readReceipt),
);

const SEND_SCRIPT = '/sendsms.php';
const REGISTRATION_PAGE = '/ru/reg/registration.html';
const MESSAGE_ID_PARAMS = ['msgid', 'id_sms', 'smsid'];
const MD5_HEX = /^[0-9a-f]{32}$/;

interface AccountState {
  user?: string;
  password?: string;
  token?: string;
  balance: number;
  currency: string;
}

/** What an operation of the send script produced, before it is written as JSON or plain text. */
type ScriptOutcome = { json: object; text: string } | { error: string };

interface QueuedFault {
  fault: FakeFault;
  remaining: number;
}

/**
 * An emulator of the Webcom gateway (docs/protocol.md) on a real loopback socket.
 *
 * It is an independent oracle of the protocol: written from the protocol notes, it shares no
 * wire table, encoder or decoder with the library it tests (only the registry's channel type and
 * pure constants such as the registrant name pattern), so a mistake in the library's tables shows
 * up as a refusal here rather than being mirrored. Its per-channel rules live in
 * `fake/send-rules.ts`.
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

  private readonly store = new Map<string, FakeMessage>();
  private readonly pinned = new Set<string>();
  private readonly accounts: AccountState[];
  /** The account any unknown credentials fall into; only when no accounts were configured. */
  private readonly permissiveAccount: AccountState | undefined;
  private readonly prices: Record<FakeChannel, number>;
  private readonly deliverAfterMs: number;
  private readonly readAfterMs: number;
  private readonly individualCode: string;
  private readonly faults: QueuedFault[] = [];
  private readonly sockets = new Set<Socket>();
  private peak = 0;
  private nextMessageId = 112346;
  private stopped = false;

  private constructor(
    private readonly server: Server,
    baseUrl: string,
    options: FakeWebcomServerOptions,
  ) {
    this.baseUrl = baseUrl;
    this.prices = { ...DEFAULT_PRICES, ...options.prices };
    this.deliverAfterMs = options.deliverAfterMs ?? 1000;
    this.readAfterMs = options.readAfterMs ?? 3000;
    this.individualCode = options.individualCode ?? 'fl';
    if (options.accounts) {
      this.accounts = options.accounts.map((account) => ({
        user: account.user,
        password: account.password,
        token: account.token,
        balance: account.balance ?? DEFAULT_BALANCE,
        currency: account.currency ?? 'RUB',
      }));
    } else {
      this.permissiveAccount = { balance: DEFAULT_BALANCE, currency: 'RUB' };
      this.accounts = [this.permissiveAccount];
    }
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
    const now = Date.now();
    for (const message of this.store.values()) this.refresh(message, now);
    return this.store;
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
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`times must be a positive integer, got ${times}`);
    }
    this.faults.push({ fault, remaining: times });
  }

  /** Drops every queued fault: the next requests are answered normally. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Pins a message's state (and flashcall code, if given); it no longer advances by itself. */
  setStatus(id: string, state: DeliveryState, code?: string): void {
    const message = this.store.get(id);
    if (!message) throw new Error(`No message with id ${id}`);
    this.pinned.add(id);
    message.state = state;
    message.updatedAt = Date.now();
    if (code !== undefined) message.code = code;
  }

  /** The balance of the account with this `user` or `token`; without one, of the first account. */
  balanceOf(userOrToken?: string): number {
    return this.account(userOrToken).balance;
  }

  /** Sets the balance of the account with this `user` or `token`; without one, of the first account. */
  setBalance(balance: number, userOrToken?: string): void {
    this.account(userOrToken).balance = roundMoney(balance);
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

  private account(userOrToken: string | undefined): AccountState {
    const account =
      userOrToken === undefined
        ? this.accounts[0]
        : this.accounts.find((a) => a.user === userOrToken || a.token === userOrToken);
    if (!account) throw new Error(`No account with user or token ${userOrToken ?? '(first)'}`);
    return account;
  }

  private keyOf(account: AccountState): string {
    return account === this.permissiveAccount ? '*' : (account.user ?? account.token ?? '');
  }

  private takeFault(): FakeFault | undefined {
    const next = this.faults[0];
    if (!next) return undefined;
    next.remaining -= 1;
    if (next.remaining === 0) this.faults.shift();
    return next.fault;
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
    const fault = this.takeFault();
    if (fault) request.fault = fault.kind;
    req.resume();

    if (fault?.kind === 'drop') return drop(req);
    if (fault?.kind === 'oversized') return sendOversized(res, fault.bytes);
    if (fault && isReplacing(fault)) return send(res, answerForFault(fault));

    const answer = this.perform(request, fault?.kind === 'plain-text');
    if (fault?.kind === 'delay') return later(res, fault.ms, () => send(res, answer));
    if (fault?.kind === 'trickle') return trickle(res, answer, fault.intervalMs);
    if (fault?.kind === 'truncate') return sendTruncated(res, answer);
    send(res, answer);
  }

  private perform(request: FakeRequest, plainText: boolean): Answer {
    if (request.operation === 'unknown') {
      return { status: 404, body: htmlPage('404 Not Found', '<h1>Not Found</h1>') };
    }
    if (request.method !== 'GET') {
      return {
        status: 405,
        body: JSON.stringify({ error: 'method not allowed' }),
        headers: { Allow: 'GET' },
      };
    }
    if (request.operation === 'registration') return this.register(request.query);

    const outcome = this.runScript(request);
    if ('error' in outcome) {
      return { status: 200, body: plainText ? `error: ${outcome.error}` : JSON.stringify(outcome) };
    }
    return { status: 200, body: plainText ? outcome.text : JSON.stringify(outcome.json) };
  }

  private runScript(request: FakeRequest): ScriptOutcome {
    const account = this.authenticate(request.query);
    if (!account) return { error: 'authorization failed' };
    switch (request.operation) {
      case 'balance':
        return {
          json: { balance: formatBalance(account.balance) },
          text: `${formatBalance(account.balance)}\n${account.currency}`,
        };
      case 'status':
        return this.status(request, account);
      default:
        return this.send(request.query, account);
    }
  }

  /**
   * Every credential form the request carries must prove the same account. A credential naming
   * no known account falls into the permissive account, when there is one.
   */
  private authenticate(query: Record<string, string>): AccountState | undefined {
    const { user, pwd, token, token_hash: tokenHash } = query;
    const known = this.accounts.filter((account) => account !== this.permissiveAccount);
    const byUser = known.filter((account) => user && account.user === user);
    const proven: Array<AccountState | undefined> = [];
    if (user && pwd) {
      proven.push(this.prove(byUser, (account) => account.password === pwd));
    }
    if (user && tokenHash) {
      proven.push(
        MD5_HEX.test(tokenHash)
          ? this.prove(
              byUser,
              (account) => account.token !== undefined && md5(account.token) === tokenHash,
            )
          : undefined,
      );
    }
    if (token) {
      proven.push(
        this.prove(
          known.filter((account) => account.token === token),
          () => true,
        ),
      );
    }
    const [first] = proven;
    return proven.every((account) => account !== undefined && account === first)
      ? first
      : undefined;
  }

  private prove(
    claimed: AccountState[],
    proves: (account: AccountState) => boolean,
  ): AccountState | undefined {
    return claimed.length === 0 ? this.permissiveAccount : claimed.find(proves);
  }

  private send(query: Record<string, string>, account: AccountState): ScriptOutcome {
    const now = Date.now();
    const plan = checkSend(query, now);
    if ('error' in plan) return plan;
    const price = this.prices[plan.channel];
    const total = roundMoney(price * plan.recipients.length);
    if (total > account.balance) return { error: 'insufficient balance' };
    account.balance = roundMoney(account.balance - total);

    const ids = plan.recipients.map((to) => {
      const id = String(this.nextMessageId++);
      this.store.set(id, {
        id,
        channel: plan.channel,
        to,
        account: this.keyOf(account),
        price,
        state: 'send',
        updatedAt: now,
        code:
          plan.channel === 'flashcall' ? String(randomInt(0, 10_000)).padStart(4, '0') : undefined,
        sentAt: now,
        params: { ...query },
      });
      return id;
    });
    return {
      json: {
        information: ids.map((id) => ({ id_message: id, price: formatPrice(price) })),
        balance: formatBalance(account.balance),
      },
      text: [...ids, '0'].join(','),
    };
  }

  private status(request: FakeRequest, account: AccountState): ScriptOutcome {
    const ids = MESSAGE_ID_PARAMS.filter((name) => request.params.has(name)).map(
      (name) => request.query[name],
    );
    const [id] = ids;
    if (ids.some((other) => other !== id)) return { error: 'msgid, id_sms and smsid differ' };
    if (!id) return { error: 'message id is required' };
    const message = this.store.get(id);
    // Another account's message is as unknown as a made-up id.
    if (!message || message.account !== this.keyOf(account)) return { error: 'unknown message id' };
    this.refresh(message, Date.now());
    return {
      json: {
        state: message.state,
        time: message.state === 'send' ? '' : formatStatusTime(message.updatedAt),
        text_sms: message.code ?? '',
      },
      text: message.state,
    };
  }

  private refresh(message: FakeMessage, now: number): void {
    if (this.pinned.has(message.id)) return;
    const deliveredAt = message.sentAt + this.deliverAfterMs;
    const readAt = deliveredAt + this.readAfterMs;
    const ending = FINAL_STATE_BY_ENDING[message.to.slice(-3)];
    let state: DeliveryState = 'deliver';
    let at = deliveredAt;
    if (now < deliveredAt) [state, at] = ['send', message.sentAt];
    else if (ending) state = ending;
    else if (READ_RECEIPT_CHANNELS.has(message.channel) && now >= readAt)
      [state, at] = ['read', readAt];
    message.state = state;
    message.updatedAt = at;
  }

  private register(query: Record<string, string>): Answer {
    const problems = checkRegistration(query, this.individualCode);
    if (query.login && this.accounts.some((account) => account.user === query.login)) {
      problems.push('login: already taken');
    }
    if (problems.length > 0) {
      const items = problems.map((problem) => `<li>${escapeHtml(problem)}</li>`).join('');
      return {
        status: 400,
        body: htmlPage('Registration failed', `<ul class="errors">${items}</ul>`),
      };
    }
    this.accounts.push({
      user: query.login,
      password: query.password,
      balance: 0,
      currency: 'RUB',
    });
    return {
      status: 200,
      body: htmlPage('Registration', `<p>Registration complete: ${escapeHtml(query.login)}</p>`),
    };
  }
}

function classify(
  path: string,
  query: Record<string, string>,
  params: URLSearchParams,
): FakeRequest['operation'] {
  if (path === REGISTRATION_PAGE) return 'registration';
  if (path !== SEND_SCRIPT) return 'unknown';
  if (query.balance === '1') return 'balance';
  if (MESSAGE_ID_PARAMS.some((name) => params.has(name))) return 'status';
  return 'send';
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
