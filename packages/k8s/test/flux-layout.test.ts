// The Flux layout, and the proof that it installs in the order Argo CD's sync waves give.
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AiPlatform,
  AiPlatformProps,
  FluxLayoutOptions,
  KubeObject,
  layoutFlux,
  planFluxTree,
  ReleaseMaterializer,
} from '../src';
import { Obj } from './util';

const L4 = { name: 'l4', instanceTypes: ['g6.xlarge'], capacityType: 'spot' as const };
const L40S_MNG = { name: 'l40s', instanceTypes: ['g6e.xlarge'], provisioner: 'managed-node-group' as const, maxNodes: 2 };
const H100 = {
  name: 'h100',
  instanceTypes: ['p5.48xlarge'],
  purpose: 'training' as const,
  maxNodes: 2,
  zones: ['us-east-1a'],
  sharing: { mode: 'mig' as const, layout: 'all-1g.10gb' },
};

function build(props: Omit<AiPlatformProps, 'clusterName'>, engine: 'argocd' | 'flux', teams: readonly string[] = []) {
  const m = engine === 'flux' ? ReleaseMaterializer.flux({ path: './clusters/prod/ai' }) : ReleaseMaterializer.argoCd();
  const p = new AiPlatform(new App(), 'platform', { clusterName: 'c1', ...props, releaseMaterializer: m });
  for (const t of teams) p.addTeam({ name: t, gpuQuota: { [props.pools[0].name]: 1 } });
  return {
    p,
    objs: p.toJson() as KubeObject[],
    layout: engine === 'flux' ? (m as { layout: FluxLayoutOptions }).layout : undefined,
  };
}

const KFP_PLATFORM = { pools: [L4], kubeflowPipelines: true, argoWorkflows: { instanceId: 'platform' }, keda: true };

describe('layoutFlux', () => {
  test('the entry holds the Flux objects; every other object is in the stage of its wave', () => {
    // GIVEN a platform with Kubeflow Pipelines, KEDA and a team, under Flux
    const { objs, layout } = build(KFP_PLATFORM, 'flux', ['research']);
    // WHEN
    const files = layoutFlux(objs, layout!);
    // THEN
    expect(files.map((f) => f.path)).toMatchSnapshot();
    const folders = new Set(files.map((f) => f.path.split('/')[0]));
    expect([...folders].sort()).toEqual([
      'configuration',
      'custom-resources',
      'flux',
      'namespaces',
      'releases',
      'releases-wave-minus-1',
    ]);
    // Every object in a stage says its wave, as it would under Argo CD.
    for (const stage of planFluxTree(objs, layout!).stages)
      for (const o of stage.objects) expect((o.metadata as Obj).annotations['aiready.dev/install-wave']).toBe(String(stage.wave));
    // Kubeflow's network policies go in after the base that creates the `kubeflow` namespace.
    expect(files.map((f) => f.path)).toContain('releases-wave-minus-1/kubeflow-pipelines/networkpolicy.yaml');
    expect(files.filter((f) => f.path.startsWith('flux/')).map((f) => f.path)).toEqual([
      'flux/gitops/helmrepository.yaml',
      'flux/gitops/kustomization.yaml',
      'flux/gitops/ocirepository.yaml',
      'flux/kubeflow-pipelines/gitrepository.yaml',
      'flux/kubeflow-pipelines/kustomization.yaml',
    ]);
  });

  test('stage Kustomizations: a path per stage, each waiting for the previous wave, ready when its releases are', () => {
    // GIVEN
    const { objs, layout } = build(KFP_PLATFORM, 'flux');
    // WHEN
    const tree = planFluxTree(objs, layout!);
    const ks = Object.fromEntries(
      tree.entry.filter((o) => o.kind === 'Kustomization').map((o) => [o.metadata!.name, o.spec as Obj]),
    );
    // THEN
    expect(Object.fromEntries(Object.entries(ks).map(([n, s]) => [n, (s.dependsOn ?? []).map((d: Obj) => d.name)]))).toEqual({
      'aiready-namespaces': [],
      'aiready-configuration': ['aiready-namespaces'],
      'kubeflow-pipelines-cluster': ['aiready-configuration'],
      'aiready-releases-wave-minus-1': ['kubeflow-pipelines-cluster'],
      'kubeflow-pipelines': ['kubeflow-pipelines-cluster'],
      'aiready-releases': ['aiready-releases-wave-minus-1', 'kubeflow-pipelines'],
      'aiready-custom-resources': ['aiready-releases'],
    });
    expect(ks['aiready-releases']).toMatchObject({
      path: './clusters/prod/ai/manifests/releases',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    });
    // Argo Workflows waits for Kubeflow Pipelines' CRD base and the Prometheus CRDs, so it installs at 0.
    expect(ks['aiready-releases'].healthChecks).toEqual([
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'argo-workflows', namespace: 'flux-system' },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', name: 'karpenter', namespace: 'flux-system' },
    ]);
    expect(ks['aiready-releases-wave-minus-1'].healthChecks.map((h: Obj) => h.name).sort()).toEqual([
      'gpu-operator',
      'karpenter-crd',
      'keda',
      'kube-prometheus-stack',
    ]);
    // Plain objects are ready once applied: no health checks, no wait.
    expect(ks['aiready-custom-resources'].healthChecks).toBeUndefined();
    expect(ks['aiready-custom-resources'].wait).toBeUndefined();
  });

  test('a GitRepository in another namespace is referenced with it; the bootstrap root path works', () => {
    const objs = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }];
    const layout: FluxLayoutOptions = {
      namespace: 'platform-flux',
      gitRepository: { name: 'fleet', namespace: 'flux-system' },
      path: '.',
      name: 'ai',
      interval: '5m',
      timeout: '15m',
    };
    const [stage] = planFluxTree(objs, layout).entry;
    expect(stage.metadata).toMatchObject({ name: 'ai-namespaces', namespace: 'platform-flux' });
    expect(stage.spec).toMatchObject({
      path: './manifests/namespaces',
      sourceRef: { kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' },
      interval: '5m',
      timeout: '15m',
    });
  });
});

