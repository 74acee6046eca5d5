import { SchemaBundle } from '@aiready/validate';
import { FLUX_GVK, isFluxKustomization, isFluxSource } from '../src';

describe('Flux kinds', () => {
  it.each([
    [{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository' }, true, false],
    [{ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }, true, false],
    [{ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' }, false, true],
    // kustomize's own kustomization.yaml is not a Flux object
    [{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' }, false, false],
    [{ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' }, false, false],
  ])('%j: source %s, Kustomization %s', (obj, source, kustomization) => {
    expect(isFluxSource(obj)).toBe(source);
    expect(isFluxKustomization(obj)).toBe(kustomization);
  });

  test('every kind is written at a version the pinned Flux controllers serve (the bundled CRDs)', () => {
    const served = new Set(SchemaBundle.bundled().knownKinds());
    for (const gvk of Object.values(FLUX_GVK)) expect(served).toContain(`${gvk.apiVersion}/${gvk.kind}`);
  });
});
