import { Field, referenceRows, referenceTable, S, Schema, schemaTypeName } from '../src';

const f = (schema: Schema, doc: string, more: Partial<Field> = {}): Field => ({ schema, doc, ...more });

describe('schemaTypeName', () => {
  it.each<[Schema, string]>([
    [S.integer, 'integer'],
    [S.stringOrNumber, 'string (or an unquoted number)'],
    [S.enum(['spot', 'on-demand']), "'spot' | 'on-demand'"],
    [S.list(S.string), 'list of string'],
    [S.record(S.integer), 'map of integer'],
    [S.list(S.object('GPU pool', {})), 'list of GPU pool'],
    [S.falseOr(S.object('Grafana', {})), 'false or Grafana'],
    [S.booleanOr(S.object('monitoring', {})), 'true, false or monitoring'],
    [S.either('alert receiver', [S.object('Slack receiver', {})]), 'alert receiver'],
  ])('%j reads as %s', (schema, name) => {
    // GIVEN a schema node WHEN it is named for the reference THEN the name says its shape
    expect(schemaTypeName(schema)).toBe(name);
  });
});

describe('referenceRows', () => {
  it.each<[string, Readonly<Record<string, Field>>, readonly string[]]>([
    ['an object: the parent, then its keys', { a: f(S.object('A', { b: f(S.string, 'b') })) }, ['a', 'a.b']],
    [
      'a list of objects: keys under []',
      { pools: f(S.list(S.object('pool', { name: f(S.string, 'n') }))) },
      ['pools', 'pools[].name'],
    ],
    ['a map of objects: keys under <key>', { m: f(S.record(S.object('v', { x: f(S.integer, 'x') }))) }, ['m', 'm.<key>.x']],
    ['false or an object: its keys', { g: f(S.falseOr(S.object('G', { s: f(S.string, 's') }))) }, ['g', 'g.s']],
    ['a map of plain values: no keys below', { labels: f(S.record(S.string), 'labels') }, ['labels']],
  ])('%s', (_, fields, keys) => {
    // GIVEN fields WHEN listed THEN every key at every depth comes, parents first
    expect(referenceRows(fields).map((r) => r.key)).toEqual(keys);
  });

  it('lists the discriminator of variants and says which variant each key belongs to', () => {
    // GIVEN a field with variants, two of them sharing a key name with different meanings
    const sharing: Schema = {
      type: 'variants',
      name: 'GPU sharing',
      discriminator: 'mode',
      variants: {
        none: { fields: {} },
        'time-slicing': { fields: { replicas: f(S.integer, 'pods per GPU', { required: true }) } },
        mps: { fields: { replicas: f(S.integer, 'MPS clients per GPU', { required: true }) } },
      },
    };
    // WHEN listed
    const rows = referenceRows({ sharing: f(sharing, 'GPU sharing', { default: 'none' }) });
    // THEN the discriminator is required with its values, and each variant's key has its own row
    expect(rows.map((r) => [r.key, r.type, r.required, r.doc])).toEqual([
      ['sharing', 'GPU sharing', false, 'GPU sharing'],
      ['sharing.mode', "'none' | 'time-slicing' | 'mps'", true, 'which GPU sharing (the keys below it depend on it)'],
      ['sharing.replicas', 'integer', true, '(mode: time-slicing) pods per GPU'],
      ['sharing.replicas', 'integer', true, '(mode: mps) MPS clients per GPU'],
    ]);
  });

  it('lists keys every option of an either has once, and the others with their option', () => {
    // GIVEN receivers that are Slack or PagerDuty, both with a name
    const receiver = S.either('receiver', [
      S.object('Slack receiver', { name: f(S.string, 'receiver name', { required: true }), slack: f(S.string, 'Slack') }),
      S.object('PagerDuty receiver', { name: f(S.string, 'receiver name', { required: true }), pagerDuty: f(S.string, 'PD') }),
    ]);
    // WHEN listed
    const rows = referenceRows({ receivers: f(S.list(receiver), 'receivers') });
    // THEN name comes once with no condition, the rest name their option
    expect(rows.map((r) => [r.key, r.doc])).toEqual([
      ['receivers', 'receivers'],
      ['receivers[].name', 'receiver name'],
      ['receivers[].slack', '(Slack receiver) Slack'],
      ['receivers[].pagerDuty', '(PagerDuty receiver) PD'],
    ]);
  });

  it('prefixes every key when given a prefix, and keeps default and example', () => {
    // GIVEN a field with a default and an example WHEN listed under a prefix
    const [row] = referenceRows({ maxNodes: f(S.integer, 'maximum nodes', { default: '2', example: '10' }) }, 'pool');
    // THEN the row has the full path and both
    expect(row).toEqual({
      key: 'pool.maxNodes',
      type: 'integer',
      required: false,
      default: '2',
      example: '10',
      doc: 'maximum nodes',
    });
  });
});

describe('referenceTable', () => {
  it('escapes pipes in every cell and angle brackets outside code, and marks required keys', () => {
    // GIVEN an enum (pipes in its type), a default with <placeholders> and a required key
    const table = referenceTable(
      referenceRows({
        natGateways: f(S.enum(['single', 'one-per-az']), 'NAT gateways', { default: '<region>a' }),
        name: f(S.string, 'name', { required: true, example: 'a|b' }),
      }),
    );
    // THEN the table has one row per key that a Markdown renderer reads as five cells
    expect(table.split('\n')).toEqual([
      '| Key | Type | Default | Example | Description |',
      '| --- | --- | --- | --- | --- |',
      "| `natGateways` | 'single' \\| 'one-per-az' | &lt;region&gt;a |  | NAT gateways |",
      '| `name` | string | **required** | `a\\|b` | name |',
      '',
    ]);
  });
});
