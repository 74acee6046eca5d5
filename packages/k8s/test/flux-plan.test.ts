import * as fc from 'fast-check';
import { fluxChartSource, fluxStageName, normalizeGitPath, planFluxDependsOn, sourceName } from '../src';

/** Every unit `name` transitively waits for under `dependsOn`. */
function ancestors(dependsOn: ReadonlyMap<string, readonly string[]>, name: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(dependsOn.get(name) ?? [])];
  while (todo.length) {
    const n = todo.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    todo.push(...(dependsOn.get(n) ?? []));
  }
  return seen;
}

describe('planFluxDependsOn', () => {
  test('each unit waits for the whole nearest lower wave', () => {
    // GIVEN stages and kustomize bases at Kubeflow Pipelines' waves
    const units = [
      { name: 'namespaces', wave: -10 },
      { name: 'configuration', wave: -5 },
      { name: 'kfp-cluster', wave: -2 },
      { name: 'kfp', wave: -1 },
      { name: 'crd-releases', wave: -1 },
      { name: 'releases', wave: 0 },
    ];
    // WHEN
    const plan = planFluxDependsOn(units);
    // THEN
    expect(Object.fromEntries(plan)).toEqual({
      namespaces: [],
      configuration: ['namespaces'],
      'kfp-cluster': ['configuration'],
      kfp: ['kfp-cluster'],
      'crd-releases': ['kfp-cluster'],
      releases: ['crd-releases', 'kfp'],
    });
  });

  test('property: a unit waits, transitively, for exactly the units of lower waves (the Argo CD wave order)', () => {
    const units = fc
      .uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z]{1,6}$/), wave: fc.integer({ min: -12, max: 3 }) }), {
        selector: (u) => u.name,
        maxLength: 14,
      })
      .filter((us) => us.length > 0);
    fc.assert(
      fc.property(units, (us) => {
        const plan = planFluxDependsOn(us);
        for (const u of us) {
          const lower = us.filter((v) => v.wave < u.wave).map((v) => v.name);
          expect([...ancestors(plan, u.name)].sort()).toEqual(lower.sort());
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('fluxStageName', () => {
  it.each([
    [-10, 'namespaces'],
    [-5, 'configuration'],
    [-1, 'releases-wave-minus-1'],
    [0, 'releases'],
    [1, 'custom-resources'],
    [2, 'releases-wave-2'],
  ])('wave %d: %s', (wave, name) => {
    expect(fluxStageName(wave)).toBe(name);
  });
});

describe('sourceName', () => {
  it.each([
    ['https://helm.ngc.nvidia.com/nvidia', 'helm-ngc-nvidia-com-nvidia'],
    ['https://prometheus-community.github.io/helm-charts', 'prometheus-community-github-io-helm-charts'],
    ['https://github.com/kubeflow/pipelines', 'github-com-kubeflow-pipelines'],
    [`https://example.com/${'a'.repeat(80)}`, `example-com-${'a'.repeat(51)}`],
  ])('%s: %s', (url, name) => {
    expect(sourceName(url)).toBe(name);
    expect(name.length).toBeLessThanOrEqual(63);
  });
});

describe('fluxChartSource', () => {
  it.each([
    ['https://kedacore.github.io/charts', 'HelmRepository'],
    ['oci://public.ecr.aws/karpenter', 'OCIRepository'],
    ['http://charts.example.com', undefined],
    ['s3://bucket/charts', undefined],
    ['./charts/gpu-operator', undefined],
    ['git+https://github.com/org/charts', undefined],
    ['https://', undefined],
  ])('%s: %s', (repository, kind) => {
    expect(fluxChartSource(repository)).toBe(kind);
  });
});

describe('normalizeGitPath', () => {
  it.each([
    ['./clusters/prod/ai', './clusters/prod/ai'],
    ['clusters/prod/ai/', './clusters/prod/ai'],
    ['.', '.'],
    ['./', '.'],
    ['/abs/path', undefined],
    ['../outside', undefined],
    ['a/../b', undefined],
    ['a//b', undefined],
    ['with space', undefined],
  ])('%s: %s', (path, normalized) => {
    expect(normalizeGitPath(path)).toBe(normalized);
  });
});
