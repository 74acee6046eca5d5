// How a platform is laid out for Flux, as pure decisions: the stages the install waves become, what
// each waits for, and the names of sources. The materialiser and the layout only apply these.
import { OBJECT_WAVES } from '../release/apply-order';

/** Something Flux reconciles with `dependsOn`: a stage folder's Kustomization or a kustomize base's. */
export interface FluxUnit {
  readonly name: string;
  readonly wave: number;
}

/**
 * The Flux `dependsOn` of every unit: each waits for all units of the nearest lower wave that has
 * any, so, transitively, for every unit of every lower wave, and for nothing of its own or a higher
 * wave. That is exactly the order Argo CD sync waves give: one wave after another, a wave's members
 * in parallel.
 */
export function planFluxDependsOn(units: readonly FluxUnit[]): Map<string, string[]> {
  const waves = [...new Set(units.map((u) => u.wave))].sort((a, b) => a - b);
  const byWave = new Map(
    waves.map((w) => [
      w,
      units
        .filter((u) => u.wave === w)
        .map((u) => u.name)
        .sort(),
    ]),
  );
  return new Map(
    units.map((u) => {
      const i = waves.indexOf(u.wave);
      return [u.name, i > 0 ? [...byWave.get(waves[i - 1])!] : []];
    }),
  );
}

const STAGE_NAMES: Readonly<Record<number, string>> = {
  [OBJECT_WAVES.namespace]: 'namespaces',
  [OBJECT_WAVES.configuration]: 'configuration',
  [OBJECT_WAVES.workload]: 'releases',
  [OBJECT_WAVES.customResource]: 'custom-resources',
};

/**
 * The folder (and Kustomization name suffix) of a wave's stage. Names depend on the wave only, never
 * on which other waves exist: renaming a Flux Kustomization prunes everything it applied.
 */
export function fluxStageName(wave: number): string {
  return STAGE_NAMES[wave] ?? `releases-wave-${wave < 0 ? `minus-${-wave}` : wave}`;
}

/** The folder holding the Flux objects the user's root Kustomization applies. */
export const FLUX_ENTRY_FOLDER = 'flux';

/** A DNS-1123 name from a URL (`https://helm.ngc.nvidia.com/nvidia` → `helm-ngc-nvidia-com-nvidia`). */
export function sourceName(url: string): string {
  return (
    url
      .replace(/^[a-z]+:\/\//, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63)
      .replace(/-+$/, '') || 'source'
  );
}

/** How Flux can fetch a chart repository: HTTPS index, OCI registry, or not at all. */
export type FluxChartSource = 'HelmRepository' | 'OCIRepository' | undefined;

/** The Flux source kind for a chart repository URL; undefined when Flux cannot fetch from it. */
export function fluxChartSource(repository: string): FluxChartSource {
  if (/^https:\/\/[^/\s]+/.test(repository)) return 'HelmRepository';
  if (/^oci:\/\/[^/\s]+/.test(repository)) return 'OCIRepository';
  return undefined;
}

/**
 * A Git path as a Flux Kustomization takes it (`./clusters/prod/ai`), or undefined when it is not a
 * relative path inside the repository.
 */
export function normalizeGitPath(path: string): string | undefined {
  const trimmed = path.trim().replace(/\/+$/, '');
  if (trimmed === '' || trimmed === '.' || trimmed === './') return '.';
  if (trimmed.startsWith('/') || /\s/.test(trimmed)) return undefined;
  const parts = trimmed.replace(/^\.\//, '').split('/');
  if (parts.some((p) => p === '..' || p === '' || p === '.')) return undefined;
  return `./${parts.join('/')}`;
}
