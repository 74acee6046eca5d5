import { GpuPool, PoolSharing, poolCapacity, PRICES_AS_OF, schedulableResources, ValidationWarning } from '@aiready/core';
import { FluxMaterializer } from '../gitops/flux-materializer';
import type { SecretPrerequisite } from '../monitoring/kube-prometheus-stack';
import { HelmRelease } from '../release/helm-release';
import { KustomizeRelease, kustomizeUrl } from '../release/kustomize-release';
import { Construct } from 'constructs';
import { AiPlatform } from './ai-platform';
import { PLATFORM_COMPONENTS } from './components';

/** One pool in the review summary. */
export interface PoolSummary {
  readonly name: string;
  readonly provisioner: string;
  readonly purpose: string;
  readonly capacityType: string;
  readonly instanceTypes: readonly string[];
  readonly gpuModels: readonly string[];
  readonly gpusPerNode: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly gpuLimit: number;
  readonly maxGpus: number;
  readonly maxGpuHoursPerDay: number;
  /** Indicative on-demand $/h at full size, or null when no instance type has a verified price. */
  readonly maxUsdPerHour: number | null;
  readonly ami: string;
  /** Sharing in words (`none`, `time-slicing x4`, `MIG mixed aiready-h100-balanced`). */
  readonly sharing: string;
  /** What one node of each instance type advertises to the scheduler. */
  readonly resourcesPerNode: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** EFA interfaces per node (0 without EFA). */
  readonly efaInterfaces: number;
  /** Zones the pool may use; empty means any. */
  readonly zones: readonly string[];
}

/** One Helm release in the review summary. */
export interface ReleaseSummary {
  readonly releaseName: string;
  /** The aiready component it belongs to (`gpu-operator`). */
  readonly component: string;
  readonly chart: string;
  readonly version: string;
  readonly repository: string;
  readonly namespace: string;
  readonly wave: number;
}

/** A table a component adds to the summary (what its users pick by name, say). */
export interface PlatformSummaryTable {
  readonly title: string;
  /** One paragraph above the table. */
  readonly intro: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** What a built component may offer the summary. */
interface SummarizedComponent {
  readonly secretPrerequisites?: readonly SecretPrerequisite[];
  summaryTables?(): PlatformSummaryTable[];
}

/** What a reviewer needs to know about a platform, as plain data (also a Pulumi stack output). */
export interface PlatformSummary {
  readonly clusterName: string;
  readonly pools: readonly PoolSummary[];
  readonly releases: readonly ReleaseSummary[];
  /** Kustomize bases applied from pinned git tags (Kubeflow Pipelines). */
  readonly kustomizations: readonly {
    name: string;
    url: string;
    namespace: string;
    wave: number;
    namespaceLabels?: Readonly<Record<string, string>>;
  }[];
  readonly releaseMaterializer: string;
  readonly pricesAsOf: string;
  readonly warnings: readonly ValidationWarning[];
  /** Secrets the platform's releases read but nothing in the platform creates. */
  readonly prerequisites: readonly SecretPrerequisite[];
  /** The GPU alerts the platform ships, with their meaning. */
  readonly alerts: readonly { readonly alert: string; readonly severity: string; readonly summary: string }[];
  /** Tables the components add (what their users pick by name). */
  readonly tables: readonly PlatformSummaryTable[];
}

function describeSharing(s: PoolSharing): string {
  if (s.mode === 'mig') return `MIG ${s.migStrategy} ${s.migLayout!.name}`;
  if (s.mode === 'time-slicing' || s.mode === 'mps') return `${s.mode} x${s.replicas}`;
  return 'none';
}

/** Summary row of one pool. */
export function summarizePool(pool: GpuPool): PoolSummary {
  const capacity = poolCapacity(pool);
  return {
    name: pool.name,
    provisioner: pool.provisioner,
    purpose: pool.purpose,
    capacityType: pool.capacityType,
    instanceTypes: pool.instanceTypes.map((t) => t.name),
    gpuModels: pool.gpuModels.map((m) => m.displayName),
    gpusPerNode:
      pool.minGpusPerNode === pool.maxGpusPerNode ? String(pool.maxGpusPerNode) : `${pool.minGpusPerNode}-${pool.maxGpusPerNode}`,
    minNodes: pool.minNodes,
    maxNodes: pool.maxNodes,
    gpuLimit: pool.gpuLimit,
    maxGpus: capacity.maxGpus,
    maxGpuHoursPerDay: capacity.maxGpuHoursPerDay,
    maxUsdPerHour: capacity.maxUsdPerHour ?? null,
    ami: pool.amiAlias,
    sharing: describeSharing(pool.sharing),
    resourcesPerNode: Object.fromEntries(pool.instanceTypes.map((t) => [t.name, schedulableResources(pool.sharing, t)])),
    efaInterfaces: pool.efaInterfaces,
    zones: pool.zones,
  };
}

/** The review summary of a platform: pools with capacity and cost, releases with versions, warnings. */
export function summarizePlatform(platform: AiPlatform): PlatformSummary {
  const components = PLATFORM_COMPONENTS.flatMap((c) => {
    const built = platform.component<Construct & SummarizedComponent>(c.id);
    return built ? [built] : [];
  });
  return {
    clusterName: platform.clusterName,
    pools: platform.pools.map((p) => summarizePool(p.pool)),
    releases: HelmRelease.all(platform).map(({ spec }) => ({
      releaseName: spec.releaseName,
      component: spec.component,
      chart: spec.chart,
      version: spec.version,
      repository: spec.repository,
      namespace: spec.namespace,
      wave: spec.wave,
    })),
    kustomizations: KustomizeRelease.all(platform).map(({ spec }) => ({
      name: spec.name,
      url: kustomizeUrl(spec),
      namespace: spec.namespace,
      wave: spec.wave,
      ...(spec.namespaceLabels ? { namespaceLabels: spec.namespaceLabels } : {}),
    })),
    releaseMaterializer: platform.releaseMaterializer.kind,
    pricesAsOf: PRICES_AS_OF,
    warnings: platform.warnings,
    prerequisites: [
      ...components.flatMap((c) => c.secretPrerequisites ?? []),
      ...(FluxMaterializer.isFluxMaterializer(platform.releaseMaterializer)
        ? platform.releaseMaterializer.secretPrerequisites
        : []),
    ],
    alerts: (platform.monitoring?.alerts ?? []).map((a) => ({ alert: a.alert, severity: a.severity, summary: a.summary })),
    tables: components.flatMap((c) => c.summaryTables?.() ?? []),
  };
}
