import { checkAdmission } from '../src';
import { find } from './fixtures/target';
import { broken, problems, refusal, server, serverPod, Target, Loose } from './support';

describe('offline admission: references', () => {
  test('admits the valid target', () => {
    expect(
      problems(
        broken(() => {}),
        'references',
      ),
    ).toEqual([]);
  });

  test.each<[string, (t: Target) => void, string]>([
    [
      'the Grafana admin Secret is neither created nor declared (issue 13 item 4)',
      (t) => (t.prerequisites = []),
      'names Secret monitoring/grafana-admin, which nothing in the target creates',
    ],
    [
      'a pod names a ServiceAccount nobody creates',
      (t) => (serverPod(t).serviceAccountName = 'inference'),
      'names ServiceAccount serving/inference',
    ],
    [
      'a pod mounts a ConfigMap nobody creates',
      (t) => (serverPod(t).volumes = [{ name: 'cfg', configMap: { name: 'llm-config' } }]),
      'names ConfigMap serving/llm-config',
    ],
    [
      'a container reads a Secret nobody creates',
      (t) => (server(t).env = [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }]),
      'names Secret serving/hf',
    ],
    [
      'a container imports a ConfigMap nobody creates',
      (t) => (server(t).envFrom = [{ configMapRef: { name: 'env' } }]),
      'names ConfigMap serving/env',
    ],
    [
      'a pod pulls with a Secret nobody creates',
      (t) => (serverPod(t).imagePullSecrets = [{ name: 'registry' }]),
      'names Secret serving/registry',
    ],
    [
      'a pod names an unknown PriorityClass',
      (t) => (serverPod(t).priorityClassName = 'gpu-high'),
      'names PriorityClass gpu-high',
    ],
    ['a pod names an unknown RuntimeClass', (t) => (serverPod(t).runtimeClassName = 'kata'), 'names RuntimeClass kata'],
    [
      'a pod mounts a PVC nobody creates',
      (t) => (serverPod(t).volumes = [{ name: 'models', persistentVolumeClaim: { claimName: 'models' } }]),
      'names PersistentVolumeClaim serving/models',
    ],
    [
      'a PVC names a StorageClass nobody creates',
      (t) =>
        t.objects.push({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'models', namespace: 'serving' },
          spec: { storageClassName: 'io2', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Ti' } } },
        }),
      'names StorageClass io2',
    ],
    [
      'a ServiceMonitor selects no Service',
      (t) => (find(t, 'ServiceMonitor', 'llm').spec.selector.matchLabels.app = 'vllm'),
      'selects no Service in serving, so Prometheus scrapes nothing',
    ],
    [
      'a ServiceMonitor scrapes a port no Service has',
      (t) => (find(t, 'ServiceMonitor', 'llm').spec.endpoints[0].port = 'metrics'),
      "no selected Service has a port named 'metrics'",
    ],
    [
      'a workload names a Kueue queue nobody creates',
      (t) => (find(t, 'TrainJob').metadata.labels['kueue.x-k8s.io/queue-name'] = 'gpu'),
      'names LocalQueue research/gpu, which nothing in the target creates: Kueue leaves the workload suspended forever',
    ],
    [
      'a pod (an Argo step) names a Kueue priority class nobody creates',
      (t) => (find(t, 'WorkflowTemplate').spec.templates[1].metadata.labels['kueue.x-k8s.io/priority-class'] = 'aiready-high'),
      'names WorkloadPriorityClass aiready-high, which nothing in the target creates',
    ],
    [
      'a LocalQueue points at a missing ClusterQueue',
      (t) => (find(t, 'LocalQueue').spec.clusterQueue = 'shared'),
      'names ClusterQueue shared',
    ],
    [
      'a ClusterQueue uses a missing ResourceFlavor',
      (t) => (find(t, 'ClusterQueue').spec.resourceGroups[0].flavors[1].name = 'a100'),
      'names ResourceFlavor a100',
    ],
    [
      'a TrainJob names a runtime nobody creates',
      (t) => (find(t, 'TrainJob').spec.runtimeRef.name = 'torch-a100'),
      'names ClusterTrainingRuntime torch-a100',
    ],
    [
      'an object lives in a namespace nobody creates',
      (t) => (find(t, 'Service').metadata.namespace = 'inference'),
      'namespace inference is not created by the target',
    ],
    ['a RoleBinding names a missing Role', (t) => (find(t, 'RoleBinding').roleRef.kind = 'Role'), 'names Role research/edit'],
  ])('throws when %s', (_, mutate, expected) => {
    expect(refusal(broken(mutate))).toContain(expected);
  });

  test('a declared prerequisite satisfies a reference and is reported for SUMMARY', () => {
    // GIVEN a Secret the platform team creates out of band, declared
    const t = broken((x) => {
      server(x).env = [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }];
      x.prerequisites = [
        ...(x.prerequisites ?? []),
        { kind: 'Secret', namespace: 'serving', name: 'hf', reason: 'Hugging Face token' },
      ];
    });
    const report = checkAdmission(t);
    expect(report.problems).toEqual([]);
    expect(report.prerequisites.map((p) => p.name)).toEqual(['grafana-admin', 'hf']);
  });

  test('optional references may be missing', () => {
    const t = broken((x) => (server(x).envFrom = [{ secretRef: { name: 'extra', optional: true } }]));
    expect(problems(t, 'references')).toEqual([]);
  });

  test("a ServiceMonitor on Karpenter's metrics Service resolves through the chart facts", () => {
    const t = broken((x) =>
      x.objects.push({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 'karpenter', namespace: 'kube-system' },
        spec: {
          selector: { matchLabels: { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': 'karpenter' } },
          endpoints: [{ port: 'http-metrics' }],
        },
      }),
    );
    expect(problems(t, 'references')).toEqual([]);
  });

  test('a ServiceMonitor in the namespace of a chart aiready keeps no object facts for is a warning', () => {
    // GIVEN a ServiceMonitor next to kube-prometheus-stack, whose Services the checker does not model
    const t = broken((x) =>
      x.objects.push({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: 'extra', namespace: 'monitoring' },
        spec: { selector: { matchLabels: { app: 'extra' } }, endpoints: [{ port: 'http' }] },
      }),
    );
    const report = checkAdmission(t);
    expect(report.problems).toEqual([]);
    expect(report.warnings.map((w) => w.message).join('\n')).toContain('a release installed there is not rendered');
  });

  test('objects a chart operator creates at runtime resolve (the GPU operator DCGM Service)', () => {
    // GIVEN the ServiceMonitor on nvidia-dcgm-exporter, which the GPU operator creates
    // WHEN the operator's DCGM exporter is turned off THEN nothing serves it
    const t = broken(
      (x) =>
        ((x.plan.resources.find((r) => r.name === 'platform-gpu-operator') as Loose).inputs.values.dcgmExporter.enabled = false),
    );
    expect(refusal(t)).toContain('ServiceMonitor gpu-operator/dcgm spec.selector');
  });
});
