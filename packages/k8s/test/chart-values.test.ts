import { CHARTS } from '@aiready/core';
import Ajv2020 from 'ajv/dist/2020';
import { Testing } from 'cdk8s';
import { CHART_SCHEMA_VALIDATORS } from '../src/imports/chart-values';
import {
  ChartValuesIndex,
  chartSchemaKey,
  chartValuesProblems,
  coalesceValues,
  Karpenter,
  pinnedChartValues,
  schemaProblems,
  unknownValuesProblems,
} from '../src';

const index: ChartValuesIndex = {
  chart: 'demo',
  version: '1.0.0',
  source: 'demo-1.0.0.tgz sha256:0',
  tree: {
    replicas: 0,
    args: 1,
    podAnnotations: 'passed through to Kubernetes (by key name)',
    controller: { image: { repository: 0, tag: 0 }, logLevel: 0 },
    sub: { enabled: 0, port: 0 },
  },
  schemas: [
    {
      path: 'sub',
      schema: {
        type: 'object',
        properties: { enabled: { type: 'boolean' }, port: { type: 'integer', minimum: 1 } },
        additionalProperties: false,
      },
      defaults: { enabled: true, port: 80 },
    },
  ],
};

describe('unknownValuesProblems', () => {
  it.each([
    ['known keys', { replicas: 2, controller: { image: { tag: 'v1' } } }],
    ['anything under an open map', { podAnnotations: { 'a/b': 'c', deep: { x: 1 } } }],
    ['a list where the chart has a list', { args: ['--x'] }],
    ['null, which deletes a default in Helm', { controller: null, replicas: null }],
  ])('accepts %s', (_why, values) => {
    // GIVEN a chart's values tree WHEN values only use what it has THEN no problem
    expect(unknownValuesProblems(index, values)).toEqual([]);
  });

  it.each([
    [
      'an unknown key, with the nearest existing keys',
      { controller: { logLevl: 'debug' } },
      'values.controller.logLevl',
      /demo 1\.0\.0 has no values key controller\.logLevl.*nearest under controller: controller\.logLevel, controller\.image/,
    ],
    ['an unknown top-level key', { replica: 2 }, 'values.replica', /nearest at the top: replicas/],
    ['a map where the chart has a scalar', { replicas: { min: 1 } }, 'values.replicas', /reads replicas as a scalar, not a map/],
    ['a scalar where the chart has a map', { controller: 'x' }, 'values.controller', /reads controller as a map, not a scalar/],
    ['a key with a dot', { controller: { 'image.tag': 'v1' } }, 'values.controller["image.tag"]', /has no values key/],
  ])('reports %s', (_why, values, path, message) => {
    // GIVEN values the chart does not read WHEN checked THEN the problem names the path and the fix
    const problems = unknownValuesProblems(index, values);
    expect(problems.map((p) => p.path)).toEqual([path]);
    expect(`${problems[0].problem}. Fix: ${problems[0].fix}`).toMatch(message);
  });
});

describe('schemaProblems', () => {
  it('validates the values Helm would render with: defaults coalesced with what is set', () => {
    // GIVEN a subchart schema WHEN a value breaks it THEN the problem points at it
    const problems = schemaProblems(index, { sub: { port: 0 } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'values.sub.port', value: 0 });
    expect(problems[0].problem).toMatch(/values\.schema\.json \(sub\) rejects it: must be >= 1/);
  });

  it('skips a subchart nothing sets: its defaults passed upstream', () => {
    expect(schemaProblems({ ...index, schemas: [{ ...index.schemas[0], defaults: { port: -1 } }] }, {})).toEqual([]);
  });

  it('reports unknown keys before schema errors, so one mistake is said once', () => {
    const problems = chartValuesProblems(index, { sub: { prot: 8080 } });
    expect(problems.map((p) => p.path)).toEqual(['values.sub.prot']);
  });
});

describe('coalesceValues', () => {
  it('merges maps, replaces the rest, and deletes on null as Helm does', () => {
    expect(coalesceValues({ a: { b: 1, c: 2 }, l: [1], d: 1 }, { a: { c: 3 }, l: [2], d: null })).toEqual({
      a: { b: 1, c: 3 },
      l: [2],
    });
  });
});

describe('committed chart values data', () => {
  // argo-cd is pinned as the GitOps target only; aiready never installs it as a release. The airflow
  // chart was not available offline when the data was generated: its raw values warn instead (airflow-plan).
  const released = Object.values(CHARTS).filter((pin) => pin.id !== 'argo-cd' && pin.id !== 'airflow');

  it.each(released.map((pin) => [pin.chart, pin.version]))('exists for %s %s, generated from that chart', (chart, version) => {
    const data = pinnedChartValues(chart, version);
    expect(data).toMatchObject({ chart, version });
    expect(data!.source).toMatch(new RegExp(`^${chart}-${version.replace(/\./g, '\\.')}\\.tgz sha256:[0-9a-f]{64}$`));
  });

  it('the gpu-operator data includes node-feature-discovery and its values.schema.json', () => {
    const data = pinnedChartValues(CHARTS.gpuOperator.chart, CHARTS.gpuOperator.version)!;
    expect(data.schemas.map((s) => s.path)).toEqual(['node-feature-discovery']);
    expect(schemaProblems(data, { 'node-feature-discovery': { worker: { tolerations: 'all' } } }).map((p) => p.path)).toContain(
      'values.node-feature-discovery.worker.tolerations',
    );
  });
});

describe('precompiled chart schema validators', () => {
  const schemas = Object.values(CHARTS).flatMap((pin) => pinnedChartValues(pin.chart, pin.version)?.schemas ?? []);

  it.each(schemas.map((s, i) => [i, s.path, s]))('exist for schema %i (%s), so synth compiles none', (_i, _path, s) => {
    // GIVEN a values.schema.json in the committed chart data WHEN its validator is looked up THEN it is precompiled
    expect(CHART_SCHEMA_VALIDATORS[chartSchemaKey(JSON.stringify(s.schema))]).toBeDefined();
  });

  it.each([
    ['the defaults', {}],
    ['a list where a map goes', { worker: { tolerations: 'all' } }],
    ['a string where a number goes', { master: { replicaCount: 'two' } }],
    ['several wrong types at once', { image: { pullPolicy: 3 }, enableNodeFeatureApi: 'yes', gc: { interval: [] } }],
  ])('find what a compile of the schema finds, for %s', (_what, given) => {
    // GIVEN the node-feature-discovery schema, compiled now and precompiled
    const s = pinnedChartValues(CHARTS.gpuOperator.chart, CHARTS.gpuOperator.version)!.schemas[0];
    const compiled = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(s.schema);
    const precompiled = CHART_SCHEMA_VALIDATORS[chartSchemaKey(JSON.stringify(s.schema))]();
    // WHEN both validate the same merged values THEN they agree on the result and on every error
    const merged = coalesceValues(s.defaults, given);
    expect([precompiled(merged), precompiled.errors ?? null]).toEqual([compiled(merged), compiled.errors ?? null]);
  });
});

describe('HelmRelease', () => {
  it('throws when a raw override sets a key the chart does not have, naming the release', () => {
    // GIVEN Karpenter WHEN a raw value misspells a settings key THEN synth stops with the fix
    expect(
      () => new Karpenter(Testing.chart(), 'k', { clusterName: 'c1', values: { settings: { interruptionQueu: 'q' } } }),
    ).toThrow(
      /\(release karpenter\): 1 problem\n.*values\.settings\.interruptionQueu = "q": karpenter 1\.14\.1 has no values key .*settings\.interruptionQueue/,
    );
  });
});
