// The order a platform is installed in: one rule for Argo CD's sync waves, Flux's stages and Pulumi's
// dependencies. Objects get a wave from their kind; releases and kustomize bases carry their own.
import { AireadyValidationError, ARGOCD_SYNC_OPTIONS, ARGOCD_SYNC_WAVE, ValidationProblem } from '@aiready/core';
import type { ReleaseSpec } from './helm-release';
import type { KustomizationSpec } from './kustomize-release';

/**
 * When an object is applied:
 * - `namespace`: first, everything else lives in them;
 * - `configuration`: before the releases, because the charts read them (the GPU operator's device
 *   plugin and MIG ConfigMaps, the default StorageClass Prometheus' volume claims, Secrets, RBAC,
 *   quotas, network policies);
 * - `after-releases`: custom resources (their CRDs come with the releases) and workloads (a job
 *   labelled for Kueue must not start before Kueue's webhook can suspend it).
 */
export type ApplyPhase = 'namespace' | 'configuration' | 'after-releases';

/**
 * The install waves of the platform's own objects. Releases install between configuration and custom
 * resources: CRD owners at -1, the others at 0, unless a release says otherwise.
 */
export const OBJECT_WAVES = { namespace: -10, configuration: -5, workload: 0, customResource: 1 } as const;

const CONFIGURATION_KINDS: ReadonlySet<string> = new Set([
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'PriorityClass',
  'ResourceQuota',
  'LimitRange',
  'NetworkPolicy',
]);

/** The phase of an object; see {@link ApplyPhase}. */
export function applyPhase(obj: { readonly apiVersion: string; readonly kind: string }): ApplyPhase {
  if (obj.kind === 'Namespace') return 'namespace';
  return !isCustomResource(obj) && CONFIGURATION_KINDS.has(obj.kind) ? 'configuration' : 'after-releases';
}

/** True for objects of an API group Kubernetes does not serve itself (their CRD comes from a release). */
export function isCustomResource(obj: { readonly apiVersion: string }): boolean {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  return !(group === '' || !group.includes('.') || group.endsWith('.k8s.io'));
}

/** An object as the install order sees it. */
export interface OrderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly namespace?: string };
}

/**
 * The install wave of a platform object: namespaces -10, configuration -5, workloads 0, custom
 * resources 1. An object in a namespace a kustomize base creates (`createdNamespaces`: namespace → the
 * base's wave) installs after that base, else it would be applied into a namespace that does not exist
 * yet (the network policies aiready puts in Kubeflow Pipelines' `kubeflow`).
 */
export function objectWave(obj: OrderedObject, createdNamespaces: ReadonlyMap<string, number> = new Map()): number {
  const phase = applyPhase(obj);
  const wave =
    phase === 'namespace'
      ? OBJECT_WAVES.namespace
      : phase === 'configuration'
        ? OBJECT_WAVES.configuration
        : isCustomResource(obj)
          ? OBJECT_WAVES.customResource
          : OBJECT_WAVES.workload;
  const creator = obj.kind === 'Namespace' ? undefined : createdNamespaces.get(obj.metadata?.namespace ?? '');
  return creator === undefined ? wave : Math.max(wave, creator + 1);
}

/** The namespaces kustomize bases create, with the wave of the base that creates each. */
export function createdNamespaces(kustomizations: readonly KustomizationSpec[]): Map<string, number> {
  return new Map(kustomizations.filter((k) => k.createsNamespace).map((k) => [k.namespace, k.wave]));
}

/**
 * The Argo CD sync wave and options of a platform object ({@link objectWave}); custom resources
 * tolerate a CRD still being installed at dry-run. Undefined when the object keeps the default wave 0.
 */
export function argoCdOrder(
  obj: OrderedObject,
  created: ReadonlyMap<string, number> = new Map(),
): Record<string, string> | undefined {
  const wave = objectWave(obj, created);
  const custom = isCustomResource(obj);
  if (wave === 0 && !custom) return undefined;
  return { [ARGOCD_SYNC_WAVE]: String(wave), ...(custom ? { [ARGOCD_SYNC_OPTIONS]: 'SkipDryRunOnMissingResource=true' } : {}) };
}

/** How a release waits for others: order constraints between releases. */
export interface ReleasePlanEntry {
  readonly release: ReleaseSpec;
  /**
   * Names this one waits for: CRD-owning releases of the same component with a lower wave, and what
   * the release itself names (`after`: e.g. the kustomization that installs its CRDs).
   */
  readonly after: readonly string[];
}

