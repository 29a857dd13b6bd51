import type { ModuleRef } from '@nestjs/core';
import { ModulesContainer } from '@nestjs/core';
import { getWebcomToken } from '../get-webcom-token.util.js';

/**
 * How the unnamed account appears in a list of accounts, in parentheses so that no account name
 * reads the same (telemetry's `webcom.account` says `default`: a metric label, not a list).
 */
const UNNAMED_ACCOUNT_IN_LIST = '(default)';

/** The account as a message names it: `the default account` or `the account "billing"`. */
export function describeAccount(account: string | undefined): string {
  return account === undefined ? 'the default account' : `the account "${account}"`;
}

/**
 * The accounts of the application, by name, the unnamed one first as `(default)`: every
 * `WebcomService` registered in any module. Empty when none is, or when they cannot be listed;
 * the list is a courtesy to whoever reads an error, never a reason for one.
 */
export function registeredAccounts(moduleRef: ModuleRef): string[] {
  const accounts = new Set<string>();
  try {
    const modules = moduleRef.get(ModulesContainer, { strict: false });
    for (const module of modules.values()) {
      for (const token of module.providers.keys()) {
        const account = accountOf(token);
        if (account !== undefined) accounts.add(account);
      }
    }
  } catch {
    // No container to read (a hand-made ModuleRef): list nothing.
  }
  const named = [...accounts].filter((name) => name !== UNNAMED_ACCOUNT_IN_LIST).sort();
  return accounts.has(UNNAMED_ACCOUNT_IN_LIST) ? [UNNAMED_ACCOUNT_IN_LIST, ...named] : named;
}

/**
 * The account a provider token stands for, by `getWebcomToken`'s own answer rather than a copy
 * of its format: the token of a named account ends with the name.
 */
function accountOf(token: unknown): string | undefined {
  if (token === getWebcomToken()) return UNNAMED_ACCOUNT_IN_LIST;
  if (typeof token !== 'string') return undefined;
  for (let start = 1; start < token.length; start += 1) {
    const name = token.slice(start);
    if (getWebcomToken(name) === token) return name;
  }
  return undefined;
}
