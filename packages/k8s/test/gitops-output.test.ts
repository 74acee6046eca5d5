import { App } from 'cdk8s';
import { INSTALL_WAVE_ANNOTATION } from '@aiready/core';
import { AiPlatform, gitOpsLayout, gitOpsOutput, layoutManifests, layoutTarget, ReleaseMaterializer } from '../src';

const POOLS = [{ name: 'l4', instanceTypes: ['g6.xlarge'] }];

function platform(materializer: ReleaseMaterializer) {
  return new AiPlatform(new App(), 'platform', { clusterName: 'c1', pools: POOLS, releaseMaterializer: materializer });
}

describe('gitOpsOutput', () => {
  test('Flux: the objects and the layout, which lays them out in install stages', () => {
    // GIVEN a Flux platform
    const m = ReleaseMaterializer.flux({ path: './dist/ai-platform-dev' });
    // WHEN
    const out = gitOpsOutput(platform(m));
    // THEN
    expect(out.engine).toBe('flux');
    expect(out.flux).toEqual(m.layout);
    expect(out.objects.filter((o) => o.kind === 'HelmRelease').length).toBeGreaterThan(0);
    const paths = layoutTarget(out.objects, gitOpsLayout(out)).map((f) => f.path);
    expect(paths).toContain('flux/gitops/kustomization.yaml');
    expect(paths).toContain('namespaces/gpu-operator/namespace.yaml');
    // The output is plain data, as a Pulumi stack output must be.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  test('Argo CD: the objects, laid out one folder per component', () => {
    const out = gitOpsOutput(platform(ReleaseMaterializer.argoCd()));
    expect(out).toMatchObject({ engine: 'argocd' });
    expect(out.flux).toBeUndefined();
    expect(layoutTarget(out.objects, gitOpsLayout(out))).toEqual(layoutManifests(out.objects));
  });

  test('rendered: the releases as data, every object with its wave, laid out one folder per wave', () => {
    // GIVEN a platform installed as rendered manifests; WHEN
    const out = gitOpsOutput(platform(ReleaseMaterializer.rendered()));
    // THEN no Application or HelmRelease, the releases for synth --render, each object's wave stated
    expect(out.engine).toBe('rendered');
    expect(out.objects.filter((o) => ['Application', 'HelmRelease'].includes(o.kind))).toEqual([]);
    expect(out.releases.map((r) => r.releaseName)).toContain('gpu-operator');
    const waves = out.objects.map(
      (o) => (o.metadata as { annotations?: Record<string, string> }).annotations?.[INSTALL_WAVE_ANNOTATION],
    );
    expect(waves.filter((w) => w === undefined)).toEqual([]);
    // AND the tree is by wave: namespaces, configuration, then custom resources
    const paths = layoutTarget(out.objects, gitOpsLayout(out)).map((f) => f.path);
    expect(paths).toContain('namespaces/gpu-operator/namespace.yaml');
    expect(paths).toContain('custom-resources/gpu-node-pool/nodepool.yaml');
    expect(paths.every((p) => /^(namespaces|configuration|releases|custom-resources)\//.test(p))).toBe(true);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  test('throws when the platform is installed by Pulumi, not GitOps', () => {
    expect(() => gitOpsOutput(platform(ReleaseMaterializer.external()))).toThrow(/installed by external, not GitOps/);
  });
});
