import { captureResources, ofType, settle } from './mocks';
const captured = captureResources();
import { AiPlatform, ReleaseMaterializer } from '@aiready/k8s';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { PlatformDeployment, planReleaseOrder, splitObjects } from '../src';

function platform(materializer = ReleaseMaterializer.external()) {
  return new AiPlatform(new App(), 'platform', {
    clusterName: 'c1',
    pools: [{ name: 'l4', instanceTypes: ['g6.xlarge'] }],
    releaseMaterializer: materializer,
  });
}

describe('PlatformDeployment', () => {
  test('releases as helm.v3.Release with hooks, namespaces first, objects after CRD owners', async () => {
    const provider = new k8s.Provider('k', { kubeconfig: '{}' });
    new PlatformDeployment('pd', { platform: platform(), provider });
    await settle();
    const releases = ofType(captured, 'kubernetes:helm.sh/v3:Release');
    expect(releases.map((r) => r.inputs.name).sort()).toEqual([
      'argo-workflows',
      'gpu-operator',
      'karpenter',
      'karpenter-crd',
      'kube-prometheus-stack',
    ]);
    const karpenter = releases.find((r) => r.inputs.name === 'karpenter')!;
    expect(karpenter.inputs).toMatchObject({
      chart: 'oci://public.ecr.aws/karpenter/karpenter',
      version: '1.14.1',
      createNamespace: false,
    });
    expect(karpenter.inputs.repositoryOpts).toBeUndefined();
    // The karpenter-crd release owns Karpenter's CRDs; the controller chart's copies are skipped.
    expect(karpenter.inputs.skipCrds).toBe(true);
    expect(releases.find((r) => r.inputs.name === 'karpenter-crd')!.inputs.skipCrds).toBeUndefined();
    const operator = releases.find((r) => r.inputs.name === 'gpu-operator')!;
    expect(operator.inputs).toMatchObject({
      chart: 'gpu-operator',
      repositoryOpts: { repo: 'https://helm.ngc.nvidia.com/nvidia' },
    });
    expect(operator.inputs.values.driver).toEqual({ enabled: false });
    const groups = ofType(captured, 'kubernetes:yaml/v2:ConfigGroup');
    const namespaces = groups.find((g) => g.name === 'pd-namespaces')!;
    expect(namespaces.inputs.objs.every((o: { kind: string }) => o.kind === 'Namespace')).toBe(true);
    const objects = groups.find((g) => g.name === 'pd-objects')!;
    expect(objects.inputs.objs.map((o: { kind: string }) => o.kind)).toContain('NodePool');
    // The GPU operator's ConfigMaps and the default StorageClass exist before any chart needs them.
    const configuration = groups.find((g) => g.name === 'pd-configuration')!;
    expect(configuration.inputs.objs.map((o: { kind: string }) => o.kind)).toEqual(
      expect.arrayContaining(['ConfigMap', 'StorageClass']),
    );
    expect(objects.inputs.objs.some((o: { kind: string }) => o.kind === 'ConfigMap' || o.kind === 'StorageClass')).toBe(false);
    expect(objects.inputs.objs.find((o: { kind: string }) => o.kind === 'Application')).toBeUndefined();
  });

  test('Grafana’s admin Secret is created from a Pulumi secret, and read (checked) when none is given', async () => {
    // GIVEN a platform with Grafana, deployed with and without an admin password
    const provider = new k8s.Provider('k2', { kubeconfig: '{}' });
    new PlatformDeployment('with', { platform: platform(), provider, grafanaAdminPassword: pulumi.secret('from-config') });
    new PlatformDeployment('without', { platform: platform(), provider });
    await settle();
    // THEN the first creates monitoring/grafana-admin with the keys the chart reads, never a literal in code
    const secrets = ofType(captured, 'kubernetes:core/v1:Secret');
    const created = secrets.find((s) => s.name === 'with-grafana-admin')!;
    expect(created.id).toBeUndefined();
    expect(created.inputs.metadata).toEqual({ name: 'grafana-admin', namespace: 'monitoring' });
    // Pulumi marks the whole stringData secret (its signature key wraps the value), so state encrypts it.
    expect(created.inputs.stringData['4dabf18193072939515e22adb298388d']).toBe('1b47061264138c4ac30d75fd1eb44270');
    expect(Object.keys(created.inputs.stringData.value).sort()).toEqual(['admin-password', 'admin-user']);
    // AND the second only reads it, so `pulumi up` stops before the chart when it does not exist
    expect(secrets.find((s) => s.name === 'without-grafana-admin')!.id).toBe('monitoring/grafana-admin');
  });

  test('only same-component CRD owners order releases; the rest install in parallel', () => {
    const order = planReleaseOrder(platform().releases.map((r) => r.spec));
    expect(Object.fromEntries(order.map((o) => [o.release.releaseName, o.after]))).toEqual({
      // its ServiceMonitor needs the Prometheus operator's CRDs
      'argo-workflows': ['kube-prometheus-stack'],
      'gpu-operator': [],
      'karpenter-crd': [],
      'kube-prometheus-stack': [],
      karpenter: ['karpenter-crd'],
    });
  });

  test('throws when the platform would also install its releases through Argo CD', () => {
    const provider = new k8s.Provider('k2', { kubeconfig: '{}' });
    expect(() => new PlatformDeployment('pd2', { platform: platform(ReleaseMaterializer.argoCd()), provider })).toThrow(
      /ReleaseMaterializer\.external\(\)/,
    );
  });
});

