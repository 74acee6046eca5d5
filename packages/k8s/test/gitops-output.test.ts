import { App } from 'cdk8s';
import { AiPlatform, gitOpsOutput, layoutManifests, layoutTarget, ReleaseMaterializer } from '../src';

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
    const paths = layoutTarget(out.objects, out.flux).map((f) => f.path);
    expect(paths).toContain('flux/gitops/kustomization.yaml');
    expect(paths).toContain('namespaces/gpu-operator/namespace.yaml');
    // The output is plain data, as a Pulumi stack output must be.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  test('Argo CD: the objects, laid out one folder per component', () => {
    const out = gitOpsOutput(platform(ReleaseMaterializer.argoCd()));
    expect(out).toMatchObject({ engine: 'argocd' });
    expect(out.flux).toBeUndefined();
    expect(layoutTarget(out.objects)).toEqual(layoutManifests(out.objects));
  });

  test('throws when the platform is installed by Pulumi, not GitOps', () => {
    expect(() => gitOpsOutput(platform(ReleaseMaterializer.external()))).toThrow(/installed by external, not GitOps/);
  });
});
