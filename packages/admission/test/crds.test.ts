import { checkAdmission, fluxPrerequisites, KubeObject, releasesOf } from '../src';
import { ObjectIndex } from '../src/model/object-index';
import { PlanIndex } from '../src/model/plan';
import { planResource } from './fixtures/target';
import { broken, problems, refusal, Target } from './support';

const HELM = 'kubernetes:helm.sh/v3:Release';
const dropPlan = (t: Target, name: string) =>
  t.plan.resources.splice(
    t.plan.resources.findIndex((r) => r.name === name),
    1,
  );

/** A GitOps target: an Argo CD Application installs Karpenter's CRDs, a NodePool follows in a later wave. */
function gitops(nodePoolWave: string): {
  objects: KubeObject[];
  prerequisites: { kind: string; name: string; reason: string }[];
} {
  return {
    objects: [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'karpenter-crd', namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
        spec: {
          destination: { namespace: 'kube-system' },
          source: { chart: 'karpenter-crd', targetRevision: '1.14.1', helm: { valuesObject: {} } },
        },
      },
      {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: 'cpu', annotations: { 'argocd.argoproj.io/sync-wave': nodePoolWave } },
        spec: { template: { spec: { nodeClassRef: { name: 'cpu' }, requirements: [] } } },
      },
    ],
    prerequisites: [
      { kind: 'Namespace', name: 'argocd', reason: 'Argo CD applies the GitOps output' },
      { kind: 'CustomResourceDefinition', name: 'argoproj.io/Application', reason: 'Argo CD applies the GitOps output' },
    ],
  };
}