/** The engine-neutral identity of a platform object, a release or a kustomize base. */
function key(o: KubeObject): string {
  if (o.kind === 'Application' || o.kind === 'HelmRelease' || (o.kind === 'Kustomization' && o.apiVersion.includes('fluxcd')))
    return `install/${o.metadata!.name}`;
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

/** item → Argo CD sync wave, for everything but Argo CD's own repository Secrets. */
function argoWaves(objs: readonly KubeObject[]): Map<string, number> {
  const waves = new Map<string, number>();
  for (const o of objs) {
    const labels = o.metadata?.labels ?? {};
    if (labels['argocd.argoproj.io/secret-type']) continue;
    const annotations = (o.metadata as { annotations?: Record<string, string> }).annotations ?? {};
    waves.set(key(o), Number(annotations['argocd.argoproj.io/sync-wave'] ?? 0));
  }
  return waves;
}

/**
 * item → the set of items Flux installs it after: the objects of every Kustomization its own
 * Kustomization waits for (transitively), kustomize bases by their own name, plus what HelmRelease
 * `dependsOn` adds.
 */
function fluxBefore(objs: readonly KubeObject[], layout: FluxLayoutOptions): Map<string, Set<string>> {
  const tree = planFluxTree(objs, layout);
  const stageOf = new Map(tree.stages.map((s) => [`${layout.name}-${s.folder}`, s.objects.map(key)]));
  const ks = tree.entry.filter((o) => o.kind === 'Kustomization');
  const deps = new Map(ks.map((k) => [k.metadata!.name!, ((k.spec as Obj).dependsOn ?? []).map((d: Obj) => d.name) as string[]]));
  const members = (k: string) => stageOf.get(k) ?? [`install/${k}`];
  const closure = (k: string, seen = new Set<string>()): Set<string> => {
    for (const d of deps.get(k) ?? []) if (!seen.has(d)) closure(d, seen.add(d));
    return seen;
  };
  const before = new Map<string, Set<string>>();
  for (const k of deps.keys()) {
    const earlier = new Set([...closure(k)].flatMap(members));
    for (const item of members(k)) before.set(item, earlier);
  }
  // HelmRelease dependsOn only ever adds releases of lower waves (checked below as part of the order).
  for (const hr of tree.stages.flatMap((s) => s.objects).filter((o) => o.kind === 'HelmRelease')) {
    for (const d of (hr.spec as Obj).dependsOn ?? []) before.get(key(hr))!.add(`install/${d.name}`);
  }
  return before;
}

const platformProps: fc.Arbitrary<{ props: Omit<AiPlatformProps, 'clusterName'>; teams: string[] }> = fc
  .record({
    pools: fc.subarray([L4, L40S_MNG, H100], { minLength: 1 }),
    keda: fc.boolean(),
    kueue: fc.boolean(),
    kubeflowTrainer: fc.boolean(),
    kserve: fc.boolean(),
    monitoring: fc.boolean(),
    workflows: fc.constantFrom('argo-workflows' as const, 'none' as const),
    kubeflowPipelines: fc.boolean(),
    clusterAutoscaler: fc.boolean(),
    storageClass: fc.boolean(),
    teams: fc.subarray(['research', 'serving']),
  })
  .map(({ teams, ...r }) => ({
    teams,
    props: {
      pools: r.pools,
      keda: r.keda,
      kueue: r.kueue,
      kubeflowTrainer: r.kubeflowTrainer,
      ...(r.kserve ? { kserve: { certManagerInstalled: true } } : {}),
      ...(r.monitoring ? {} : { monitoring: false as const }),
      workflows: r.workflows,
      kubeflowPipelines: r.kubeflowPipelines,
      ...(r.kubeflowPipelines && r.workflows === 'argo-workflows' ? { argoWorkflows: { instanceId: 'platform' } } : {}),
      clusterAutoscaler: r.clusterAutoscaler ? { region: 'us-east-1' } : false,
      storageClass: r.storageClass,
    },
  }));

test('property: for random platforms, Flux installs every object, release and base after exactly those Argo CD syncs in earlier waves', () => {
  fc.assert(
    fc.property(platformProps, ({ props, teams }) => {
      // GIVEN the same platform for Argo CD and for Flux
      const argo = argoWaves(build(props, 'argocd', teams).objs);
      const flux = build(props, 'flux', teams);
      // WHEN
      const before = fluxBefore(flux.objs, flux.layout!);
      // THEN both install the same things, Flux's engine objects (sources, stages) aside
      expect([...before.keys()].sort()).toEqual([...argo.keys()].sort());
      // and Flux installs a after b exactly when Argo CD syncs b in an earlier wave than a
      for (const [a, waveA] of argo) {
        const earlier = [...argo].filter(([, w]) => w < waveA).map(([b]) => b);
        expect([...before.get(a)!].sort()).toEqual(earlier.sort());
      }
    }),
    { numRuns: 60 },
  );
});
