// A Helm chart archive as data: its files, its Chart.yaml, and its dependency charts (as folders under
// charts/ or as nested archives, the way `helm package` and `helm pull` leave them).
import * as YAML from 'yaml';
import { readTarGz } from './archive';

/** A chart and its subcharts, read from an archive. */
export interface LoadedChart {
  readonly name: string;
  readonly version: string;
  /** Files relative to the chart's own folder (`values.yaml`, `templates/...`), subcharts excluded. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Dependency charts by the values key they read (the alias if the dependency has one, else the name). */
  readonly subcharts: ReadonlyMap<string, LoadedChart>;
  /** The `condition` values paths of each dependency (by its values key): the first set to a boolean decides. */
  readonly conditions: ReadonlyMap<string, readonly string[]>;
}

interface ChartYaml {
  name?: string;
  version?: string;
  dependencies?: { name: string; alias?: string; condition?: string }[];
}

/** Reads a chart archive (`<name>-<version>.tgz`). */
export function readChartArchive(data: Buffer): LoadedChart {
  const all = readTarGz(data);
  const roots = new Set([...all.keys()].map((p) => p.split('/')[0]));
  if (roots.size !== 1) throw new Error(`not a chart archive: expected one top folder, found ${[...roots].join(', ') || 'none'}`);
  const [root] = roots;
  return loadChart(new Map([...all].map(([p, b]) => [p.slice(root.length + 1), b])));
}

function loadChart(files: ReadonlyMap<string, Buffer>): LoadedChart {
  const chartYaml = files.get('Chart.yaml');
  if (!chartYaml) throw new Error('not a chart: no Chart.yaml');
  const meta = (YAML.parse(chartYaml.toString('utf8')) ?? {}) as ChartYaml;
  const own = new Map<string, Buffer>();
  const folders = new Map<string, Map<string, Buffer>>();
  const nested: Buffer[] = [];
  for (const [p, b] of files) {
    const m = /^charts\/([^/]+)\/(.+)$/.exec(p);
    if (m) folders.set(m[1], (folders.get(m[1]) ?? new Map()).set(m[2], b));
    else if (/^charts\/[^/]+\.tgz$/.test(p)) nested.push(b);
    else own.set(p, b);
  }
  const loaded = [...[...folders.values()].map(loadChart), ...nested.map(readChartArchive)];
  const subcharts = new Map<string, LoadedChart>();
  const conditions = new Map<string, string[]>();
  for (const sub of loaded.sort((a, b) => a.name.localeCompare(b.name))) {
    const deps = (meta.dependencies ?? []).filter((d) => d.name === sub.name);
    // A dependency listed twice under two aliases reads two values keys.
    for (const dep of deps.length ? deps : [{ name: sub.name } as { name: string; alias?: string; condition?: string }]) {
      const key = dep.alias ?? dep.name;
      subcharts.set(key, sub);
      if (dep.condition)
        conditions.set(
          key,
          dep.condition.split(',').map((c) => c.trim()),
        );
    }
  }
  return { name: String(meta.name ?? ''), version: String(meta.version ?? ''), files: own, subcharts, conditions };
}
