// CRDs: every custom resource's CRD is installed in the target (by a CRD object, a release, a kustomize
// base) or declared, and is installed before it (Pulumi dependencies, Argo CD sync waves).
import { ARGOCD_SYNC_WAVE, INSTALL_WAVE_ANNOTATION } from '@aiready/core';
import { chartFacts, crdsOf } from '../model/chart-facts';
import { annotationsOf, apiGroup, asString, at, describe, objectKey } from '../model/kube';
import { Findings } from '../model/findings';
import { ObjectIndex, TargetObject } from '../model/object-index';
import { PlanIndex } from '../model/plan';
import { Prerequisite, prerequisiteHint } from '../model/prerequisites';
import { Release } from '../model/releases';

/** API groups the API server (and EKS) serve without any CRD. */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'certificates.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  // Installed by EKS on every cluster (VPC CNI and its network policy agent).
  'crd.k8s.amazonaws.com',
  'vpcresources.k8s.aws',
  'networking.k8s.aws',
]);

/** Where a CRD comes from. */
interface CrdSource {
  readonly label: string;
  readonly release?: Release;
  readonly object?: TargetObject;
  readonly declared?: boolean;
}

// Argo CD's sync wave, or the install wave the Flux layout writes on every staged object.
const wave = (o: TargetObject['object']) =>
  Number(annotationsOf(o)[ARGOCD_SYNC_WAVE] ?? annotationsOf(o)[INSTALL_WAVE_ANNOTATION] ?? 0);

/** Checks that each custom resource's CRD exists and is installed first. */
export function checkCrds(
  index: ObjectIndex,
  releases: readonly Release[],
  plan: PlanIndex,
  appliedBy: Readonly<Record<string, string>>,
  prerequisites: readonly Prerequisite[],
  findings: Findings,
): void {
  const sources = new Map<string, CrdSource[]>();
  const add = (crd: string, source: CrdSource) => sources.set(crd, [...(sources.get(crd) ?? []), source]);
  for (const p of prerequisites)
    if (p.kind === 'CustomResourceDefinition') add(p.name, { label: `prerequisite (${p.reason})`, declared: true });
  for (const r of releases) for (const crd of crdsOf(r)) add(crd, { label: r.installer, release: r });
  for (const t of index.ofKind('CustomResourceDefinition')) {
    add(`${asString(at(t.object, 'spec.group'))}/${asString(at(t.object, 'spec.names.kind'))}`, {
      label: describe(t.object),
      object: t,
    });
  }
  duplicateOwners(sources, findings);
  for (const t of index.all) {
    const group = apiGroup(t.object.apiVersion);
    if (BUILT_IN_GROUPS.has(group)) continue;
    const crd = `${group}/${t.object.kind}`;
    const found = sources.get(crd) ?? [];
    const name = describe(t.object, t.namespace);
    if (!found.length) {
      findings.error(
        'crds',
        name,
        'apiVersion',
        t.object.apiVersion,
        `no CRD for ${crd} is installed by the target (no release, kustomize base or CRD object provides it)`,
        `install the component that owns ${group}, or declare the CRD a prerequisite: ${prerequisiteHint('CustomResourceDefinition', undefined, crd)}`,
      );
      continue;
    }
    if (found.some((s) => s.declared || (s.release && s.release.name === t.origin.release))) continue;
    // In order when it waits for any one of the things that install its CRD.
    const attempts = found.map((source) => {
      const trial = new Findings();
      if (t.origin.release) {
        if (source.release)
          orderReleases(
            releases.find((r) => r.name === t.origin.release),
            source.release,
            crd,
            plan,
            trial,
          );
      } else if (source.release) orderObject(t, name, source.release, crd, plan, appliedBy, trial);
      else if (source.object && !source.object.origin.release && wave(t.object) < wave(source.object.object))
        trial.error(
          'crds',
          name,
          `metadata.annotations.${ARGOCD_SYNC_WAVE}`,
          wave(t.object),
          `syncs before ${source.label} (wave ${wave(source.object.object)}), which defines it`,
          `give it a sync wave of at least ${wave(source.object.object)}`,
        );
      return trial.problems;
    });
    if (attempts.some((a) => a.length === 0)) continue;
    for (const p of attempts[attempts.length - 1]) findings.error(p.check, p.object, p.field, p.value, p.problem, p.fix);
  }
  // Releases that create custom resources of another release's CRDs (a chart's ServiceMonitor).
  for (const r of releases) {
    for (const crd of chartFacts(r)?.uses?.(r) ?? []) {
      const found = sources.get(crd) ?? [];
      if (!found.length)
        findings.error(
          'crds',
          r.installer,
          'values',
          crd,
          `the chart creates a ${crd}, but no CRD for it is installed`,
          'install the component that owns it, or turn that chart feature off',
        );
      else if (!found.some((s) => s.declared || s.release === r)) {
        const trials = found
          .filter((s) => s.release)
          .map((s) => {
            const trial = new Findings();
            orderReleases(r, s.release!, crd, plan, trial);
            return trial.problems;
          });
        if (trials.length && trials.every((x) => x.length))
          for (const p of trials[0]) findings.error(p.check, p.object, p.field, p.value, p.problem, p.fix);
      }
    }
  }
}

