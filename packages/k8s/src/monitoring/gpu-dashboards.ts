// Grafana dashboards as code, written for aiready's recording rules and DCGM metrics: a fleet view per
// pool, a team view, and a node health view. Loaded by the Grafana sidecar from labelled ConfigMaps.
import { GpuPool } from '@aiready/core';
import { SERIES } from './gpu-rules';

/** A Grafana dashboard panel, as aiready builds it. */
export interface DashboardPanel {
  readonly title: string;
  readonly type: 'timeseries' | 'stat';
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legendFormat: string }[];
}

/** A Grafana dashboard, as aiready builds it. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly DashboardPanel[];
}

function panel(title: string, type: DashboardPanel['type'], unit: string, ...targets: [string, string][]): DashboardPanel {
  return { title, type, unit, targets: targets.map(([expr, legendFormat]) => ({ expr, legendFormat })) };
}

/**
 * The three dashboards for a platform's pools. GPU counts are GPU equivalents (a MIG slice or a
 * time-slicing share counts as its part of a GPU) and come from Running pods only; a pool scaled to
 * zero shows 0, not "No data".
 */
export function gpuDashboards(pools: readonly GpuPool[]): Dashboard[] {
  const pool = (name: string) => `pool="${name}"`;
  const orZero = (expr: string) => `${expr} or vector(0)`;
  const fleet: DashboardPanel[] = pools.flatMap((p) => [
    panel(`${p.name}: nodes`, 'stat', 'none', [orZero(`count(${SERIES.nodePool}{${pool(p.name)}})`), 'nodes']),
    panel(
      `${p.name}: GPUs allocatable and requested by Running pods (GPU equivalents)`,
      'timeseries',
      'none',
      [orZero(`sum(${SERIES.poolAllocatable}{${pool(p.name)}})`), 'allocatable'],
      [orZero(`sum(${SERIES.poolRequests}{${pool(p.name)}})`), 'requested'],
    ),
    panel(`${p.name}: GPU engine activity of allocated GPUs`, 'timeseries', 'percentunit', [
      `${SERIES.poolActive}{${pool(p.name)}}`,
      'active',
    ]),
    panel(
      `${p.name}: idle allocated GPUs ($/h on demand; GPU equivalents where unpriced)`,
      'stat',
      'none',
      [orZero(`sum(${SERIES.idleCost}{${pool(p.name)}})`), 'idle $/h'],
      [orZero(`sum(${SERIES.idleUnpriced}{${pool(p.name)}})`), 'idle GPUs without a price'],
    ),
  ]);
  return [
    { uid: 'aiready-gpu-fleet', title: 'aiready / GPU fleet', panels: fleet },
    {
      uid: 'aiready-gpu-teams',
      title: 'aiready / GPU teams',
      panels: [
        panel('GPUs requested by Running pods, by namespace (GPU equivalents)', 'timeseries', 'none', [
          SERIES.namespaceRequests,
          '{{namespace}}',
        ]),
        panel('GPU-hours in the last day by namespace (GPU equivalents, Running pods)', 'stat', 'none', [
          SERIES.namespaceGpuHours,
          '{{namespace}}',
        ]),
        panel('GPU engine activity by namespace', 'timeseries', 'percentunit', [SERIES.namespaceActive, '{{namespace}}']),
        panel('Idle allocated GPUs by namespace ($/h on demand)', 'timeseries', 'currencyUSD', [
          `sum by (namespace) (${SERIES.idleCost})`,
          '{{namespace}}',
        ]),
        panel('Busiest workloads', 'timeseries', 'percentunit', [`topk(10, ${SERIES.workloadActive})`, '{{namespace}}/{{pod}}']),
      ],
    },
    {
      uid: 'aiready-gpu-nodes',
      title: 'aiready / GPU node health',
      panels: [
        panel(
          'Temperature',
          'timeseries',
          'celsius',
          ['DCGM_FI_DEV_GPU_TEMP', '{{node}} gpu {{gpu}}'],
          ['DCGM_FI_DEV_MEMORY_TEMP', '{{node}} gpu {{gpu}} memory'],
        ),
        panel('Thermal throttling (share of time)', 'timeseries', 'percentunit', [
          'increase(DCGM_FI_DEV_THERMAL_VIOLATION[10m]) / 600e9',
          '{{node}} gpu {{gpu}}',
        ]),
        panel('Power', 'timeseries', 'watt', ['DCGM_FI_DEV_POWER_USAGE', '{{node}} gpu {{gpu}}']),
        panel('XID errors in the window', 'timeseries', 'none', [
          'DCGM_EXP_XID_ERRORS_COUNT',
          '{{node}} gpu {{gpu}} xid {{xid}}',
        ]),
        panel('Memory used', 'timeseries', 'percentunit', [
          'DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE + DCGM_FI_DEV_FB_RESERVED)',
          '{{node}} gpu {{gpu}}',
        ]),
        panel('Uncorrectable remapped rows', 'timeseries', 'none', [
          'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS',
          '{{node}} gpu {{gpu}}',
        ]),
      ],
    },
  ];
}

/** A dashboard in Grafana's JSON model. */
export function grafanaJson(d: Dashboard): string {
  return JSON.stringify(
    {
      uid: d.uid,
      title: d.title,
      schemaVersion: 39,
      editable: false,
      time: { from: 'now-24h', to: 'now' },
      templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] },
      panels: d.panels.map((p, i) => ({
        id: i + 1,
        title: p.title,
        type: p.type,
        datasource: { type: 'prometheus', uid: '${datasource}' },
        gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), expr: t.expr, legendFormat: t.legendFormat })),
      })),
    },
    null,
    2,
  );
}
