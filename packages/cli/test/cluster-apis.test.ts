import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { readChartArchive } from '../src/chart-archive';
import { chartApiChecks, crdApiVersions, enabledCrdApis, staticCrdApis, visibleApis } from '../src/cluster-apis';
import { crdYaml, packChart } from './fixtures';

function chart(templates: Record<string, string>) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-apis-'));
  return readChartArchive(fs.readFileSync(packChart(out, { name: 'c', templates })));
}

describe('crdApiVersions', () => {
  it('lists group/version and group/version/Kind of every served CRD version', () => {
    expect(
      crdApiVersions([
        YAML.parse(crdYaml('demo.example.com', 'Widget')),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
      ]),
    ).toEqual(['demo.example.com/v1', 'demo.example.com/v1/Widget']);
  });
});

describe('chartApiChecks', () => {
  it.each([
    ['no check', { 'a.yaml': 'kind: ConfigMap' }, []],
    ['built-in APIs are left to helm', { 'a.yaml': '{{ if .Capabilities.APIVersions.Has "policy/v1" }}{{ end }}' }, []],
    [
      'custom APIs asked by name',
      { 'a.yaml': '{{ if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor" }}{{ end }}' },
      ['monitoring.coreos.com/v1/ServiceMonitor'],
    ],
    [
      'a check through a variable: the API versions the templates spell out',
      {
        '_helpers.tpl': '{{- define "api" }}{{ print "monitoring.coreos.com/v1" }}{{ end }}',
        'a.yaml': '{{ $api := include "api" . }}{{ if .Capabilities.APIVersions.Has $api }}{{ end }}apiVersion: "apps/v1"',
      },
      ['monitoring.coreos.com/v1'],
    ],
    [
      'a check through a variable, no API spelled out',
      { 'a.yaml': '{{ if .Capabilities.APIVersions.Has $api }}{{ end }}' },
      'all',
    ],
  ])('%s', (_why, templates, expected) => {
    expect(chartApiChecks(chart(templates))).toEqual(expected);
  });

  it('visibleApis gives a chart only the APIs it asks about', () => {
    const available = ['a.io/v1', 'a.io/v1/A', 'b.io/v1'];
    expect(visibleApis(['a.io/v1/A', 'c.io/v1'], available)).toEqual(['a.io/v1/A']);
    expect(visibleApis('all', available)).toEqual(available);
  });
});

describe('staticCrdApis', () => {
  // GIVEN a chart whose crds/ folder and whose subchart's crds/ folder (behind a condition) hold CRDs
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-static-'));
  const loaded = readChartArchive(
    fs.readFileSync(
      packChart(out, {
        name: 'stack',
        values: { crds: { enabled: true } },
        crds: { 'a.yaml': crdYaml('a.io', 'A') },
        dependencies: [
          { name: 'crds', condition: 'crds.enabled', chart: { name: 'crds', crds: { 'b.yaml': crdYaml('b.io', 'B') } } },
        ],
      }),
    ),
  );
  const entries = staticCrdApis(loaded);

  it('knows them without rendering, with the condition that gates the subchart', () => {
    expect(entries).toEqual([
      { gates: [], apis: ['a.io/v1', 'a.io/v1/A'] },
      { gates: [[{ path: 'crds.enabled', default: true }]], apis: ['b.io/v1', 'b.io/v1/B'] },
    ]);
  });

  it.each([
    ['the defaults enable the subchart', {}, ['a.io/v1', 'a.io/v1/A', 'b.io/v1', 'b.io/v1/B']],
    ['values turn it off', { crds: { enabled: false } }, ['a.io/v1', 'a.io/v1/A']],
  ])('%s', (_why, values, expected) => {
    expect(enabledCrdApis(entries, values)).toEqual(expected);
  });
});