describe('PlatformDeployment of Kubeflow Pipelines', () => {
  test('its kustomize bases become kustomize.v2.Directory resources from the pinned tag', async () => {
    const before = captured.length;
    const provider = new k8s.Provider('k-kfp', { kubeconfig: '{}' });
    const kfp = new AiPlatform(new App(), 'platform', {
      clusterName: 'c1',
      pools: [{ name: 'l4', instanceTypes: ['g6.xlarge'] }],
      kubeflowPipelines: true,
      argoWorkflows: { instanceId: 'platform' },
      releaseMaterializer: ReleaseMaterializer.external(),
    });
    new PlatformDeployment('pd-kfp', { platform: kfp, provider });
    await settle();
    const dirs = ofType(captured.slice(before), 'kubernetes:kustomize/v2:Directory');
    const argo = planReleaseOrder(kfp.releases.map((r) => r.spec)).find((o) => o.release.releaseName === 'argo-workflows');
    expect(argo?.after).toEqual(['kubeflow-pipelines-cluster', 'kube-prometheus-stack']);
    expect(dirs.map((d) => d.inputs.directory)).toEqual([
      'github.com/kubeflow/pipelines/manifests/kustomize/cluster-scoped-resources?ref=2.17.0',
      'github.com/kubeflow/pipelines/manifests/kustomize/env/platform-agnostic?ref=2.17.0',
    ]);
    // Pod Security labels on the namespace the cluster-scoped base creates, applied server-side.
    const patches = ofType(captured.slice(before), 'kubernetes:core/v1:NamespacePatch');
    expect(patches.map((p) => p.inputs.metadata)).toEqual([
      {
        name: 'kubeflow',
        labels: {
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    ]);
    // Objects in the kubeflow namespace (its network policies) go in their own group, after the bases.
    const groups = ofType(captured.slice(before), 'kubernetes:yaml/v2:ConfigGroup');
    const afterKfp = groups.find((g) => g.name === 'pd-kfp-kustomize-objects')!;
    expect(afterKfp.inputs.objs.map((o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`)).toEqual(
      ['NetworkPolicy/aiready-kfp-mysql', 'NetworkPolicy/aiready-kfp-api'],
    );
    const rest = groups.find((g) => g.name === 'pd-kfp-objects')!;
    expect(rest.inputs.objs.some((o: { metadata: { namespace?: string } }) => o.metadata.namespace === 'kubeflow')).toBe(false);
  });

  test('splitObjects: namespaces, configuration before the releases, the rest after; kustomize namespaces apart', () => {
    const objs = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argo' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'argo' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'kubeflow' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp3' } },
      { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'd' } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'e', namespace: 'argo' } },
    ];
    const { namespaces, configuration, rest, afterKustomize } = splitObjects(objs, new Set(['kubeflow']));
    expect([namespaces, configuration, rest, afterKustomize].map((g) => g.map((o) => o.metadata.name))).toEqual([
      ['argo'],
      ['a', 'c', 'gp3'],
      ['d', 'e'],
      ['b'],
    ]);
  });
});
