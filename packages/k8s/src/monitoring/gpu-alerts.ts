// The GPU alerts aiready ships, as data. Thresholds follow common practice for DCGM exporter metrics
// (../shared/reference/ai-stack-facts.md section C); every metric used is in the exporter's default set.

export interface GpuAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: 'warning' | 'critical';
  readonly summary: string;
  readonly description: string;
}

/** Options that tune the alerts. */
export interface GpuAlertOptions {
  /** The Prometheus job label of the DCGM exporter targets. */
  readonly dcgmJob: string;
  /** GPU temperature (°C) above which GpuTemperatureHigh fires. */
  readonly temperatureCelsius: number;
  /** How long an allocated GPU must stay idle before GpuAllocatedIdle fires. */
  readonly idleWindow: string;
}

/** The GPU alert set for the given options. */
export function gpuAlerts(o: GpuAlertOptions): GpuAlert[] {
  return [
    {
      alert: 'GpuAllocatedIdle',
      // GR_ENGINE_ACTIVE works per MIG instance too; the pod label exists only while a pod holds the GPU.
      expr: `avg by (namespace, pod, Hostname, gpu) (avg_over_time(DCGM_FI_PROF_GR_ENGINE_ACTIVE{pod!=""}[${o.idleWindow}])) < 0.05`,
      for: '5m',
      severity: 'warning',
      summary: 'A GPU is allocated to a pod but idle',
      description: `GPU {{ $labels.gpu }} on {{ $labels.Hostname }} held by {{ $labels.namespace }}/{{ $labels.pod }} was under 5% busy for ${o.idleWindow}.`,
    },
    {
      alert: 'GpuTemperatureHigh',
      expr: `max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP) > ${o.temperatureCelsius}`,
      for: '5m',
      severity: 'warning',
      summary: 'GPU temperature is high',
      description: `GPU {{ $labels.gpu }} on {{ $labels.Hostname }} is above ${o.temperatureCelsius}°C.`,
    },
    {
      alert: 'GpuRowRemapFailure',
      expr: 'max by (Hostname, gpu) (DCGM_FI_DEV_ROW_REMAP_FAILURE) > 0',
      for: '0m',
      severity: 'critical',
      summary: 'GPU memory row remapping failed',
      description:
        'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} failed to remap a memory row; drain the node and reset or replace the GPU.',
    },
    {
      alert: 'DcgmExporterDown',
      expr: `up{job="${o.dcgmJob}"} == 0`,
      for: '10m',
      severity: 'warning',
      summary: 'DCGM exporter is down on a GPU node',
      description:
        'The DCGM exporter target {{ $labels.instance }} has been down for 10 minutes; GPU metrics and alerts for that node are blind.',
    },
  ];
}
