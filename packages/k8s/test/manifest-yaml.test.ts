import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { literalBlock, manifestYaml } from '../src/output/manifest-yaml';

const stringify = (v: unknown) => YAML.stringify(v, { lineWidth: 0 });

// Texts that YAML readers treat specially: indicators, reserved words, numbers in every notation,
// quotes, comments, colons, whitespace at the ends, line breaks, non-ASCII.
const tricky = fc.constantFrom(
  '',
  ' ',
  'a b',
  ' lead',
  'trail ',
  'a: b',
  'a:b',
  'a #b',
  '#a',
  '- a',
  '-a',
  '?',
  ':',
  '*',
  '&a',
  '!a',
  '%a',
  '@a',
  '`a',
  '|',
  '>',
  '[a]',
  '{a}',
  ',',
  "it's",
  '"q"',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'N',
  'null',
  'Null',
  '~',
  'true',
  'False',
  '.inf',
  '-.Inf',
  '.nan',
  '0x1F',
  '0o17',
  '017',
  '1_000',
  '1e3',
  '1.0',
  '-1',
  '+1',
  '.5',
  '2024-01-01',
  '12:30',
  'a\nb',
  'a\n',
  '\n',
  'a\r\nb',
  'tab\there',
  'é',
  '日本',
  '\u2028',
  'nvcr.io/nvidia/driver:580.95',
  '50%',
  'a=b',
  'x,y',
  'ENV_VAR',
  'sum by (pool) (rate(x[5m])) > 0',
  '{"a":1}',
  '<<',
  '=',
  '---',
  '...',
  'a\n\nb',
  '  indented\nx',
  'x\n  y',
  'a\n\n',
  'a \nb',
  '\tq\nz',
  'a\n ',
  '# c\nd',
  '- x\ny',
  'k: v\n- w',
  '\n\n',
  ' \n',
  'a\rb',
  'é\n日本',
  '{\n  "panels": [\n    1\n  ]\n}',
);
const text = fc.oneof(
  tricky,
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_./:-]{0,12}$/),
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(-0, 1e21, 2 ** 53));
const tree = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(text, tie('value'), { maxKeys: 5 }),
}));

describe('manifestYaml', () => {
  it('writes what yaml writes, for any JSON data and the texts YAML treats specially', () => {
    // GIVEN objects of any shape, keys and scalars included WHEN written THEN byte for byte yaml's text
    fc.assert(
      fc.property(fc.oneof(tree.map, tree.value), (value) => {
        expect(manifestYaml(value)).toBe(stringify(value));
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['nested lists', { a: [[1, [2, []]], [{ b: [{}] }]] }],
    ['a list of maps of lists', { spec: { containers: [{ args: ['--x', '-y'], env: [{ name: 'A', value: '1' }] }] } }],
    ['a multi-line string (a block scalar, at any depth)', { data: { 'rules.yaml': 'groups:\n  - name: a\n' } }],
    ['multi-line strings in lists of maps', { a: { b: [{ k: 'x\n\ny\n' }, '  z\nw', '\n', 'q\r\nr'] } }],
    ['keys that need quotes', { '1': 'a', 'a: b': 1, '': 2, 'x #y': [] }],
    ['numbers yaml writes its own way', { a: -0, b: 1e21, c: 0.1, d: Number.MAX_SAFE_INTEGER + 2 }],
    ['an empty top level', {}],
  ])('writes %s as yaml does', (_what, value) => {
    // GIVEN a shape the review tree has WHEN written THEN byte for byte yaml's text
    expect(manifestYaml(value)).toBe(stringify(value));
  });
});

describe('literalBlock', () => {
  // Multi-line texts line by line: code, JSON, PromQL, YAML, and lines YAML treats specially.
  const line = fc.oneof(
    tricky.filter((t) => !t.includes('\n')),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.constantFrom('', '  "a": 1,', '{', '}', '---', '...', '- x', '# c', '  - name: a', 'sum(x) or', '\tx', 'x ', ' '),
  );
  const lines = fc
    .array(line, { minLength: 1, maxLength: 6 })
    .chain((ls) => fc.constantFrom('', '\n', '\n\n', ' ', '\r\n').map((end) => ({ text: ls.join('\n') + end })));

  it('writes a multi-line text as yaml does whenever it answers, and answers for plain lines', () => {
    let answered = 0;
    fc.assert(
      fc.property(lines, ({ text }) => {
        // GIVEN any multi-line text WHEN written as a value, at the top and in a list THEN as yaml writes it
        fc.pre(text.includes('\n'));
        for (const doc of [{ k: text }, { a: { b: [text, { c: text }] } }]) expect(manifestYaml(doc)).toBe(stringify(doc));
        if (literalBlock(text)) answered++;
      }),
      { numRuns: 2000 },
    );
    expect(answered).toBeGreaterThan(100);
  });

  it.each([
    ['pretty-printed JSON', '{\n  "panels": [\n    1\n  ]\n}', ' |-'],
    ['a script with a final line break', '#!/bin/sh\necho hi\n', ' |'],
    ['empty lines inside', 'a\n\n\nb', ' |-'],
  ])('answers for %s', (_what, text, head) => {
    expect(literalBlock(text)?.head).toBe(head);
    expect(manifestYaml({ k: text })).toBe(stringify({ k: text }));
  });

  it.each([
    ['a space first', ' a\nb'],
    ['a line break first', '\na'],
    ['a space at the end of a line', 'a \nb'],
    ['two final line breaks', 'a\n\n'],
    ['a tab', 'a\tb\nc'],
    ['a carriage return', 'a\r\nb'],
    ['a control character', 'a\u0007\nb'],
  ])('leaves %s to yaml', (_what, text) => {
    expect(literalBlock(text)).toBeUndefined();
    expect(manifestYaml({ k: text })).toBe(stringify({ k: text }));
  });
});
