import type { ModuleRef } from '@nestjs/core';
import { ModulesContainer } from '@nestjs/core';
import { WebcomValidationError } from '../errors/webcom-errors.js';
import { getWebcomToken } from '../get-webcom-token.util.js';

/** How a refusal names the account: its name as given, quoted, whatever it is. */
function shownName(name: unknown): string {
  if (typeof name === 'string') return `'${name}'`;
  const shown = typeof name === 'object' && name !== null ? 'an object' : String(name);
  return `${shown} (${typeof name})`;
}

function refuse(name: unknown, message: string): never {
  throw new WebcomValidationError(
    [{ field: 'name', messages: [message] }],
    `Webcom module options (account ${shownName(name)})`,
  );
}

/**
 * Stops the boot on an account name that cannot stand for an account of its own: `''` would
 * share the default account's tokens (every call would go out with its credentials), and a
 * name that is no string would not be the one `@InjectWebcom(name)` asks for.
 */
export function checkAccountName(name: unknown): void {
  if (name === undefined) return;
  if (typeof name !== 'string') refuse(name, 'must be a non-empty string');
  if (name === '') {
    refuse(name, "must be a non-empty string: '' would be the default account");
  }
}

/**
 * Stops the boot when a named account is registered by more than one module: Nest would give
 * every `@InjectWebcom(name)` one of them and silently drop the other's options.
 */
export function checkAccountRegisteredOnce(
  name: string | undefined,
  moduleRef: ModuleRef | undefined,
): void {
  if (name === undefined || moduleRef === undefined) return;
  const token = getWebcomToken(name);
  let registrations = 0;
  for (const module of moduleRef.get(ModulesContainer, { strict: false }).values()) {
    if (module.providers.has(token)) registrations += 1;
  }
  if (registrations > 1) {
    refuse(
      name,
      `is registered ${registrations} times: give each account its own name, or register it ` +
        'once (isGlobal shares it with every module)',
    );
  }
}
