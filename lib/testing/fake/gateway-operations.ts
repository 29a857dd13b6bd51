import type { TypeSend } from '../../protocol/channels.js';
import type { AccountState, FakeAccounts } from './accounts.js';
import type { FakeMessageStore } from './message-store.js';
import { checkRegistration } from './registration-rules.js';
import { checkSend } from './send-rules.js';
import { htmlPage, type Answer } from './transmit.js';
import type { FakeRequest } from './types.js';
import { escapeHtml, formatBalance, formatPrice, formatStatusTime, roundMoney } from './wire.js';

const SEND_SCRIPT = '/sendsms.php';
const REGISTRATION_PAGE = '/ru/reg/registration.html';
const MESSAGE_ID_PARAMS = ['msgid', 'id_sms', 'smsid'];

/** What an operation of the send script produced, before it is written as JSON or plain text. */
type ScriptOutcome = { json: object; text: string } | { error: string };

/**
 * What the emulated gateway does with a request that reached it (no fault replaced it): the
 * send script's send, status and balance, and the registration page (docs/protocol.md §1–§4).
 */
export class FakeGatewayOperations {
  constructor(
    private readonly accounts: FakeAccounts,
    private readonly messageStore: FakeMessageStore,
    private readonly prices: Record<TypeSend, number>,
    private readonly individualCode: string,
  ) {}

  /** The answer to `request`, as the gateway would give it; `plainText` for that fault. */
  perform(request: FakeRequest, plainText: boolean): Answer {
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
    const account = this.accounts.authenticate(request.query);
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

  private send(query: Record<string, string>, account: AccountState): ScriptOutcome {
    const now = Date.now();
    const plan = checkSend(query, now);
    if ('error' in plan) return plan;
    const price = this.prices[plan.channel];
    const total = roundMoney(price * plan.recipients.length);
    if (total > account.balance) return { error: 'insufficient balance' };
    account.balance = roundMoney(account.balance - total);

    const ids = plan.recipients.map((to) =>
      this.messageStore.add({
        channel: plan.channel,
        to,
        account: this.accounts.keyOf(account),
        price,
        sentAt: now,
        params: { ...query },
      }),
    );
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
    const message = this.messageStore.read(id);
    // Another account's message is as unknown as a made-up id.
    if (!message || message.account !== this.accounts.keyOf(account)) {
      return { error: 'unknown message id' };
    }
    return {
      json: {
        state: message.state,
        time: message.state === 'send' ? '' : formatStatusTime(message.updatedAt),
        text_sms: message.code ?? '',
      },
      text: message.state,
    };
  }

  private register(query: Record<string, string>): Answer {
    const problems = checkRegistration(query, this.individualCode);
    if (query.login && this.accounts.hasUser(query.login)) {
      problems.push('login: already taken');
    }
    if (problems.length > 0) {
      const items = problems.map((problem) => `<li>${escapeHtml(problem)}</li>`).join('');
      return {
        status: 400,
        body: htmlPage('Registration failed', `<ul class="errors">${items}</ul>`),
      };
    }
    this.accounts.register(query.login, query.password);
    return {
      status: 200,
      body: htmlPage('Registration', `<p>Registration complete: ${escapeHtml(query.login)}</p>`),
    };
  }
}

/** What a request asks for, by its path and parameters. */
export function classify(
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
