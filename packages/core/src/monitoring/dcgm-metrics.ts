// The DCGM exporter metrics aiready collects: one list feeds the exporter's metrics config (CSV), and
// the alerts and scalers are checked against it, so nothing queries a metric that is not collected.
// Source: NVIDIA/dcgm-exporter etc/default-counters.csv and dcp-metrics-included.csv
// (../shared/reference/ai-stack-facts.md section C).

/** A metric the DCGM exporter publishes: name, Prometheus type and help text. */
export interface DcgmMetric {
  readonly name: string;
  readonly type: 'gauge' | 'counter' | 'label';
  readonly help: string;
}

/** The DCGM exporter metrics aiready collects (its metrics config, and what alerts and scalers may query). */
export const DCGM_METRICS: readonly DcgmMetric[] = [
  { name: 'DCGM_FI_DEV_SM_CLOCK', type: 'gauge', help: 'SM clock frequency (in MHz).' },
  { name: 'DCGM_FI_DEV_MEM_CLOCK', type: 'gauge', help: 'Memory clock frequency (in MHz).' },
  { name: 'DCGM_FI_DEV_GPU_TEMP', type: 'gauge', help: 'GPU temperature (in C).' },
  { name: 'DCGM_FI_DEV_MEMORY_TEMP', type: 'gauge', help: 'Memory temperature (in C).' },
  { name: 'DCGM_FI_DEV_POWER_USAGE', type: 'gauge', help: 'Power draw (in W).' },
  { name: 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', type: 'counter', help: 'Total energy consumption since boot (in mJ).' },
  { name: 'DCGM_FI_DEV_PCIE_REPLAY_COUNTER', type: 'counter', help: 'Total number of PCIe retries.' },
  { name: 'DCGM_FI_DEV_GPU_UTIL', type: 'gauge', help: 'GPU utilization (in %).' },
  { name: 'DCGM_FI_DEV_MEM_COPY_UTIL', type: 'gauge', help: 'Memory utilization (in %).' },
  { name: 'DCGM_FI_DEV_ENC_UTIL', type: 'gauge', help: 'Encoder utilization (in %).' },
  { name: 'DCGM_FI_DEV_DEC_UTIL', type: 'gauge', help: 'Decoder utilization (in %).' },
  { name: 'DCGM_FI_DEV_XID_ERRORS', type: 'gauge', help: 'Value of the last XID error encountered.' },
  { name: 'DCGM_FI_DEV_FB_FREE', type: 'gauge', help: 'Framebuffer memory free (in MiB).' },
  { name: 'DCGM_FI_DEV_FB_USED', type: 'gauge', help: 'Framebuffer memory used (in MiB).' },
  { name: 'DCGM_FI_DEV_FB_RESERVED', type: 'gauge', help: 'Framebuffer memory reserved (in MiB).' },
  {
    name: 'DCGM_FI_DEV_THERMAL_VIOLATION',
    type: 'counter',
    help: 'Throttling duration due to thermal constraints (in ns).',
  },
  { name: 'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', type: 'counter', help: 'Number of remapped rows for uncorrectable errors.' },
  { name: 'DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS', type: 'counter', help: 'Number of remapped rows for correctable errors.' },
  { name: 'DCGM_FI_DEV_ROW_REMAP_FAILURE', type: 'gauge', help: 'Whether remapping of rows has failed.' },
  {
    name: 'DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL',
    type: 'counter',
    help: 'Total number of NVLink bandwidth counters for all lanes.',
  },
  { name: 'DCGM_FI_DRIVER_VERSION', type: 'label', help: 'Driver version.' },
  { name: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE', type: 'gauge', help: 'Ratio of time the graphics engine is active.' },
  { name: 'DCGM_FI_PROF_SM_ACTIVE', type: 'gauge', help: 'The ratio of cycles an SM has at least 1 warp assigned.' },
  { name: 'DCGM_FI_PROF_SM_OCCUPANCY', type: 'gauge', help: 'The ratio of number of warps resident on an SM.' },
  { name: 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', type: 'gauge', help: 'Ratio of cycles the tensor (HMMA) pipe is active.' },
  {
    name: 'DCGM_FI_PROF_DRAM_ACTIVE',
    type: 'gauge',
    help: 'Ratio of cycles the device memory interface is active sending or receiving data.',
  },
  {
    name: 'DCGM_FI_PROF_PCIE_TX_BYTES',
    type: 'gauge',
    help: 'The rate of data transmitted over the PCIe bus - including both protocol headers and data payloads - in bytes per second.',
  },
  {
    name: 'DCGM_FI_PROF_PCIE_RX_BYTES',
    type: 'gauge',
    help: 'The rate of data received over the PCIe bus - including both protocol headers and data payloads - in bytes per second.',
  },
  {
    name: 'DCGM_EXP_XID_ERRORS_COUNT',
    type: 'gauge',
    help: 'Count of XID Errors within user-specified time window (see xid-count-window-size param).',
  },
];

/**
 * Names of the collected DCGM metrics. Fields of type `label` (the driver version) are not series:
 * the exporter adds them as a label to every other series of the GPU.
 */
export const DCGM_METRIC_NAMES: ReadonlySet<string> = new Set(DCGM_METRICS.filter((m) => m.type !== 'label').map((m) => m.name));

/** The exporter's metrics config: one `name, type, help` line per metric. */
export function dcgmMetricsCsv(metrics: readonly DcgmMetric[] = DCGM_METRICS): string {
  return [
    '# Format: DCGM field, Prometheus metric type, help message',
    ...metrics.map((m) => `${m.name}, ${m.type}, ${m.help}`),
    '',
  ].join('\n');
}

/** DCGM metric names a PromQL expression uses. */
export function dcgmMetricsIn(expr: string): string[] {
  return [...new Set(expr.match(/\bDCGM_(?:FI|EXP)_[A-Z0-9_]+\b/g) ?? [])];
}
