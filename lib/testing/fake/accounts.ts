import { createHash } from 'node:crypto';
import type { FakeAccount } from './types.js';

/** Balance of an account that does not name one, and of the permissive account. */
export const DEFAULT_BALANCE = 1000;

const MD5_HEX = /^[0-9a-f]{32}$/;

/** An account as the emulator keeps it. */
export interface AccountState {
  user?: string;
  password?: string;
  token?: string;
  balance: number;
  currency: string;
}

/**
 * The emulator's accounts and how a request proves one. Without configured accounts, any
 * well-formed credentials fall into one permissive account (registered accounts are still
 * checked strictly).
 */
export class FakeAccounts {
  private readonly accounts: AccountState[];
  /** The account any unknown credentials fall into; only when no accounts were configured. */
  private readonly permissive: AccountState | undefined;

  constructor(accounts: FakeAccount[] | undefined) {
    if (accounts) {
      this.accounts = accounts.map((account) => ({
        user: account.user,
        password: account.password,
        token: account.token,
        balance: account.balance ?? DEFAULT_BALANCE,
        currency: account.currency ?? 'RUB',
      }));
    } else {
      this.permissive = { balance: DEFAULT_BALANCE, currency: 'RUB' };
      this.accounts = [this.permissive];
    }
  }

  /** The account with this `user` or `token`; without one, the first account. */
  find(userOrToken: string | undefined): AccountState {
    const account =
      userOrToken === undefined
        ? this.accounts[0]
        : this.accounts.find((a) => a.user === userOrToken || a.token === userOrToken);
    if (!account) throw new Error(`No account with user or token ${userOrToken ?? '(first)'}`);
    return account;
  }

  /** What a message records as its account: `user`, else `token`; `*` for the permissive one. */
  keyOf(account: AccountState): string {
    return account === this.permissive ? '*' : (account.user ?? account.token ?? '');
  }

  hasUser(user: string): boolean {
    return this.accounts.some((account) => account.user === user);
  }

  /** A registered account: balance 0 in RUB. */
  register(user: string, password: string): void {
    this.accounts.push({ user, password, balance: 0, currency: 'RUB' });
  }

  /**
   * Every credential form the request carries must prove the same account. A credential naming
   * no known account falls into the permissive account, when there is one.
   */
  authenticate(query: Record<string, string>): AccountState | undefined {
    const { user, pwd, token, token_hash: tokenHash } = query;
    const known = this.accounts.filter((account) => account !== this.permissive);
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
    return claimed.length === 0 ? this.permissive : claimed.find(proves);
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
