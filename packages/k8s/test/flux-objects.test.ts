import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { CRDS } from '../../../test/support/crd-schema';
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

  const dir = path.join(CRDS, 'flux');
  const have = fs.existsSync(dir);
  if (!have) process.stderr.write(`SKIPPED: Flux served versions, ${dir} not found\n`);
  (have ? test : test.skip)('every kind is written at the version the pinned Flux controllers serve', () => {
    const served = new Set(
      fs.readdirSync(dir).flatMap((f) => {
        const crd = YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
        return crd.spec.versions
          .filter((v: { served: boolean }) => v.served)
          .map((v: { name: string }) => `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`);
      }),
    );
    for (const gvk of Object.values(FLUX_GVK)) expect(served).toContain(`${gvk.apiVersion}/${gvk.kind}`);
  });
});
