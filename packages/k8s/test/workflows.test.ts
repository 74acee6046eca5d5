import { App, Chart, Testing } from 'cdk8s';
import {
  AiPlatform,
  AiPlatformProps,
  ArgoWorkflows,
  ArgoWorkflowsProps,
  Gpu,
  GpuWorkflowTemplate,
  GpuWorkflowStep,
} from '../src';
import { validateObjects } from '@aiready/validate';
import { Obj, only, releaseValues, synth } from './util';

describe('ArgoWorkflows options', () => {
  function values(props: ArgoWorkflowsProps) {
    const chart = Testing.chart();
    new ArgoWorkflows(chart, 'argo', props);
    return releaseValues(synth(chart), 'argo-workflows');
  }

  test('SSO from Secret references, namespaced install, instance ID, S3 artifacts with the pod identity', () => {
    const v = values({
      authModes: ['sso'],
      sso: {
        issuer: 'https://idp.example.com',
        redirectUrl: 'https://argo.example.com/oauth2/callback',
        clientId: { name: 'argo-sso', key: 'id' },
        clientSecret: { name: 'argo-sso', key: 'secret' },
      },
      namespaced: true,
      instanceId: 'platform',
      artifacts: { bucket: 'ml-artifacts', region: 'us-east-1' },
    });
    expect(v.server.sso).toMatchObject({ enabled: true, clientSecret: { name: 'argo-sso', key: 'secret' } });
    expect(v.singleNamespace).toBe(true);
    expect(v.controller.instanceID).toEqual({ enabled: true, explicitID: 'platform' });
    expect(v.artifactRepository.s3).toMatchObject({ bucket: 'ml-artifacts', useSDKCreds: true });
    expect(JSON.stringify(v)).not.toMatch(/accessKey|secretKey/);
  });

  test("workflow pods pass Pod Security restricted: the executor's init and wait containers and each main container", () => {
    // GIVEN the default Argo Workflows release
    const v = values({});
    // THEN the executor runs as its image's non-root user and main containers default to UID 1000, both locked down
    const restricted = {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    };
    expect(v.executor.securityContext).toMatchObject({ ...restricted, runAsUser: 8737 });
    expect(v.mainContainer.securityContext).toMatchObject({ ...restricted, runAsUser: 1000 });
  });

  test('the platform points the controller ServiceMonitor at its Prometheus', () => {
    const p = new AiPlatform(new App(), 'p', { clusterName: 'c1', pools: [{ name: 'g', instanceTypes: ['g6.xlarge'] }] });
    const v = releaseValues(p.toJson() as Obj[], 'argo-workflows');
    expect(v.controller.serviceMonitor).toEqual({ enabled: true, additionalLabels: { release: 'kube-prometheus-stack' } });
  });

  test.each([
    ['SSO is asked without its configuration', { authModes: ['sso'] }, /sso = undefined/],
    [
      'an SSO secret is given as a value',
      { authModes: ['sso'], sso: { issuer: 'i', redirectUrl: 'r', clientId: { name: 'a', key: 'b' }, clientSecret: 'hunter2' } },
      /sso\.clientSecret.*never writes credentials/,
    ],
    ['the instance ID is not a label value', { instanceId: 'Not Valid' }, /instanceId/],
    ['the bucket name is invalid', { artifacts: { bucket: 'My_Bucket', region: 'us-east-1' } }, /artifacts\.bucket/],
    [
      "artifact keys would leave the team's prefix",
      { artifacts: { bucket: 'ml', region: 'us-east-1', keyFormat: '{{workflow.name}}/{{pod.name}}' } },
      /artifacts\.keyFormat = .*must start with the workflow's namespace/,
    ],
  ])('throws when %s', (_why, props, message) => {
    expect(() => values(props as ArgoWorkflowsProps)).toThrow(message);
  });

  test('finished workflows expire (a day on success, a week on failure) unless retention says otherwise', () => {
    expect(values({}).controller.workflowDefaults).toEqual({
      spec: { ttlStrategy: { secondsAfterSuccess: 86400, secondsAfterFailure: 604800 } },
    });
    expect(
      values({ retention: { afterSuccess: 3600, afterFailure: 86400 } }).controller.workflowDefaults.spec.ttlStrategy,
    ).toEqual({
      secondsAfterSuccess: 3600,
      secondsAfterFailure: 86400,
    });
    expect(() => values({ retention: { afterSuccess: 0, afterFailure: 1.5 } })).toThrow(
      /retention.afterSuccess = 0: must be a whole number of seconds.*\n.*retention.afterFailure = 1.5/,
    );
  });

  test('a default toleration that Kubernetes would reject is an error naming it', () => {
    expect(() =>
      values({ defaultTolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedul' as never }] }),
    ).toThrow(/defaultTolerations\[0\] = .*NoSchedul.*: not a toleration/);
    expect(() => values({ defaultTolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] })).toThrow(/not a toleration/);
    expect(
      values({ defaultTolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoExecute' }] }).controller
        .workflowDefaults.spec.tolerations,
    ).toHaveLength(1);
  });

  test('workflow pods tolerate no GPU taint unless the platform says so: CPU steps never hold a GPU node', () => {
    const pools = [
      { name: 'l4', instanceTypes: ['g6.xlarge'] },
      { name: 'h100', instanceTypes: ['p5.48xlarge'], taints: [{ key: 'example.com/team', effect: 'NoSchedule' as const }] },
    ];
    const defaults = (argoWorkflows = {}) =>
      releaseValues(new AiPlatform(new App(), 'p', { clusterName: 'c', pools, argoWorkflows }).toJson(), 'argo-workflows')
        .controller.workflowDefaults.spec;
    // GIVEN no defaultTolerations THEN a workflow pod tolerates nothing it does not ask for
    expect(defaults().tolerations).toBeUndefined();
    // AND the platform may still give every workflow pod tolerations (hand-written GPU workflows)
    const gpu = [{ key: 'nvidia.com/gpu', operator: 'Exists' as const, effect: 'NoSchedule' as const }];
    expect(defaults({ defaultTolerations: gpu }).tolerations).toEqual(gpu);
    // The defaults are a Workflow spec as the upstream CRD defines it (kube-validate cannot see inside chart
    // values). The bundle keeps the WorkflowTemplate CRD, whose spec is the same WorkflowSpec schema.
    const template = (spec: unknown) => ({
      object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'w' }, spec },
    });
    expect(validateObjects([template(defaults({ defaultTolerations: gpu }))]).problems).toEqual([]);
    expect(validateObjects([template({ ...defaults(), tolerations: [{ key: 1 }] })]).problems).toEqual([
      expect.objectContaining({ path: 'spec.tolerations[0].key', message: expect.stringMatching(/must be of type string/) }),
    ]);
  });

  test('a secret value never appears in the error', () => {
    expect(() =>
      values({
        authModes: ['sso'],
        sso: { issuer: 'i', redirectUrl: 'r', clientId: { name: 'a', key: 'b' }, clientSecret: 'hunter2' as never },
      }),
    ).toThrow(/^(?![\s\S]*hunter2)/);
  });
});

describe('GpuWorkflowTemplate', () => {
  function build(steps: (p: AiPlatform) => GpuWorkflowStep[], props: Partial<AiPlatformProps> = {}) {
    const app = new App();
    const p = new AiPlatform(app, 'platform', {
      clusterName: 'c1',
      pools: [
        { name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'] },
        { name: 'l40s', instanceTypes: ['g6e.xlarge'] },
      ],
      ...props,
    });
    const team = p.addTeam({ name: 'research', gpuQuota: { h100: 8, l40s: 2 } });
    const chart = new Chart(app, 'wf');
    new GpuWorkflowTemplate(chart, 't', { name: 'train-evaluate', team, steps: steps(p) });
    return chart.toJson() as Obj[];
  }

  test('train on H100s, then evaluate on an L40S: each step on its pool, as the team workflow account', () => {
    const wt = only(
      build((p) => [
        { name: 'train', pool: p.pool('h100'), gpu: Gpu.whole(8), image: 'trainer:1' },
        { name: 'evaluate', pool: p.pool('l40s'), gpu: Gpu.whole(1), image: 'trainer:1', after: ['train'] },
      ]),
      'WorkflowTemplate',
    );
    expect(wt.metadata.namespace).toBe('research');
    expect(wt.spec.serviceAccountName).toBe('workflow');
    expect(wt.spec.templates[0].dag.tasks).toEqual([
      { name: 'train', template: 'train' },
      { name: 'evaluate', template: 'evaluate', dependencies: ['train'] },
    ]);
    const train = wt.spec.templates.find((t: { name: string }) => t.name === 'train');
    expect(train.nodeSelector).toEqual({ 'aiready.dev/pool': 'h100' });
    expect(train.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(train.metadata).toEqual({ annotations: { 'karpenter.sh/do-not-disrupt': 'true' } });
    // Whole GPUs on an EFA pool take the node's EFA devices in proportion, as training jobs do
    expect(train.container.resources.limits).toEqual({ memory: '1638Gi', 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 });
    // A /dev/shm for NCCL and data loaders, within the pod's memory
    expect(train.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '32Gi' } }]);
    expect(train.container.volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
    const evaluate = wt.spec.templates.find((t: { name: string }) => t.name === 'evaluate');
    expect(evaluate.container.resources.limits).toEqual({ memory: '25Gi', 'nvidia.com/gpu': 1 });
    expect(evaluate.volumes[0].emptyDir.sizeLimit).toBe('12Gi');
  });

  test("on a Kueue platform every step names the team's queue, and its priority when given", () => {
    const wt = only(
      build(
        (p) => [
          { name: 'train', pool: p.pool('h100'), gpu: Gpu.whole(8), image: 'trainer:1', efa: false, priority: 'high' },
          { name: 'evaluate', pool: p.pool('l40s'), gpu: Gpu.whole(1), image: 'trainer:1', after: ['train'] },
        ],
        { kueue: true },
      ),
      'WorkflowTemplate',
    );
    const [train, evaluate] = ['train', 'evaluate'].map((n) => wt.spec.templates.find((t: { name: string }) => t.name === n));
    expect(train.metadata.labels).toEqual({
      'kueue.x-k8s.io/queue-name': 'default',
      'kueue.x-k8s.io/priority-class': 'aiready-high',
    });
    expect(evaluate.metadata).toEqual({ labels: { 'kueue.x-k8s.io/queue-name': 'default' } });
    expect(train.container.resources.limits['vpc.amazonaws.com/efa']).toBeUndefined();
  });

  test.each([
    [
      'a step waits for a step that does not exist',
      (p: AiPlatform) => [{ name: 'a', pool: p.pool('l40s'), gpu: Gpu.whole(1), image: 'x:1', after: ['b'] }],
      /after = "b"/,
    ],
    [
      'two steps share a name',
      (p: AiPlatform) => [0, 1].map(() => ({ name: 'a', pool: p.pool('l40s'), gpu: Gpu.whole(1), image: 'x:1' })),
      /steps\[1\]\.name/,
    ],
    [
      'a step targets a pool that does not exist',
      (p: AiPlatform) => [{ name: 'a', pool: p.pool('a100'), gpu: Gpu.whole(1), image: 'x:1' }],
      /pool = "a100".*use one of h100, l40s/,
    ],
    [
      "a step needs more GPUs than the team's quota",
      (p: AiPlatform) => [{ name: 'a', pool: p.pool('h100'), gpu: Gpu.whole(16), image: 'x:1' }],
      /steps\[0\]\.gpu = 1: 1 step pod need 16 GPUs of pool 'h100', and team 'research' has a quota of 8/,
    ],
    [
      "a step's /dev/shm fills its memory",
      (p: AiPlatform) => [{ name: 'a', pool: p.pool('l40s'), gpu: Gpu.whole(1), image: 'x:1', sharedMemoryGiB: 25 }],
      /steps\[0\]\.sharedMemoryGiB = 25.*counts against the pod's 25 GiB limit/,
    ],
    [
      'a step asks for a priority on a platform without Kueue',
      (p: AiPlatform) => [{ name: 'a', pool: p.pool('l40s'), gpu: Gpu.whole(1), image: 'x:1', priority: 'high' as const }],
      /priority = "high".*has no Kueue queue.*kueue: true/,
    ],
    [
      'a step asks more GPUs than its pool has per node',
      (p: AiPlatform) => [{ name: 'a', pool: p.pool('l40s'), gpu: Gpu.whole(2), image: 'x:1' }],
      /at most 1/,
    ],
  ])('throws when %s', (_why, steps, message) => {
    expect(() => build(steps)).toThrow(message);
  });
});

describe('GpuWorkflowTemplate under a controller scoped by instance ID', () => {
  test('the template and the workflows it starts carry the instance label', () => {
    const app = new App();
    const p = new AiPlatform(app, 'platform', {
      clusterName: 'c1',
      pools: [{ name: 'l4', instanceTypes: ['g6.xlarge'] }],
      argoWorkflows: { instanceId: 'platform' },
    });
    const team = p.addTeam({ name: 'research', gpuQuota: { l4: 1 } });
    const t = new GpuWorkflowTemplate(new Chart(app, 'wf'), 'wf', {
      name: 'one',
      team,
      steps: [{ name: 'train', pool: p.pool('l4'), gpu: Gpu.whole(1), image: 'nvcr.io/nvidia/pytorch:25.08-py3' }],
    });
    const obj = t.template.toJson();
    expect(obj.metadata.labels['workflows.argoproj.io/controller-instanceid']).toBe('platform');
    expect(obj.spec.workflowMetadata).toEqual({ labels: { 'workflows.argoproj.io/controller-instanceid': 'platform' } });
  });
});
