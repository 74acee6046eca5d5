import { toCel, validateObjects } from '../src';
import { nodeClass, widget, widgetCrd, Obj } from './fixtures';

const spec = {
  type: 'object' as const,
  properties: {
    min: { type: 'integer' as const, default: 1 },
    max: { type: 'integer' as const },
    url: { type: 'string' as const },
    name: { type: 'string' as const },
  },
};

function run(rules: Parameters<typeof widgetCrd>[1], value: unknown) {
  return validateObjects([{ object: widgetCrd(spec, rules) }, { object: widget(value) }]);
}

describe('CEL rules', () => {
  it.each([
    ['the message', { rule: 'self.min <= self.max', message: 'min must not exceed max' }, 'spec: min must not exceed max'],
    ['the rule when there is no message', { rule: 'self.min <= self.max' }, 'spec: failed rule: self.min <= self.max'],
    [
      'the messageExpression, at the fieldPath, with the reason',
      {
        rule: 'self.min <= self.max',
        messageExpression: "'max is ' + string(self.max)",
        fieldPath: '.max',
        reason: 'FieldValueInvalid',
      },
      'spec.max: max is 3 (FieldValueInvalid)',
    ],
  ])('throws when a rule is false, saying %s', (_what, rule, expected) => {
    // GIVEN a rule the object breaks WHEN validated THEN the problem says what the API server would
    const report = run([rule], { min: 5, max: 3 });
    expect(report.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([expected]);
    expect(report.cel.failed).toBe(1);
  });

  test('throws when a rule fails at run time as it would on the server (no such key)', () => {
    const report = run([{ rule: 'self.max > 0' }], { min: 1 });
    expect(report.problems.map((p) => p.message)).toEqual([expect.stringMatching(/could not be evaluated: No such key: max/)]);
  });

  test('applies schema defaults before the rules', () => {
    // GIVEN min absent but defaulted to 1 THEN a rule on min sees 1
    expect(run([{ rule: 'self.min == 1' }], { max: 3 }).problems).toEqual([]);
    expect(run([{ rule: 'self.min == 2' }], { max: 3 }).problems).toHaveLength(1);
  });

  it.each([
    ['a transition rule', { rule: 'self.max >= oldSelf.max' }, 'updateOnly'],
    ['a function outside the library', { rule: "url(self.url).getHost() == 'x'" }, 'unchecked'],
    ['a Go-only regex', { rule: "self.name.matches('(?i)^w')" }, 'unchecked'],
  ])('does not evaluate %s, and counts it', (_what, rule, counter) => {
    const report = run([rule], { min: 1, max: 2, url: 'https://x', name: 'w' });
    expect(report.problems).toEqual([]);
    expect(report.cel.evaluated).toBe(0);
    if (counter === 'updateOnly') expect(report.cel.updateOnly).toBe(1);
    else expect([...report.cel.unchecked.keys()]).toEqual([rule.rule]);
  });

  test('runs optionalOldSelf rules on create with no old object', () => {
    const report = run([{ rule: '!oldSelf.hasValue() || self.max >= oldSelf.value().max', optionalOldSelf: true }], { max: 2 });
    expect(report.problems).toEqual([]);
    expect(report.cel.evaluated).toBe(1);
  });

  it.each([
    ['a valid node class', (o: Obj) => o, []],
    [
      'an unknown AMI family (find() in the rule)',
      (o: Obj) => ({ ...o, spec: { ...o.spec, amiSelectorTerms: [{ alias: 'ubuntu@latest' }] } }),
      [expect.stringMatching(/family is not supported/)],
    ],
    [
      'both role and instanceProfile',
      (o: Obj) => ({ ...o, spec: { ...o.spec, instanceProfile: 'p' } }),
      [expect.stringMatching(/must specify exactly one of \['role', 'instanceProfile'\]/)],
    ],
  ])('Karpenter EC2NodeClass upstream rules: %s', (_what, edit, expected) => {
    const report = validateObjects([{ object: edit(nodeClass()) }]);
    expect(report.problems.map((p) => p.message)).toEqual(expected);
    expect(report.cel.evaluated).toBeGreaterThan(10);
  });

  test('integers become CEL ints by schema, doubles stay doubles', () => {
    expect(
      toCel(
        { a: 1, b: 1.5, c: [2] },
        {
          type: 'object',
          properties: { a: { type: 'integer' }, b: { type: 'number' }, c: { type: 'array', items: { type: 'integer' } } },
        },
      ),
    ).toEqual({ a: 1n, b: 1.5, c: [2n] });
  });
});