/**
 * Two Argo CD Applications that both install a CRD both own it: with Argo CD's resources finalizer,
 * deleting either deletes the CRD and every custom resource of it. (Helm's crds/ folder under Pulumi
 * only creates CRDs that do not exist yet, and never deletes them.)
 */
function duplicateOwners(sources: Map<string, CrdSource[]>, findings: Findings): void {
  const pairs = new Map<string, { owners: Release[]; crds: string[] }>();
  for (const [crd, list] of sources) {
    const apps = list.filter((s) => s.release?.wave !== undefined).map((s) => s.release!);
    if (apps.length < 2) continue;
    const key = apps.map((a) => a.installer).join(' and ');
    pairs.set(key, { owners: apps, crds: [...(pairs.get(key)?.crds ?? []), crd] });
  }
  for (const [key, { owners, crds }] of pairs) {
    const folder = owners.find((r) => chartFacts(r)?.crdsFolder) ?? owners[owners.length - 1];
    findings.error(
      'crds',
      folder.installer,
      'spec.source.helm.skipCrds',
      folder.skipCrds,
      `${key} both install ${crds.join(', ')}: with Argo CD's finalizer, deleting one Application deletes the CRDs and every custom resource of them`,
      `set skipCrds: true on ${folder.installer} so one Application owns the CRDs`,
    );
  }
}

/** An own object is applied after the release that installs its CRD. */
function orderObject(
  t: TargetObject,
  name: string,
  release: Release,
  crd: string,
  plan: PlanIndex,
  appliedBy: Readonly<Record<string, string>>,
  findings: Findings,
): void {
  const applier = appliedBy[objectKey(t.object, t.namespace)];
  if (applier && release.planKey) {
    if (!plan.dependenciesOf(applier).has(release.planKey))
      findings.error(
        'crds',
        name,
        'metadata',
        applier,
        `is applied by ${applier}, which does not wait for ${release.installer} that installs the ${crd} CRD`,
        `make ${applier} depend on ${release.planKey}`,
      );
    return;
  }
  if (release.wave !== undefined && !applier && wave(t.object) <= release.wave)
    findings.error(
      'crds',
      name,
      `metadata.annotations.${ARGOCD_SYNC_WAVE}`,
      wave(t.object),
      `syncs in wave ${wave(t.object)}, not after ${release.installer} (wave ${release.wave}) that installs the ${crd} CRD`,
      `give it a sync wave greater than ${release.wave}`,
    );
}

/** A release that creates custom resources is installed after the release that owns their CRD. */
function orderReleases(user: Release | undefined, owner: Release, crd: string, plan: PlanIndex, findings: Findings): void {
  if (!user) return;
  if (user.planKey && owner.planKey) {
    if (!plan.dependenciesOf(user.planKey).has(owner.planKey))
      findings.error(
        'crds',
        user.installer,
        'dependsOn',
        owner.planKey,
        `creates ${crd} objects but does not wait for ${owner.installer}, which installs that CRD`,
        `make ${user.planKey} depend on ${owner.planKey}`,
      );
    return;
  }
  if (user.wave !== undefined && owner.wave !== undefined && user.wave <= owner.wave)
    findings.error(
      'crds',
      user.installer,
      `metadata.annotations.${ARGOCD_SYNC_WAVE}`,
      user.wave,
      `creates ${crd} objects in the same or an earlier wave than ${owner.installer} (wave ${owner.wave}), which installs that CRD`,
      `give it a sync wave greater than ${owner.wave}`,
    );
}
