// What a Pulumi stack hands `aiready synth` when GitOps, not Pulumi, installs its platform: the
// platform's objects and, for Flux, how to lay them out. A stack program exports it as `gitops`.
import type { FluxLayoutOptions } from '../gitops/flux-options';
import { FluxMaterializer } from '../gitops/flux-materializer';
import type { AiPlatform } from '../platform/ai-platform';
import { layoutFlux, planFluxTree } from './flux-layout';
import { KubeObject, layoutManifests, ManifestFile } from './manifests';

/** The GitOps output of a platform, as plain data (a stack output). */
export interface GitOpsOutput {
  readonly engine: 'argocd' | 'flux';
  readonly objects: readonly KubeObject[];
  /** The Flux layout, for `engine: 'flux'`. */
  readonly flux?: FluxLayoutOptions;
}

/** The GitOps output of a platform built with the Argo CD or Flux materialiser. */
export function gitOpsOutput(platform: AiPlatform): GitOpsOutput {
  const m = platform.releaseMaterializer;
  const objects = platform.toJson() as KubeObject[];
  if (FluxMaterializer.isFluxMaterializer(m)) return { engine: 'flux', objects, flux: m.layout };
  if (m.kind !== 'argocd') throw new Error(`gitOpsOutput: the platform's releases are installed by ${m.kind}, not GitOps`);
  return { engine: 'argocd', objects };
}

/** The review tree of objects: Flux's install stages when `flux` is given, else one folder per component. */
export function layoutTarget(objects: readonly KubeObject[], flux?: FluxLayoutOptions): ManifestFile[] {
  return flux ? layoutFlux(objects, flux) : layoutManifests(objects);
}

/** Every object of the target as it is applied: under Flux with the stage Kustomizations and waves. */
export function targetObjects(objects: readonly KubeObject[], flux?: FluxLayoutOptions): KubeObject[] {
  if (!flux) return [...objects];
  const tree = planFluxTree(objects, flux);
  return [...tree.entry, ...tree.stages.flatMap((s) => s.objects)];
}
