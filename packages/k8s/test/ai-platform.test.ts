import { AireadyValidationError, CHARTS, Sharing } from '@aiready/core';
import { App } from 'cdk8s';
import { AiPlatform, AiPlatformProps, HelmRelease, layoutManifests, ReleaseMaterializer, summarizePlatform } from '../src';
import { only, Obj } from './util';

const POOLS: AiPlatformProps['pools'] = [
  { name: 'l4', instanceTypes: ['g6.xlarge'], capacityType: 'spot' },
  {
    name: 'h100',
    instanceTypes: ['p5.48xlarge'],
    purpose: 'training',
    amiFamily: 'bottlerocket',
    maxNodes: 2,
    zones: ['us-east-1a'],
    taints: [{ key: 'example.com/team', effect: 'NoSchedule' }],
  },
];

function platform(props: Partial<AiPlatformProps> = {}) {
  const p = new AiPlatform(new App(), 'platform', { clusterName: 'c1', pools: POOLS, ...props });
  return { p, objs: p.toJson() as Obj[] };
}

describe('AiPlatform', () => {
  test('defaults', () => {
    const { objs } = platform();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toMatchSnapshot();
  });

  test('taints, tolerations and labels agree across pools and the operator', () => {
    const { objs } = platform();
    const taints = objs
      .filter((o) => o.kind === 'NodePool' && o.metadata.name !== 'default')
      .flatMap((np) => np.spec.template.spec.taints);
    const tolerations = only(objs, 'Application', 'gpu-operator').spec.source.helm.valuesObject.daemonsets.tolerations;
    for (const t of taints) expect(tolerations).toContainEqual({ key: t.key, operator: 'Exists', effect: t.effect });
  });

  test.each([
    ['a Karpenter pool shares its GPUs: the nodeOverlay gate is on, so its NodeOverlay applies', 'karpenter', true],
    ['only a managed node group shares its GPUs: Karpenter needs no overlay', 'managed-node-group', undefined],
  ] as const)('%s', (_why, provisioner, gate) => {
    // GIVEN a platform with a time-sliced pool
    const { objs } = platform({
      region: 'us-east-1',
      pools: [...POOLS, { name: 'shared', instanceTypes: ['g6.xlarge'], provisioner, sharing: Sharing.timeSlicing(4) }],
    });
    // THEN Karpenter's nodeOverlay feature gate follows the need for overlays
    const settings = only(objs, 'Application', 'karpenter').spec.source.helm.valuesObject.settings;
    expect(settings.featureGates.nodeOverlay).toBe(gate);
    expect(objs.filter((o) => o.kind === 'NodeOverlay').map((o) => o.metadata.name)).toEqual(gate ? ['shared'] : []);
  });

  test('every object carries the component and part-of labels', () => {
    for (const o of platform().objs) {
      expect(o.metadata.labels['app.kubernetes.io/component']).toBeDefined();
      expect(o.metadata.labels['app.kubernetes.io/part-of']).toBe('platform');
    }
  });

  test('managed node group pools get no NodePool but are served by the operator', () => {
    const { p, objs } = platform({
      pools: [
        {
          name: 'mng',
          instanceTypes: ['g6e.xlarge'],
          provisioner: 'managed-node-group',
          taints: [{ key: 'example.com/x', effect: 'NoExecute' }],
        },
      ],
    });
    expect(objs.filter((o) => o.kind === 'NodePool')).toEqual([]);
    expect(p.karpenter).toBeUndefined();
    expect(only(objs, 'Application', 'gpu-operator').spec.source.helm.valuesObject.daemonsets.tolerations).toContainEqual({
      key: 'example.com/x',
      operator: 'Exists',
      effect: 'NoExecute',
    });
  });

  test('a default, encrypted gp3 StorageClass', () => {
    const sc = only(platform().objs, 'StorageClass', 'gp3');
    expect(sc).toMatchObject({
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    expect(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class']).toBe('true');
  });

  test('workflows, monitoring and the StorageClass can be left out', () => {
    const { objs } = platform({ workflows: 'none', monitoring: false, storageClass: false });
    expect(objs.find((o) => o.kind === 'StorageClass')).toBeUndefined();
    expect(objs.find((o) => o.metadata.name === 'argo-workflows')).toBeUndefined();
    expect(objs.find((o) => o.kind === 'ServiceMonitor')).toBeUndefined();
  });

  test('the external materialiser emits no Applications but keeps every release as data', () => {
    const { p, objs } = platform({ releaseMaterializer: ReleaseMaterializer.external() });
    expect(objs.find((o) => o.kind === 'Application')).toBeUndefined();
    expect(p.releases.map((r) => r.spec.releaseName)).toEqual([
      'gpu-operator',
      'karpenter-crd',
      'kube-prometheus-stack',
      // after kube-prometheus-stack, whose CRDs its ServiceMonitor needs
      'argo-workflows',
      'aws-efa-k8s-device-plugin',
      'karpenter',
    ]);
  });

  test('pool() finds a pool, and throws with the valid names otherwise', () => {
    const { p } = platform();
    expect(p.pool('l4').pool.name).toBe('l4');
    expect(() => p.pool('l40s')).toThrow(/use one of h100, l4/);
  });

  test('throws when two pools share a name, before anything is emitted', () => {
    expect(() => platform({ pools: [POOLS[0], POOLS[0]] })).toThrow(/pools\[1\]\.name/);
  });

  test('installs kube-prometheus-stack and points the GPU monitors at it', () => {
    const { p, objs } = platform();
    expect(p.releases.map((r) => r.spec.releaseName)).toContain('kube-prometheus-stack');
    expect(only(objs, 'ServiceMonitor', 'nvidia-dcgm-exporter').metadata.labels.release).toBe('kube-prometheus-stack');
    expect(only(objs, 'ServiceMonitor', 'karpenter').metadata.labels.release).toBe('kube-prometheus-stack');
    expect(only(objs, 'PrometheusRule').metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('an existing Prometheus: its selector labels are used, and what it must provide is said', () => {
    const { p, objs } = platform({ monitoring: { prometheus: { existing: { selectorLabels: { prometheus: 'main' } } } } });
    expect(p.releases.map((r) => r.spec.releaseName)).not.toContain('kube-prometheus-stack');
    expect(only(objs, 'ServiceMonitor', 'nvidia-dcgm-exporter').metadata.labels.prometheus).toBe('main');
    expect(p.warnings.map((w) => w.path)).toContain('monitoring.prometheus.existing');
  });

  test('throws when the operator would add a second DCGM ServiceMonitor', () => {
    expect(() => platform({ gpuOperator: { dcgmServiceMonitor: true } })).toThrow(/gpuOperator\.dcgmServiceMonitor.*twice/);
    expect(() => platform({ gpuOperator: { dcgmServiceMonitor: true }, monitoring: false })).not.toThrow();
  });

  test('throws when there is no pool', () => {
    expect(() => platform({ pools: [] })).toThrow(AireadyValidationError);
  });

  test('summary: pools with capacity and cost, releases with versions', () => {
    const summary = summarizePlatform(platform().p);
    // by name, whatever order the spec lists them in
    expect(summary.pools).toEqual([
      expect.objectContaining({ name: 'h100', maxGpus: 16, maxUsdPerHour: 110.08, ami: 'bottlerocket@v1.61.0' }),
      expect.objectContaining({ name: 'l4', maxGpus: 2, maxUsdPerHour: 1.6096 }),
    ]);
    expect(summary.releases.find((r) => r.chart === 'gpu-operator')?.version).toBe('v26.7.0');
  });

  test("summary under Flux: the engine, and the Secrets valuesFrom reads next to Grafana's", () => {
    // GIVEN a Flux platform whose kube-prometheus-stack reads values from a Secret
    const flux = ReleaseMaterializer.flux({
      path: './ai',
      valuesFrom: { 'kube-prometheus-stack': [{ secretName: 'monitoring-values' }] },
    });
    // WHEN
    const summary = summarizePlatform(platform({ releaseMaterializer: flux }).p);
    // THEN
    expect(summary.releaseMaterializer).toBe('flux');
    expect(summary.prerequisites.map((x) => `${x.namespace}/${x.name}`)).toEqual([
      'monitoring/grafana-admin',
      'flux-system/monitoring-values',
    ]);
  });

  test('isAiPlatform tells platforms from other charts', () => {
    const { p } = platform();
    expect(AiPlatform.isAiPlatform(p)).toBe(true);
    expect(AiPlatform.isAiPlatform({})).toBe(false);
  });

  test('synthesis is deterministic', () => {
    const a = layoutManifests(platform().objs);
    const b = layoutManifests(platform().objs);
    expect(a).toEqual(b);
  });
});

describe('AiPlatform under Argo CD', () => {
  test('custom resources sync after the Applications that install their CRDs', () => {
    const objs = new AiPlatform(new App(), 'platform', { clusterName: 'c1', pools: POOLS }).toJson() as Obj[];
    for (const o of objs.filter((x) => ['NodePool', 'EC2NodeClass', 'ServiceMonitor', 'PrometheusRule'].includes(x.kind))) {
      expect(o.metadata.annotations).toMatchObject({
        'argocd.argoproj.io/sync-wave': '1',
        'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
      });
    }
    const ns = objs.find((o) => o.kind === 'Namespace');
    expect(ns.metadata.annotations['argocd.argoproj.io/sync-options']).toBeUndefined();
  });
});

describe('AiPlatform next to Kubeflow Pipelines', () => {
  test("throws when its Argo controller is not scoped apart from Kubeflow Pipelines' own", () => {
    expect(() => platform({ kubeflowPipelinesInCluster: true })).toThrow(
      /argoWorkflows = \{\}.*second cluster-wide Argo Workflows controller.*instanceId/,
    );
    expect(() => platform({ kubeflowPipelinesInCluster: true, argoWorkflows: { instanceId: 'platform' } })).not.toThrow();
    expect(() => platform({ kubeflowPipelinesInCluster: true, argoWorkflows: { namespaced: true } })).not.toThrow();
    expect(() => platform({ kubeflowPipelinesInCluster: true, workflows: 'none' })).not.toThrow();
  });
});

describe('AiPlatform with Kubeflow Pipelines', () => {
  test('two Argo CD Applications from the pinned git tag, cluster-scoped resources first', () => {
    const { objs } = platform({ kubeflowPipelines: true, workflows: 'none' });
    const apps = objs.filter((o) => o.kind === 'Application' && o.metadata.name.startsWith('kubeflow-pipelines'));
    expect(
      apps.map((a) => [a.metadata.name, a.metadata.annotations['argocd.argoproj.io/sync-wave'], a.spec.source.path]),
    ).toEqual([
      ['kubeflow-pipelines-cluster', '-2', 'manifests/kustomize/cluster-scoped-resources'],
      ['kubeflow-pipelines', '-1', 'manifests/kustomize/env/platform-agnostic'],
    ]);
    expect(apps[0].spec.source).toMatchObject({
      repoURL: 'https://github.com/kubeflow/pipelines.git',
      path: 'manifests/kustomize/cluster-scoped-resources',
      targetRevision: '2.17.0',
    });
    expect(apps[1].spec.destination.namespace).toBe('kubeflow');
    expect(apps[1].spec.source.kustomize).toBeUndefined();
  });

  test('objects aiready puts in the kubeflow namespace sync after the base that creates it', () => {
    // GIVEN Kubeflow Pipelines, whose cluster base (wave -2) creates the namespace
    const { objs } = platform({ kubeflowPipelines: true, workflows: 'none' });
    // WHEN / THEN its network policies sync at -1, not with the configuration (-5) into a missing namespace
    const policies = objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'kubeflow');
    expect(policies.map((o) => o.metadata.annotations['argocd.argoproj.io/sync-wave'])).toEqual(['-1', '-1']);
  });

  test('throws when releases wait for each other in a cycle, for every engine', () => {
    // GIVEN a release added to the platform that waits for one waiting for it
    const { p } = platform({ releaseMaterializer: ReleaseMaterializer.external() });
    new HelmRelease(p, 'a', { pin: CHARTS.keda, component: 'a', values: {}, materializer: p.releaseMaterializer, after: ['b'] });
    new HelmRelease(p, 'b', {
      pin: CHARTS.clusterAutoscaler,
      releaseName: 'b',
      component: 'b',
      values: {},
      materializer: p.releaseMaterializer,
      after: ['keda'],
    });
    // WHEN / THEN
    expect(() => p.toJson()).toThrow('the install order has a cycle: b → keda → b');
  });

  test('the kubeflow namespace gets Pod Security labels through a patch of the base that creates it', () => {
    const { objs } = platform({ kubeflowPipelines: true, workflows: 'none' });
    const [patch] = only(objs, 'Application', 'kubeflow-pipelines-cluster').spec.source.kustomize.patches;
    expect(patch.target).toEqual({ version: 'v1', kind: 'Namespace', name: 'kubeflow' });
    expect(JSON.parse(patch.patch).metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  test("only kubeflow's own pods reach its password-less MySQL; its API takes teams and Prometheus too", () => {
    const { p, objs } = platform({ kubeflowPipelines: true, workflows: 'none' });
    p.addTeam({ name: 'research', gpuQuota: { l4: 1 } });
    const all = p.toJson() as Obj[];
    const mysql = only(objs, 'NetworkPolicy', 'aiready-kfp-mysql');
    expect(mysql.metadata.namespace).toBe('kubeflow');
    expect(mysql.spec).toEqual({
      podSelector: { matchLabels: { app: 'mysql' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 3306 }] }],
    });
    const api = only(objs, 'NetworkPolicy', 'aiready-kfp-api');
    expect(api.spec.ingress.map((r: Obj) => r.from[0])).toEqual([
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { 'app.kubernetes.io/component': 'team' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ]);
    // The team's egress policy lets its pods call the KFP API, and nothing else in kubeflow.
    const egress = all.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-kubeflow-pipelines');
    expect(egress.metadata.namespace).toBe('research');
    expect(egress.spec.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } },
            podSelector: { matchLabels: { app: 'ml-pipeline' } },
          },
        ],
        ports: [
          { protocol: 'TCP', port: 8888 },
          { protocol: 'TCP', port: 8887 },
        ],
      },
    ]);
    // No rule lost its port numbers on the way through cdk8s-plus (a port-less rule allows every port).
    for (const np of all.filter((o) => o.kind === 'NetworkPolicy')) {
      for (const rule of [...(np.spec.ingress ?? []), ...(np.spec.egress ?? [])]) {
        for (const port of rule.ports ?? []) expect(typeof port.port).toBe('number');
      }
    }
    expect(only(all, 'NetworkPolicy', 'allow-https-egress').spec.egress).toEqual([{ ports: [{ protocol: 'TCP', port: 443 }] }]);
    // Without KFP, a team gets no such allowance.
    const plain = platform();
    plain.p.addTeam({ name: 'research', gpuQuota: { l4: 1 } });
    expect((plain.p.toJson() as Obj[]).some((o) => o.metadata.name === 'allow-kubeflow-pipelines')).toBe(false);
  });

  test('a scoped Argo next to it leaves the Argo CRDs to Kubeflow Pipelines', () => {
    const { p } = platform({ kubeflowPipelines: true, argoWorkflows: { instanceId: 'platform' } });
    expect(p.workflows!.release.spec.values.crds).toEqual({ install: false });
    expect(platform().p.workflows!.release.spec.values.crds).toMatchObject({ install: true });
  });

  test('throws when the platform also runs an unscoped Argo controller', () => {
    expect(() => platform({ kubeflowPipelines: true })).toThrow(/second cluster-wide Argo Workflows controller/);
  });
});
