import { buildProvider } from '../../lib/util/build-providers.js';

describe('buildProvider, the account wiring outside Nest', () => {
  it('builds each provider once, after what it injects, through aliases and values', () => {
    const made: string[] = [];
    const thing = buildProvider<{ left: object; right: object; limit: number }>(
      [
        { provide: 'limit', useValue: 3 },
        {
          provide: 'shared',
          useFactory: () => {
            made.push('shared');
            return {};
          },
        },
        { provide: 'alias', useExisting: 'shared' },
        {
          provide: 'thing',
          useFactory: (left: object, right: object, limit: number) => ({ left, right, limit }),
          inject: ['shared', 'alias', 'limit'],
        },
      ],
      'thing',
    );
    expect(made).toEqual(['shared']);
    expect(thing.left).toBe(thing.right);
    expect(thing.limit).toBe(3);
  });

  it('hands undefined for an optional dependency it has no provider of, and refuses a missing one', () => {
    const optional = buildProvider<unknown[]>(
      [
        {
          provide: 'thing',
          useFactory: (...args: unknown[]) => args,
          inject: [{ token: 'nest-only', optional: true }],
        },
      ],
      'thing',
    );
    expect(optional).toEqual([undefined]);
    expect(() =>
      buildProvider(
        [{ provide: 'thing', useFactory: (x: unknown) => x, inject: ['nest-only'] }],
        'thing',
      ),
    ).toThrow('no provider of nest-only');
  });
});
