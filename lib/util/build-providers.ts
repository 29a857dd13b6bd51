import type {
  ExistingProvider,
  FactoryProvider,
  InjectionToken,
  OptionalFactoryDependency,
  ValueProvider,
} from '@nestjs/common';

/** A provider a script can build without Nest: a value, an alias, or a synchronous factory. */
export type PlainProvider = ValueProvider | ExistingProvider | FactoryProvider;

/**
 * Builds `wanted` from `providers` as Nest would, each provider once and after what it injects:
 * what lets `new WebcomService(options)` in a script take the very provider definitions that
 * `WebcomModule` registers. Factories must be synchronous.
 */
export function buildProvider<T>(providers: readonly PlainProvider[], wanted: InjectionToken): T {
  const definitions = new Map(providers.map((provider) => [provider.provide, provider]));
  const built = new Map<InjectionToken, unknown>();
  const build = (token: InjectionToken): unknown => {
    if (built.has(token)) return built.get(token);
    const provider = definitions.get(token);
    if (!provider) throw new Error(`no provider of ${String(token)}`);
    const value: unknown =
      'useValue' in provider
        ? provider.useValue
        : 'useExisting' in provider
          ? build(provider.useExisting as InjectionToken)
          : provider.useFactory(
              ...(provider.inject ?? []).map((dependency) => build(tokenOf(dependency))),
            );
    built.set(token, value);
    return value;
  };
  return build(wanted) as T;
}

function tokenOf(dependency: InjectionToken | OptionalFactoryDependency): InjectionToken {
  return typeof dependency === 'object' && dependency !== null && 'token' in dependency
    ? dependency.token
    : dependency;
}
