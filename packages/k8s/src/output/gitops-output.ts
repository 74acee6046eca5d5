// What a Pulumi stack hands `aiready synth` when GitOps, not Pulumi, installs its platform: the
// platform's objects, its releases (for `--render`) and, for Flux, how to lay them out. A stack program
// exports it as `gitops`.
import type { FluxLayoutOptions } from '../gitops/flux-options';
import { FluxMaterializer } from '../gitops/flux-materializer';
import type { AiPlatform } from '../platform/ai-platform';
import { HelmRelease, ReleaseSpec } from '../release/helm-release';
import { layoutFlux, planFluxTree } from './flux-layout';
import { KubeObject, layoutManifests, ManifestFile } from './manifests';
import { layoutStages, planInstallStages } from './wave-layout';

/** The engine that installs a target's output, and what its layout needs. */
export type TargetLayout =
  { readonly engine: 'argocd' } | { readonly engine: 'flux'; readonly flux: FluxLayoutOptions } | { readonly engine: 'rendered' };

/** The GitOps output of a platform, as plain data (a stack output). */
export interface GitOpsOutput {
  readonly engine: 'argocd' | 'flux' | 'rendered';
  readonly objects: readonly KubeObject[];
  /** The platform's Helm releases, as the engine installs them (rendered by `synth --render`). */
  readonly releases: readonly ReleaseSpec[];
  /** The Flux layout, for `engine: 'flux'`. */
  readonly flux?: FluxLayoutOptions;
}

/** The GitOps output of a platform built with the Argo CD, Flux or rendered materialiser. */
export function gitOpsOutput(platform: AiPlatform): GitOpsOutput {
  const m = platform.releaseMaterializer;
  const objects = platform.toJson() as KubeObject[];
  const releases = HelmRelease.all(platform).map((r) => r.spec);
  if (FluxMaterializer.isFluxMaterializer(m)) return { engine: 'flux', objects, releases, flux: m.layout };
  if (m.kind !== 'argocd' && m.kind !== 'rendered')
    throw new Error(`gitOpsOutput: the platform's releases are installed by ${m.kind}, not GitOps`);
  return { engine: m.kind, objects, releases };
}

/** The layout of a GitOps output. */
export function gitOpsLayout(output: GitOpsOutput): TargetLayout {
  return output.engine === 'flux' ? { engine: 'flux', flux: output.flux! } : { engine: output.engine };
}

/**
 * The review tree of objects: Flux's install stages under Flux, install waves for rendered manifests
 * (`<stage>/<component>/<kind>.yaml`), else one folder per component.
 */
export function layoutTarget(objects: readonly KubeObject[], layout?: TargetLayout): ManifestFile[] {
  if (layout?.engine === 'flux') return layoutFlux(objects, layout.flux);
  if (layout?.engine === 'rendered') return layoutStages(planInstallStages(objects));
  return layoutManifests(objects);
}

/** Every object of the target as it is applied: under Flux with the stage Kustomizations and waves. */
export function targetObjects(objects: readonly KubeObject[], layout?: TargetLayout): KubeObject[] {
  if (layout?.engine !== 'flux') return [...objects];
  const tree = planFluxTree(objects, layout.flux);
  return [...tree.entry, ...tree.stages.flatMap((s) => s.objects)];
}
