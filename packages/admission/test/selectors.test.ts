import { isEmptySelector, matchesSelector, satisfies } from '../src/model/selectors';

describe('label selectors', () => {
  test.each<[unknown, Record<string, string>, boolean]>([
    [{}, { a: 'b' }, true],
    [{ matchLabels: { a: 'b' } }, { a: 'b' }, true],
    [{ matchLabels: { a: 'b' } }, { a: 'c' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: ['b', 'c'] }] }, { a: 'c' }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['b'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, {}, false],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, {}, true],
  ])('%j matches %j: %s', (selector, labels, expected) => expect(matchesSelector(selector, labels)).toBe(expected));

  test('node selector operators Gt and Lt compare numbers', () => {
    expect(satisfies({ n: '8' }, { key: 'n', operator: 'Gt', values: ['5'] })).toBe(true);
    expect(satisfies({ n: '4' }, { key: 'n', operator: 'Lt', values: ['5'] })).toBe(true);
    expect(satisfies({}, { key: 'n', operator: 'Gt', values: ['5'] })).toBe(false);
  });

  test('only {} is the empty selector', () => {
    expect(isEmptySelector({})).toBe(true);
    expect(isEmptySelector(undefined)).toBe(false);
    expect(isEmptySelector({ matchLabels: { a: 'b' } })).toBe(false);
  });
});
