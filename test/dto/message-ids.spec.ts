import { assertMessageId, toMessageIds } from '../../lib/dto/message-ids.js';
import { validationRefusal } from '../support/thrown.js';

describe('assertMessageId: any id a send returned can be read back', () => {
  it.each(['112346', '12345678901234567890123', 'a,b', 'x&pwd=y', 'id#1', 'ид-7', 'a b'])(
    'accepts %j',
    (id) => {
      expect(() => assertMessageId(id)).not.toThrow();
    },
  );

  it.each([
    ['an empty string', ''],
    ['blanks', '  '],
    ['a lone surrogate', 'id\uD800'],
    ['a number', 42],
    ['null', null],
    ['a very long string', 'x'.repeat(257)],
  ])('refuses %s with a WebcomValidationError on `id`', (_, id) => {
    expect(validationRefusal(() => assertMessageId(id)).errors).toEqual([
      { field: 'id', messages: [expect.stringMatching(/message id/)] },
    ]);
  });
});

describe('toMessageIds: one id or an array of ids', () => {
  it('takes one id as one id, not as its characters', () => {
    expect(toMessageIds('12345')).toEqual(['12345']);
  });

  it('takes an array of ids, in order', () => {
    expect(toMessageIds(['1', 'a,b', '1'])).toEqual(['1', 'a,b', '1']);
  });

  it('takes an empty array', () => {
    expect(toMessageIds([])).toEqual([]);
  });

  it.each([
    ['null', null, 'ids'],
    ['undefined', undefined, 'ids'],
    ['a number', 12345, 'ids'],
    ['an object', { id: '1' }, 'ids'],
    ['a Set', new Set(['1']), 'ids'],
    ['an empty string', '', 'ids'],
    ['an array with a number', ['1', 2], 'ids[1]'],
    ['an array with null', [null], 'ids[0]'],
  ])('refuses %s, naming %s', (_, ids, field) => {
    expect(validationRefusal(() => toMessageIds(ids)).errors.map((e) => e.field)).toEqual([field]);
  });
});
