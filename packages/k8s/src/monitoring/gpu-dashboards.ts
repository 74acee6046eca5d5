// Grafana dashboards as code, written for aiready's recording rules and DCGM metrics: a fleet view per
// pool, a team view, and a node health view. Loaded by the Grafana sidecar from labelled ConfigMaps.
import { GpuPool } from '@aiready/core';
import { KSM_POOL_LABEL, pricePerDevice } from './gpu-rules';

export interface DashboardPanel {
  readonly title: string;
  readonly type: 'timeseries' | 'stat';
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legendFormat: string }[];
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly DashboardPanel[];
}

function panel(title: string, type: DashboardPanel['type'], unit: string, ...targets: [string, string][]): DashboardPanel {
  return { title, type, unit, targets: targets.map(([expr, legendFormat]) => ({ expr, legendFormat })) };
}

/** The three dashboards for a platform's pools. */
export function gpuDashboards(pools: readonly GpuPool[]): Dashboard[] {
  const pool = (name: string) => `${KSM_POOL_LABEL}="${name}"`;
  const fleet: DashboardPanel[] = pools.flatMap((p) => {
    const price = pricePerDevice(p);
    return [
      panel(`${p.name}: nodes`, 'stat', 'none', [`count(kube_node_labels{${pool(p.name)}})`, 'nodes']),
      panel(
        `${p.name}: GPUs allocatable and requested`,
        'timeseries',
        'none',
        [`sum(aiready:node_gpu_allocatable:sum * on (node) group_left () kube_node_labels{${pool(p.name)}})`, 'allocatable'],
        [`sum(aiready:pool_gpu_requests:sum{${pool(p.name)}})`, 'requested'],
      ),
      panel(`${p.name}: GPU engine activity`, 'timeseries', 'percentunit', [
        `aiready:pool_gpu_engine_active:avg{${pool(p.name)}}`,
        'active',
      ]),
      ...(price === undefined
        ? []
        : [
            panel(`${p.name}: idle GPU cost ($/h)`, 'stat', 'currencyUSD', [
              `sum(aiready:gpu_allocated_idle:count{${pool(p.name)}}) * ${price} or vector(0)`,
              'idle $/h',
            ]),
          ]),
    ];
  });
  return [
    { uid: 'aiready-gpu-fleet', title: 'aiready / GPU fleet', panels: fleet },
    {
      uid: 'aiready-gpu-teams',
      title: 'aiready / GPU teams',
      panels: [
        panel('GPUs requested by namespace', 'timeseries', 'none', ['aiready:namespace_gpu_requests:sum', '{{namespace}}']),
        panel('GPU-hours in the last day by namespace', 'stat', 'none', ['aiready:namespace_gpu_hours:1d', '{{namespace}}']),
        panel('GPU engine activity by namespace', 'timeseries', 'percentunit', [
          'aiready:namespace_gpu_engine_active:avg',
          '{{namespace}}',
        ]),
        panel('Busiest workloads', 'timeseries', 'percentunit', [
          'topk(10, aiready:workload_gpu_engine_active:avg)',
          '{{namespace}}/{{pod}}',
        ]),
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
          ['DCGM_FI_DEV_GPU_TEMP', '{{Hostname}} gpu {{gpu}}'],
          ['DCGM_FI_DEV_MEMORY_TEMP', '{{Hostname}} gpu {{gpu}} memory'],
        ),
        panel('Power', 'timeseries', 'watt', ['DCGM_FI_DEV_POWER_USAGE', '{{Hostname}} gpu {{gpu}}']),
        panel('XID errors in the window', 'timeseries', 'none', [
          'DCGM_EXP_XID_ERRORS_COUNT',
          '{{Hostname}} gpu {{gpu}} xid {{xid}}',
        ]),
        panel('Memory used', 'timeseries', 'percentunit', [
          'DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE + DCGM_FI_DEV_FB_RESERVED)',
          '{{Hostname}} gpu {{gpu}}',
        ]),
        panel('Uncorrectable remapped rows', 'timeseries', 'none', [
          'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS',
          '{{Hostname}} gpu {{gpu}}',
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
