import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { getWebcomProviderToken } from '../get-webcom-provider-token.util.js';
import type { ResolvedWebcomOptions } from '../webcom-options.js';
import type { Balance } from '../protocol/results.js';
import { getWebcomToken } from '../get-webcom-token.util.js';
import type { WebcomService } from '../webcom.service.js';
import { describeAccount, registeredAccounts } from '../util/registered-accounts.js';
import { withTimeout } from '../util/with-timeout.js';

/** What `WebcomHealthIndicator.isHealthy` checks against. */
export interface WebcomHealthOptions {
  /** Below this balance the indicator is `down`. */
  minBalance?: number;
  /** Below this balance (and not below `minBalance`) the indicator is `degraded`. */
  warnBalance?: number;
  /** The account registered with this `name`; by default the unnamed one. */
  account?: string;
  /**
   * Longest wait for the balance, in ms, before the indicator reports `down`. By default the
   * module's own `timeoutMs` and `retries` bound the wait.
   */
  timeoutMs?: number;
}

type BalanceReader = Pick<WebcomService, 'getBalance'>;

/** No service for the account asked about; the check's details list the ones there are. */
class UnknownAccount extends Error {
  constructor(
    account: string | undefined,
    readonly accounts: string[],
  ) {
    super(`no WebcomService is registered for ${describeAccount(account)}`);
    // Reported as `error: 'Error'`, as before the accounts were listed.
    this.name = 'Error';
  }
}

class HealthCheckTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no balance within ${timeoutMs} ms`);
    this.name = 'HealthCheckTimeout';
  }
}

/**
 * The Webcom account as a `@nestjs/terminus` health indicator: provide it next to
 * `TerminusModule` and call `isHealthy()` inside `HealthCheckService.check([...])`.
 *
 * It reads the balance on every check and never throws: a failed read is `down` with the
 * error's name and message (errors of this library carry no secret).
 */
@Injectable()
export class WebcomHealthIndicator {
  constructor(
    private readonly healthIndicatorService: HealthIndicatorService,
    // Looked up at check time and across modules, so the health module needs no import of
    // WebcomModule, and a named account is one option away.
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * Reads the account's balance: `up` with `balance` (and `currency`) in the details, `degraded`
   * below `warnBalance`, `down` below `minBalance` or when the balance cannot be read in time.
   */
  async isHealthy<const Key extends string = 'webcom'>(
    key: Key = 'webcom' as Key,
    options: WebcomHealthOptions = {},
  ): Promise<HealthIndicatorResult<Key>> {
    const indicator = this.healthIndicatorService.check(key);
    const { minBalance, warnBalance, account, timeoutMs } = options;
    const invalid = invalidOption(options);
    if (invalid) return indicator.down({ message: invalid });

    let balance: Balance;
    try {
      balance = await (timeoutMs === undefined
        ? this.service(account).getBalance()
        : withTimeout(
            this.service(account).getBalance(),
            timeoutMs,
            () => new HealthCheckTimeout(timeoutMs),
          ));
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      return indicator.down({
        message: `balance unavailable: ${message}`,
        error: name,
        ...(error instanceof UnknownAccount ? { accounts: error.accounts } : {}),
      });
    }

    const details = {
      // A sandbox answers its own balance: the check must not read as production's.
      ...(this.isSandbox(account) ? { sandbox: true } : {}),
      balance: balance.balance,
      ...(balance.currency === undefined ? {} : { currency: balance.currency }),
      ...(minBalance === undefined ? {} : { minBalance }),
      ...(warnBalance === undefined ? {} : { warnBalance }),
    };
    if (minBalance !== undefined && balance.balance < minBalance) {
      return indicator.down({ ...details, message: 'balance is below minBalance' });
    }
    if (warnBalance !== undefined && balance.balance < warnBalance) {
      const message = 'balance is below warnBalance';
      // @nestjs/terminus 11 has no `degraded`: there the check stays up and says so.
      return typeof (indicator as { degraded?: unknown }).degraded === 'function'
        ? indicator.degraded({ ...details, message })
        : indicator.up({ ...details, degraded: true, message });
    }
    return indicator.up(details);
  }

  private isSandbox(account: string | undefined): boolean {
    const token = getWebcomProviderToken('options', account);
    try {
      return this.moduleRef.get<ResolvedWebcomOptions>(token, { strict: false }).sandbox === true;
    } catch {
      return false; // a service provided by hand, without the module's options
    }
  }

  private service(account: string | undefined): BalanceReader {
    try {
      return this.moduleRef.get<BalanceReader>(getWebcomToken(account), { strict: false });
    } catch {
      throw new UnknownAccount(account, registeredAccounts(this.moduleRef));
    }
  }
}

function invalidOption(options: WebcomHealthOptions): string | undefined {
  for (const field of ['minBalance', 'warnBalance'] as const) {
    const value = options[field];
    if (value !== undefined && !Number.isFinite(value)) return `${field} must be a finite number`;
  }
  const { timeoutMs } = options;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    return 'timeoutMs must be a positive whole number';
  }
  return undefined;
}