/**
 * Orders releases with as few edges as possible: a release waits only for CRD-owning releases of its
 * own component with a lower wave (karpenter after karpenter-crd), and for what it names in `after`.
 * Pulumi's dependencies and Flux's HelmRelease `dependsOn` are these edges; waves order the rest.
 */
export function planReleaseOrder(releases: readonly ReleaseSpec[]): ReleasePlanEntry[] {
  return releases.map((release) => ({
    release,
    after: releases
      .filter((r) => r !== release && r.component === release.component && r.ownsCrds && r.wave < release.wave)
      .map((r) => r.releaseName)
      .concat(release.after),
  }));
}

/** The first cycle of `edges` (name → names it waits for), as a closed path, or undefined. */
function findCycle(names: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const next of edges.get(n) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of names) {
    const cycle = visit(n);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Problems in the install order of releases and kustomize bases: duplicate names, `after` naming
 * nothing, a cycle, an `after` whose target does not install in a lower wave (Argo CD, Flux and
 * Pulumi all install wave by wave, so such an `after` could not be kept), and a CRD owner installing
 * with or after the custom resources (wave 1).
 */
export function installOrderProblems(
  releases: readonly ReleaseSpec[],
  kustomizations: readonly KustomizationSpec[] = [],
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const units = [
    ...releases.map((r) => ({ name: r.releaseName, wave: r.wave, ownsCrds: r.ownsCrds, after: r.after, kind: 'release' })),
    ...kustomizations.map((k) => ({
      name: k.name,
      wave: k.wave,
      ownsCrds: k.ownsCrds,
      after: [] as string[],
      kind: 'kustomization',
    })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  const byName = new Map<string, (typeof units)[number]>();
  for (const u of units) {
    if (byName.has(u.name)) {
      problems.push({
        path: `releases["${u.name}"]`,
        value: u.name,
        problem:
          'two releases or kustomize bases have this name; Argo CD Applications and Flux objects would overwrite each other',
        fix: 'give one of them another releaseName',
      });
    }
    byName.set(u.name, u);
  }
  const edges = new Map(units.map((u) => [u.name, u.after.filter((a) => byName.has(a))]));
  const cycle = findCycle(
    units.map((u) => u.name),
    edges,
  );
  if (cycle) {
    problems.push({
      path: `releases["${cycle[0]}"].after`,
      value: cycle,
      problem: `the install order has a cycle: ${cycle.join(' → ')}; none of them could ever be installed`,
      fix: `drop one of the after entries along ${cycle.join(' → ')}`,
    });
  }
  const inCycle = new Set(cycle ?? []);
  for (const u of units) {
    for (const name of u.after) {
      const target = byName.get(name);
      if (!target) {
        problems.push({
          path: `releases["${u.name}"].after`,
          value: name,
          problem: 'names no release or kustomize base of the platform',
          fix: `name one of ${units.map((x) => x.name).join(', ')}`,
        });
      } else if (target.wave >= u.wave && !(inCycle.has(u.name) && inCycle.has(name))) {
        problems.push({
          path: `releases["${u.name}"].after`,
          value: name,
          problem: `${u.name} waits for ${name}, but installs in wave ${u.wave} and ${name} in wave ${target.wave}; Argo CD, Flux and Pulumi install wave by wave`,
          fix: `give ${u.name} a wave above ${target.wave} (or ${name} one below ${u.wave})`,
        });
      }
    }
    if (u.ownsCrds && u.wave >= OBJECT_WAVES.customResource) {
      problems.push({
        path: `releases["${u.name}"].wave`,
        value: u.wave,
        problem: `installs CRDs, but in wave ${u.wave}, not before the platform's custom resources (wave ${OBJECT_WAVES.customResource})`,
        fix: `give it a wave below ${OBJECT_WAVES.customResource}`,
      });
    }
  }
  return problems;
}

/** Throws every {@link installOrderProblems} problem at once. */
export function checkInstallOrder(
  scope: string,
  releases: readonly ReleaseSpec[],
  kustomizations: readonly KustomizationSpec[] = [],
): void {
  const problems = installOrderProblems(releases, kustomizations);
  if (problems.length) throw new AireadyValidationError(scope, problems);
}
