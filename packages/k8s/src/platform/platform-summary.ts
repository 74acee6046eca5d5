import { GpuPool, poolCapacity, PRICES_AS_OF, ValidationWarning } from '@aiready/core';
import { HelmRelease } from '../release/helm-release';
import { AiPlatform } from './ai-platform';

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
}

/** One Helm release in the review summary. */
export interface ReleaseSummary {
  readonly releaseName: string;
  readonly chart: string;
  readonly version: string;
  readonly repository: string;
  readonly namespace: string;
  readonly wave: number;
}

/** What a reviewer needs to know about a platform, as plain data (also a Pulumi stack output). */
export interface PlatformSummary {
  readonly clusterName: string;
  readonly pools: readonly PoolSummary[];
  readonly releases: readonly ReleaseSummary[];
  readonly releaseMaterializer: string;
  readonly pricesAsOf: string;
  readonly warnings: readonly ValidationWarning[];
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
  };
}

/** The review summary of a platform: pools with capacity and cost, releases with versions, warnings. */
export function summarizePlatform(platform: AiPlatform): PlatformSummary {
  return {
    clusterName: platform.clusterName,
    pools: platform.pools.map((p) => summarizePool(p.pool)),
    releases: HelmRelease.all(platform).map(({ spec }) => ({
      releaseName: spec.releaseName,
      chart: spec.chart,
      version: spec.version,
      repository: spec.repository,
      namespace: spec.namespace,
      wave: spec.wave,
    })),
    releaseMaterializer: platform.releaseMaterializer.kind,
    pricesAsOf: PRICES_AS_OF,
    warnings: platform.warnings,
  };
}
