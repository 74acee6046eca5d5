// The platform's objects by install wave: one stage per wave, in order. Flux applies each stage with a
// Kustomization (flux-layout.ts); under `ReleaseMaterializer.rendered()` synth writes each stage to
// `manifests/<stage>/` and `install.sh` applies them one after the other, with the rendered releases of
// the same wave.
import { INSTALL_WAVE_ANNOTATION } from '@aiready/core';
import { fluxStageName } from '../gitops/flux-plan';
import { objectWave } from '../release/apply-order';
import { KubeObject, layoutManifests, ManifestFile } from './manifests';

/** The objects of one install wave. */
export interface InstallStage {
  readonly wave: number;
  /** Folder under `manifests/`; it depends on the wave only (a Flux Kustomization is named after it). */
  readonly folder: string;
  readonly objects: readonly KubeObject[];
}

/** The wave an object states in `aiready.dev/install-wave`, if any. */
export function annotatedWave(o: KubeObject): number | undefined {
  const w = (o.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[INSTALL_WAVE_ANNOTATION];
  return w === undefined ? undefined : Number(w);
}

/**
 * Groups objects into stages, lowest wave first: an object's wave is the one it states, else
 * `waveOf(object)` (by default {@link objectWave}).
 */
export function planInstallStages(
  objects: readonly KubeObject[],
  waveOf: (o: KubeObject) => number = (o) => objectWave(o),
): InstallStage[] {
  const byWave = new Map<number, KubeObject[]>();
  for (const o of objects) {
    const wave = annotatedWave(o) ?? waveOf(o);
    byWave.set(wave, [...(byWave.get(wave) ?? []), o]);
  }
  return [...byWave.entries()]
    .sort(([a], [b]) => a - b)
    .map(([wave, objs]) => ({ wave, folder: fluxStageName(wave), objects: objs }));
}

/** Files of stages: `<stage>/<component>/<kind>.yaml`. */
export function layoutStages(stages: readonly InstallStage[]): ManifestFile[] {
  return stages
    .flatMap((s) => layoutManifests(s.objects).map((f) => ({ ...f, path: `${s.folder}/${f.path}` })))
    .sort((a, b) => a.path.localeCompare(b.path));
}
