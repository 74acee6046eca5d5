import { CHARTS } from '@aiready/core';
import { pinnedChartValues } from '@aiready/k8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readChartArchive } from '../src/chart-archive';
import { deriveChartValuesIndex, pruneSchema } from '../src/chart-values-index';
import { chartArchiveName } from '../src/chart-cache';
import { generateChartValues } from '../src/gen-chart-values';
import { packChart, SHARED } from './fixtures';

function derive(archive: string) {
  const data = fs.readFileSync(archive);
  return deriveChartValuesIndex(readChartArchive(data), path.basename(archive), data);
}

describe('deriveChartValuesIndex', () => {
  // GIVEN a chart whose defaults, templates and subchart each say something about its keys
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-index-'));
  const archive = packChart(out, {
    name: 'demo',
    version: '2.0.0',
    values: {
      replicas: 1,
      args: [],
      extraArgs: { v: 2 },
      podAnnotations: { a: 'b' },
      resources: { limits: { cpu: 1 } },
      config: {},
      affinityOverride: null,
      controller: { image: { tag: 'v1' }, settings: { logLevel: 'info' } },
      monitor: { enabled: true },
      sub: { port: 8080 },
    },
    templates: {
      'deploy.yaml': [
        '{{- range $k, $v := .Values.extraArgs }}- --{{ $k }}={{ $v }}{{ end }}',
        'settings: {{ toYaml .Values.controller.settings | nindent 2 }}',
        'debug: {{ .Values.debug.level | default 0 }}',
        'priority: {{ index .Values "priority" "className" }}',
      ].join('\n'),
    },
    dependencies: [
      {
        name: 'subchart',
        alias: 'sub',
        chart: { name: 'subchart', values: { port: 80, tls: { enabled: false } }, schema: { type: 'object' } },
      },
    ],
  });
  const index = derive(archive);

  it('records the chart and its source archive with its digest', () => {
    expect(index).toMatchObject({ chart: 'demo', version: '2.0.0' });
    expect(index.source).toMatch(/^demo-2\.0\.0\.tgz sha256:[0-9a-f]{64}$/);
  });

  it.each([
    ['a scalar default is a leaf', 'replicas', 0],
    ['a list default is a list', 'args', 1],
    ['an empty map default is open', 'config', 'empty map in values.yaml: the chart takes any keys'],
    ['a null default is open', 'affinityOverride', 'null in values.yaml: the chart takes any value'],
    ['a map the templates range over is open', 'extraArgs', 'the templates range over its keys'],
    [
      'a key the templates read but values.yaml lacks is open',
      'debug',
      'read by the templates, not in values.yaml: the chart takes any value',
    ],
    ['index .Values "a" "b" counts too', 'priority', 'read by the templates, not in values.yaml: the chart takes any value'],
    ['Kubernetes pass-through keys are open by name', 'podAnnotations', 'passed through to Kubernetes (by key name)'],
    ['resources are open by name', 'resources', 'passed through to Kubernetes (by key name)'],
    ['globals are open', 'global', 'global values: shared with every subchart'],
  ])('%s', (_why, key, expected) => {
    expect(index.tree[key]).toEqual(expected);
  });

  it('a map rendered whole with toYaml is open; its siblings stay closed', () => {
    expect(index.tree.controller).toEqual({ image: { tag: 0 }, settings: 'the templates render it whole (toYaml)' });
  });

  it("a subchart's keys sit under its alias, parent defaults merged in", () => {
    expect(index.tree.sub).toEqual({ port: 0, tls: { enabled: 0 }, global: 'global values: shared with every subchart' });
  });

  it("a subchart's values.schema.json is kept with the defaults Helm coalesces", () => {
    expect(index.schemas).toEqual([
      { path: 'sub', schema: { type: 'object' }, defaults: { port: 8080, tls: { enabled: false } } },
    ]);
  });
});

describe('pruneSchema', () => {
  it('keeps the definitions the schema references, transitively, and drops descriptions', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      description: 'values',
      properties: { a: { $ref: '#/$defs/d/definitions/A' }, b: { $ref: '#/$defs/d/definitions/Big/properties/x' } },
      $defs: {
        d: {
          definitions: {
            A: { type: 'object', properties: { c: { $ref: '#/$defs/d/definitions/C' } } },
            C: { type: 'string', description: 'dropped' },
            Big: { properties: { x: { type: 'integer' }, y: { type: 'string' } } },
            Unused: { type: 'number' },
          },
        },
      },
    };
    expect(pruneSchema(schema)).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      properties: schema.properties,
      $defs: {
        d: {
          definitions: {
            A: schema.$defs.d.definitions.A,
            C: { type: 'string' },
            Big: { properties: { x: { type: 'integer' } } },
          },
        },
      },
    });
  });

  it('throws when a reference resolves to nothing', () => {
    expect(() => pruneSchema({ properties: { a: { $ref: '#/$defs/missing' } } })).toThrow('unresolved $ref #/$defs/missing');
  });
});

const charts = path.join(SHARED, 'charts');
const withCharts = fs.existsSync(charts) ? test : test.skip;
if (!fs.existsSync(charts)) process.stderr.write(`SKIPPED: committed chart values data vs the charts, ${charts} not found\n`);

describe('committed chart values data', () => {
  withCharts('matches what `pnpm chart-values` generates from the pinned chart archives', () => {
    // GIVEN the pinned archives WHEN the data is generated again THEN it is what is committed
    const { files } = generateChartValues(charts);
    const committed = path.resolve(__dirname, '../../k8s/src/imports/chart-values');
    expect([...files.keys()].sort()).toEqual(fs.readdirSync(committed).sort());
    for (const [name, content] of files)
      expect(`${name}\n${fs.readFileSync(path.join(committed, name), 'utf8')}`).toBe(`${name}\n${content}`);
  });

  withCharts('covers every pinned chart that has an archive', () => {
    for (const pin of Object.values(CHARTS)) {
      const present = fs.existsSync(path.join(charts, chartArchiveName(pin.chart, pin.version)));
      expect([pin.chart, pinnedChartValues(pin.chart, pin.version) !== undefined]).toEqual([pin.chart, present]);
    }
  });
});
