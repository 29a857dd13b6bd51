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
 * `WebcomModule` registers. Factories must be synchronous; an optional dependency with no
 * provider here (Nest's own `ModuleRef`, say) is undefined, as Nest makes it.
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
          : provider.useFactory(...(provider.inject ?? []).map(dependency));
    built.set(token, value);
    return value;
  };
  const dependency = (dep: InjectionToken | OptionalFactoryDependency): unknown => {
    if (typeof dep !== 'object' || dep === null || !('token' in dep)) return build(dep);
    return dep.optional && !definitions.has(dep.token) ? undefined : build(dep.token);
  };
  return build(wanted) as T;
}
