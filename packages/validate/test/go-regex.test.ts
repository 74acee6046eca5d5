import { goRegex } from '../src';

describe('goRegex', () => {
  it.each([
    // [Go pattern, matches, does not match]
    ['^[a-z]+$', 'abc', 'ABC'],
    ['^(?i)(abort|warn)?$', 'Warn', 'bogus'],
    ['(?i)^gpu-.*', 'GPU-node', 'cpu-node'],
    ['(?s)^a.b$', 'a\nb', 'a\n\nb'],
    ['^a\\z', 'a', 'a\n'],
    ['^(?P<name>[a-z]+)$', 'abc', '1'],
  ])('translates %s', (pattern, yes, no) => {
    // GIVEN a Go pattern WHEN compiled THEN it means the same in JavaScript
    const c = goRegex(pattern);
    if (!('regex' in c)) throw new Error(c.unchecked);
    expect(c.regex.test(yes)).toBe(true);
    expect(c.regex.test(no)).toBe(false);
  });

  it.each([
    ['a(?i)b', /whole pattern/],
    ['(?i:a)b', /whole pattern/],
    ['(?U)a+', /\(\?U\)/],
    ['\\Qa.b\\E', /RE2/],
    ['[[:alpha:]]+', /RE2/],
    ['\\pL+', /RE2/],
    ['a{2,1}', /not a JavaScript regular expression/],
  ])('leaves %s unchecked, saying why', (pattern, why) => {
    const c = goRegex(pattern);
    expect('unchecked' in c && c.unchecked).toMatch(why);
  });
});