describe('offline admission: CRDs', () => {
  test('admits the valid target', () => {
    expect(
      problems(
        broken(() => {}),
        'crds',
      ),
    ).toEqual([]);
  });

  test.each<[string, (t: Target) => void, string]>([
    [
      "only the karpenter chart's crds/ folder installs the CRDs, and nothing waits for it",
      (t) => dropPlan(t, 'platform-karpenter-crd'),
      'NodePool cpu metadata = "kubernetes:yaml/v2:ConfigGroup::platform-objects": is applied by kubernetes:yaml/v2:ConfigGroup::platform-objects, which does not wait for release platform-karpenter',
    ],
    [
      'the objects are applied before the release that installs their CRD',
      (t) =>
        (planResource(t, 'kubernetes:yaml/v2:ConfigGroup', 'platform-objects').dependsOn = [`${HELM}::platform-karpenter-crd`]),
      'which does not wait for release platform-kueue that installs the kueue.x-k8s.io/ClusterQueue CRD',
    ],
    [
      "a chart's ServiceMonitor is installed before the Prometheus CRDs (issue 13 item 12)",
      (t) => (planResource(t, HELM, 'platform-argo-workflows').dependsOn = []),
      'creates monitoring.coreos.com/ServiceMonitor objects but does not wait for release platform-kube-prometheus-stack',
    ],
    [
      "no release installs Karpenter's CRDs (the chart's crds/ folder is skipped)",
      (t) => {
        dropPlan(t, 'platform-karpenter-crd');
        planResource(t, HELM, 'platform-karpenter').inputs.skipCrds = true;
      },
      'NodePool cpu apiVersion = "karpenter.sh/v1": no CRD for karpenter.sh/NodePool is installed by the target',
    ],
  ])('throws when %s', (_, mutate, expected) => {
    expect(refusal(broken(mutate))).toContain(expected);
  });

  test('throws when a custom resource syncs in the same Argo CD wave as the Application installing its CRD', () => {
    const report = checkAdmission(gitops('-1'));
    expect(report.problems.map((p) => p.problem)).toEqual([
      'syncs in wave -1, not after Application argocd/karpenter-crd (wave -1) that installs the karpenter.sh/NodePool CRD',
    ]);
  });

  test.each([
    [false, ['Application argocd/karpenter']],
    [true, []],
  ])(
    'with the karpenter chart skipCrds=%s, two Applications own the Karpenter CRDs: %j (issue 13 item 11)',
    (skipCrds, objects) => {
      // GIVEN both the karpenter-crd and the karpenter Applications
      const t = gitops('0');
      t.objects.push({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'karpenter', namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '0' } },
        spec: { destination: { namespace: 'kube-system' }, source: { chart: 'karpenter', helm: { skipCrds } } },
      });
      // THEN the one without skipCrds is refused, naming the finalizer risk
      const found = checkAdmission(t).problems.filter((p) => p.check === 'crds');
      expect(found.map((p) => p.object)).toEqual(objects);
      if (objects.length)
        expect(found[0].problem).toContain('deleting one Application deletes the CRDs and every custom resource of them');
    },
  );

  test('a later Argo CD wave is in order', () => {
    expect(checkAdmission(gitops('0')).problems).toEqual([]);
  });

  test('a declared CRD prerequisite satisfies custom resources', () => {
    // GIVEN no Karpenter CRD release, but the CRDs declared as installed out of band
    const t = broken((x) => {
      dropPlan(x, 'platform-karpenter-crd');
      x.prerequisites = [
        ...(x.prerequisites ?? []),
        ...['karpenter.sh/NodePool', 'karpenter.sh/NodeOverlay', 'karpenter.k8s.aws/EC2NodeClass'].map((name) => ({
          kind: 'CustomResourceDefinition',
          name,
          reason: 'installed by the cluster team',
        })),
      ];
    });
    expect(problems(t, 'crds')).toEqual([]);
  });

  describe('Flux output', () => {
    const WAVE = 'aiready.dev/install-wave';
    /** Flux: an OCIRepository and HelmRelease install Karpenter's CRDs; a NodePool is applied in `nodePoolWave`. */
    function flux(
      nodePoolWave: string,
      crds: 'CreateReplace' | 'Skip' = 'CreateReplace',
    ): { objects: KubeObject[]; prerequisites: ReturnType<typeof fluxPrerequisites> } {
      return {
        objects: [
          {
            apiVersion: 'source.toolkit.fluxcd.io/v1',
            kind: 'OCIRepository',
            metadata: { name: 'karpenter-crd', namespace: 'flux-system' },
            spec: { url: 'oci://public.ecr.aws/karpenter/karpenter-crd', ref: { tag: '1.14.1' } },
          },
          {
            apiVersion: 'helm.toolkit.fluxcd.io/v2',
            kind: 'HelmRelease',
            metadata: { name: 'karpenter-crd', namespace: 'flux-system', annotations: { [WAVE]: '-1' } },
            spec: {
              releaseName: 'karpenter-crd',
              targetNamespace: 'kube-system',
              chartRef: { kind: 'OCIRepository', name: 'karpenter-crd' },
              install: { crds },
            },
          },
          {
            apiVersion: 'karpenter.sh/v1',
            kind: 'NodePool',
            metadata: { name: 'cpu', annotations: { [WAVE]: nodePoolWave } },
            spec: { template: { spec: { nodeClassRef: { name: 'cpu' }, requirements: [] } } },
          },
        ],
        prerequisites: fluxPrerequisites(),
      };
    }

    test('a HelmRelease is a release: chart from its OCIRepository, namespace, CRD policy and wave', () => {
      const t = flux('1', 'Skip');
      const index = new ObjectIndex(t.objects.map((object) => ({ object, origin: {}, namespace: object.metadata?.namespace })));
      expect(releasesOf(index, new PlanIndex(undefined))).toEqual([
        expect.objectContaining({
          name: 'karpenter-crd',
          type: 'helm',
          chart: 'karpenter-crd',
          version: '1.14.1',
          namespace: 'kube-system',
          skipCrds: true,
          installer: 'HelmRelease flux-system/karpenter-crd',
          wave: -1,
        }),
      ]);
    });

    test('a custom resource in a later install stage is in order, with Flux declared', () => {
      expect(checkAdmission(flux('1')).problems).toEqual([]);
    });

    test('throws when a custom resource is in the same install stage as the HelmRelease installing its CRD', () => {
      expect(checkAdmission(flux('-1')).problems.map((p) => p.problem)).toEqual([
        'syncs in wave -1, not after HelmRelease flux-system/karpenter-crd (wave -1) that installs the karpenter.sh/NodePool CRD',
      ]);
    });

    test('throws when Flux itself is not declared', () => {
      const found = checkAdmission({ objects: flux('1').objects }).problems.map((p) => p.problem);
      expect(found).toContain(
        'no CRD for helm.toolkit.fluxcd.io/HelmRelease is installed by the target (no release, kustomize base or CRD object provides it)',
      );
    });
  });
});
