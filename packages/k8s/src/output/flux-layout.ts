// The review tree of a platform installed by Flux is also what Flux applies: `manifests/flux/` holds
// the Flux objects (sources, kustomize bases and one Kustomization per install stage), and
// `manifests/<stage>/` every object of one install wave. Each stage's Kustomization waits for the
// previous wave's, so Flux installs wave by wave, in the order Argo CD's sync waves give.
import { CREATES_NAMESPACE_ANNOTATION, INSTALL_WAVE_ANNOTATION } from '@aiready/core';
import type { FluxLayoutOptions } from '../gitops/flux-options';
import { FLUX_ENTRY_FOLDER, planFluxDependsOn } from '../gitops/flux-plan';
import { FLUX_GVK, FluxKustomizationSpec, isFluxKustomization, isFluxSource } from '../gitops/flux-objects';
import { objectWave } from '../release/apply-order';
import { componentLabels } from '../private/metadata';
import { KubeObject, layoutManifests, ManifestFile } from './manifests';
import { annotatedWave, InstallStage, layoutStages, planInstallStages } from './wave-layout';

type Meta = { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };

function meta(o: KubeObject): Meta {
  return (o.metadata ?? {}) as Meta;
}

/** One install stage: the objects of one wave, applied by one Flux Kustomization. */
export type FluxStage = InstallStage;

/** The Flux tree of a set of objects, before it is written: the entry objects and the stages. */
export interface FluxTree {
  /** What the user's root Kustomization applies: sources, kustomize bases, stage Kustomizations. */
  readonly entry: readonly KubeObject[];
  readonly stages: readonly FluxStage[];
}

function joinPath(base: string, ...parts: string[]): string {
  return [base === '.' ? '.' : base, ...parts].join('/');
}

/**
 * Plans the Flux tree: each object goes to the stage of its wave (a HelmRelease's from its
 * `aiready.dev/install-wave` annotation, any other object's from {@link objectWave}, after the base
 * that creates its namespace), and every stage and kustomize base waits for all of the nearest lower
 * wave ({@link planFluxDependsOn}).
 */
export function planFluxTree(objects: readonly KubeObject[], options: FluxLayoutOptions): FluxTree {
  const entryIn = objects.filter((o) => isFluxSource(o) || isFluxKustomization(o));
  const bases = entryIn.filter(isFluxKustomization);
  const created = new Map(
    bases
      .filter((b) => meta(b).annotations?.[CREATES_NAMESPACE_ANNOTATION] !== undefined)
      .map((b) => [meta(b).annotations![CREATES_NAMESPACE_ANNOTATION], annotatedWave(b) ?? 0]),
  );
  // Every object says its wave, as under Argo CD, so a reviewer or a checker sees it without the folder.
  const withWave = (o: KubeObject, wave: number): KubeObject =>
    annotatedWave(o) === wave
      ? o
      : ({
          ...o,
          metadata: { ...meta(o), annotations: { ...meta(o).annotations, [INSTALL_WAVE_ANNOTATION]: String(wave) } },
        } as KubeObject);
  const stages = planInstallStages(
    objects.filter((x) => !entryIn.includes(x)),
    (o) => objectWave(o, created),
  ).map((s) => ({ ...s, objects: s.objects.map((o) => withWave(o, s.wave)) }));
  const stageName = (s: FluxStage) => `${options.name}-${s.folder}`;
  const dependsOn = planFluxDependsOn([
    ...stages.map((s) => ({ name: stageName(s), wave: s.wave })),
    ...bases.map((b) => ({ name: meta(b).name ?? '', wave: annotatedWave(b) ?? 0 })),
  ]);
  const refs = (name: string) => {
    const names = dependsOn.get(name) ?? [];
    return names.length ? { dependsOn: names.map((n) => ({ name: n })) } : {};
  };
  const source = options.gitRepository;
  const stageObjects: KubeObject[] = stages.map((s) => {
    const releases = s.objects.filter(
      (o) => o.apiVersion === FLUX_GVK.helmRelease.apiVersion && o.kind === FLUX_GVK.helmRelease.kind,
    );
    const spec: FluxKustomizationSpec = {
      interval: options.interval,
      retryInterval: '1m',
      timeout: options.timeout,
      path: joinPath(options.path, 'manifests', s.folder),
      prune: true,
      sourceRef: {
        kind: 'GitRepository',
        name: source.name,
        ...(source.namespace !== options.namespace ? { namespace: source.namespace } : {}),
      },
      ...refs(stageName(s)),
      // The stage is ready once its releases are: Flux then starts the next wave. Plain objects are
      // ready once applied; a workload that needs later waves (a GPU pod and its NodePool) never
      // blocks the install.
      ...(releases.length
        ? {
            healthChecks: releases
              .map((r) => ({
                apiVersion: r.apiVersion,
                kind: r.kind,
                name: meta(r).name ?? '',
                namespace: meta(r).namespace ?? options.namespace,
              }))
              .sort((a, b) => a.name.localeCompare(b.name)),
          }
        : {}),
    };
    return {
      ...FLUX_GVK.kustomization,
      metadata: {
        name: stageName(s),
        namespace: options.namespace,
        labels: componentLabels('gitops'),
        annotations: { [INSTALL_WAVE_ANNOTATION]: String(s.wave) },
      },
      spec: spec as unknown as Record<string, unknown>,
    };
  });
  const entry = [
    ...entryIn.map((o) => (isFluxKustomization(o) ? { ...o, spec: { ...(o.spec as object), ...refs(meta(o).name ?? '') } } : o)),
    ...stageObjects,
  ];
  return { entry, stages };
}

/**
 * Lays a Flux platform out as files: `flux/<component>/<kind>.yaml` for the entry (point one Flux
 * Kustomization at `<path>/manifests/flux`), `<stage>/<component>/<kind>.yaml` for each stage.
 */
export function layoutFlux(objects: readonly KubeObject[], options: FluxLayoutOptions): ManifestFile[] {
  const tree = planFluxTree(objects, options);
  const under = (folder: string, files: ManifestFile[]) => files.map((f) => ({ ...f, path: `${folder}/${f.path}` }));
  return [...under(FLUX_ENTRY_FOLDER, layoutManifests(tree.entry)), ...layoutStages(tree.stages)].sort((a, b) =>
    a.path.localeCompare(b.path),
  );
}
