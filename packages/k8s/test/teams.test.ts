import { GpuPoolSpec, Sharing } from '@aiready/core';
import { App, Chart } from 'cdk8s';
import {
  AiPlatform,
  AiPlatformProps,
  Gpu,
  GpuInferenceService,
  GpuScalingSignal,
  GpuTrainingJob,
  Team,
  TeamOptions,
} from '../src';
import * as YAML from 'yaml';
import { Obj, only } from './util';

const POOLS: GpuPoolSpec[] = [
  { name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'], maxNodes: 2 },
  { name: 'mig', instanceTypes: ['p4de.24xlarge'], efa: false, maxNodes: 1, sharing: Sharing.mig('all-balanced') },
  { name: 'shared', instanceTypes: ['g6.xlarge'], maxNodes: 4, sharing: Sharing.timeSlicing(4) },
  { name: 'l40s', instanceTypes: ['g6e.xlarge'], maxNodes: 4 },
];

function platform(props: Partial<AiPlatformProps> = {}) {
  const app = new App();
  return { app, p: new AiPlatform(app, 'platform', { clusterName: 'c1', pools: POOLS, ...props }) };
}

function teamObjects(p: AiPlatform, team: Team): Obj[] {
  return (p.toJson() as Obj[]).filter((o) => o.metadata.namespace === team.namespace || o.metadata.name === team.namespace);
}

describe('Team', () => {
  test("the platform's S3 artifact repository is each team namespace's default", () => {
    const { p } = platform({ argoWorkflows: { artifacts: { bucket: 'ml-artifacts', region: 'us-east-1' } } });
    const objs = teamObjects(p, p.addTeam({ name: 'research' }));
    const cm = only(objs, 'ConfigMap', 'artifact-repositories');
    expect(cm.metadata.annotations).toMatchObject({ 'workflows.argoproj.io/default-artifact-repository': 'default-v1' });
    expect(YAML.parse(cm.data['default-v1'])).toEqual({
      archiveLogs: true,
      s3: {
        bucket: 'ml-artifacts',
        endpoint: 's3.amazonaws.com',
        region: 'us-east-1',
        keyFormat: '{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}',
        useSDKCreds: true,
      },
    });
    const { p: plain } = platform();
    expect(teamObjects(plain, plain.addTeam({ name: 'research' })).some((o) => o.metadata.name === 'artifact-repositories')).toBe(
      false,
    );
  });

  test("IAM principals get the team's roles through its derived groups, next to the named groups", () => {
    // GIVEN a team with a named group and IAM principals
    const { p } = platform();
    const team = p.addTeam({
      name: 'research',
      editGroups: ['research-engineers'],
      editPrincipalArns: ['arn:aws:iam::111122223333:role/ml'],
      viewPrincipalArns: ['arn:aws:iam::111122223333:role/sre'],
    });
    // THEN the bindings carry the groups the access entries map the principals to
    const objs = teamObjects(p, team);
    expect(only(objs, 'RoleBinding', 'team-edit').subjects.map((s: { name: string }) => s.name)).toEqual([
      'aiready-team-research-edit',
      'research-engineers',
    ]);
    expect(only(objs, 'RoleBinding', 'team-view').subjects.map((s: { name: string }) => s.name)).toEqual([
      'aiready-team-research-view',
    ]);
  });

  test('throws when a team principal is not an IAM role or user ARN', () => {
    const { p } = platform();
    expect(() => p.addTeam({ name: 'a', editPrincipalArns: ['arn:aws:sts::111122223333:assumed-role/ml/alice'] })).toThrow(
      /editPrincipalArns\[0\] = .*not an IAM role or user ARN.*Fix: use e.g. 'arn:aws:iam::123456789012:role\/research-engineers'/,
    );
  });

  test('pods may reach the node-local Pod Identity agent, on its port only', () => {
    const { p } = platform();
    const policy = only(teamObjects(p, p.addTeam({ name: 'research' })), 'NetworkPolicy', 'allow-pod-identity');
    expect(policy.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
    ]);
  });

  test('without HTTPS egress, workflow pods reach the API server through apiServerCidrs, else synth refuses', () => {
    // GIVEN a platform with Argo Workflows and a team that blocks HTTPS egress
    const { p } = platform();
    // THEN without the API server's CIDRs the executor could never report: refused
    expect(() => p.addTeam({ name: 'locked', allowEgressHttps: false })).toThrow(
      /allowEgressHttps = false: blocks the Argo executor.*Fix: give apiServerCidrs/,
    );
    // AND with them, one policy allows exactly the API server's port there
    const objs = teamObjects(p, p.addTeam({ name: 'open', allowEgressHttps: false, apiServerCidrs: ['10.0.0.0/16'] }));
    expect(only(objs, 'NetworkPolicy', 'allow-apiserver').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(objs.some((o) => o.metadata.name === 'allow-https-egress')).toBe(false);
  });

  test('defaults', () => {
    const { p } = platform();
    const team = p.addTeam({ name: 'research' });
    expect(
      teamObjects(p, team)
        .map((o) => `${o.kind}/${o.metadata.name}`)
        .sort(),
    ).toMatchSnapshot();
  });

  test('the quota covers the GPUs, MIG slices and shares the team gets, and zero of every other GPU resource', () => {
    const { p } = platform();
    const team = p.addTeam({ name: 'a', gpuQuota: { h100: 8, mig: 2, shared: 1 } });
    const hard = only(teamObjects(p, team), 'ResourceQuota').spec.hard;
    expect(hard).toMatchObject({
      // compute sized from the GPU quota: 16 base + 154 (8 H100) + 20 (2 A100) + 4 (1 L4) cores
      'requests.cpu': '194',
      'requests.memory': '1944Gi',
      'requests.nvidia.com/gpu': 8,
      'requests.nvidia.com/mig-1g.10gb': 4,
      'requests.nvidia.com/mig-2g.20gb': 2,
      'requests.nvidia.com/mig-3g.40gb': 2,
      'requests.nvidia.com/gpu.shared': 4,
    });
  });

  test('Pod Security restricted by default; baseline needs a reason, recorded', () => {
    const { p } = platform();
    const ns = only(teamObjects(p, p.addTeam({ name: 'a' })), 'Namespace', 'a');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const b = only(
      teamObjects(p, p.addTeam({ name: 'b', podSecurity: 'baseline', podSecurityReason: 'vendor image runs as root' })),
      'Namespace',
      'b',
    );
    expect(b.metadata.annotations['aiready.dev/pod-security-reason']).toBe('vendor image runs as root');
  });

  test('default-deny with DNS, in-namespace, Prometheus and HTTPS allowances; workflow account; RBAC', () => {
    const { p } = platform();
    const objs = teamObjects(p, p.addTeam({ name: 'a', editGroups: ['eng'], viewGroups: ['sre'] }));
    expect(
      objs
        .filter((o) => o.kind === 'NetworkPolicy')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual([
      'allow-dns',
      'allow-https-egress',
      'allow-pod-identity',
      'allow-prometheus',
      'allow-same-namespace',
      'default-deny',
    ]);
    expect(only(objs, 'ServiceAccount', 'workflow')).toBeDefined();
    expect(only(objs, 'RoleBinding', 'team-edit').subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'eng' },
    ]);
  });

  test('throws when the teams are promised more GPUs than a pool can hold, naming teams and pool', () => {
    const { p } = platform();
    p.addTeam({ name: 'a', gpuQuota: { h100: 10 } });
    expect(() => p.addTeam({ name: 'b', gpuQuota: { h100: 7 } })).toThrow(
      /teams a, b are promised 17 GPUs of pool 'h100', which can hold at most 16/,
    );
  });

  const bad: [string, TeamOptions, RegExp][] = [
    ['the name is not a DNS label', { name: 'Research Team' }, /name = "Research Team"/],
    ['a quota names no pool', { name: 'a', gpuQuota: { a100: 1 } }, /gpuQuota\["a100"\].*use one of h100, l40s, mig, shared/],
    ['a quota is negative', { name: 'a', gpuQuota: { h100: -1 } }, /gpuQuota\["h100"\] = -1/],
    ['baseline has no reason', { name: 'a', podSecurity: 'baseline' }, /podSecurityReason/],
  ];
  test.each(bad)('throws when %s', (_why, options, message) => {
    expect(() => platform().p.addTeam(options)).toThrow(message);
  });
});

describe('GPU requests against the pool sharing mode', () => {
  const cases: [string, string, Gpu, RegExp | string][] = [
    ['whole GPUs on a pool without sharing', 'l40s', Gpu.whole(1), 'nvidia.com/gpu'],
    ['a MIG slice on a mixed MIG pool', 'mig', Gpu.mig('2g.20gb'), 'nvidia.com/mig-2g.20gb'],
    ['a share on a time-sliced pool', 'shared', Gpu.shared(2), 'nvidia.com/gpu.shared'],
    ['whole GPUs on a MIG pool', 'mig', Gpu.whole(1), /no whole GPUs.*Gpu\.mig/],
    ['a MIG slice on a time-sliced pool', 'shared', Gpu.mig('1g.10gb'), /does not use MIG.*Gpu\.shared/],
    ['a share on a pool without sharing', 'l40s', Gpu.shared(1), /does not share.*Gpu\.whole/],
    ['a MIG profile the layout lacks', 'mig', Gpu.mig('7g.80gb'), /no 7g\.80gb slices.*1g\.10gb, 2g\.20gb, 3g\.40gb/],
    ['more GPUs than the largest instance has', 'l40s', Gpu.whole(2), /at most 1 x nvidia\.com\/gpu/],
    ['zero GPUs', 'l40s', Gpu.whole(0), /at least 1/],
  ];
  test.each(cases)('%s', (_why, pool, gpu, expected) => {
    const { p } = platform();
    const run = () => gpu.resourceOn(p.pool(pool).pool, 'test');
    if (typeof expected === 'string') expect(run().resource).toBe(expected);
    else expect(run).toThrow(expected);
  });
});

describe('workloads', () => {
  function training(
    extra: Partial<ConstructorParameters<typeof GpuTrainingJob>[2]> = {},
    teamOptions: TeamOptions = { name: 'research', gpuQuota: { h100: 16 } },
  ) {
    const { app, p } = platform();
    const team = p.addTeam(teamOptions);
    const chart = new Chart(app, 'jobs');
    new GpuTrainingJob(chart, 'job', {
      name: 'ft',
      team,
      pool: p.pool('h100'),
      gpusPerNode: Gpu.whole(8),
      nodes: 2,
      image: 'trainer:1',
      ...extra,
    });
    return chart.toJson() as Obj[];
  }

  test('a distributed training job: indexed pods, rendezvous, EFA, shared memory, do-not-disrupt, restricted security', () => {
    const objs = training();
    const job = only(objs, 'Job', 'ft');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimit: 0 });
    const pod = job.spec.template.spec;
    expect(job.spec.template.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
    expect(pod.nodeSelector).toEqual({ 'aiready.dev/pool': 'h100' });
    // CPU and memory sized from the p5.48xlarge (80% of its per-GPU share), memory also the limit
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '153600m', memory: '1638Gi' },
      limits: { memory: '1638Gi', 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 },
    });
    expect(pod.subdomain).toBe('ft');
    expect(pod.volumes[0]).toEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '32Gi' } });
    expect(pod.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(only(objs, 'Service', 'ft').spec.clusterIP).toBe('None');
  });

  test('the indexed form sets what torchrun reads, and every index gets its own rank and finds rank 0', () => {
    // GIVEN a two-node job launched with torchrun, and a user variable
    const objs = training({ nodes: 2, command: ['torchrun'], args: ['train.py'], env: { NCCL_DEBUG: 'INFO' } });
    const job = only(objs, 'Job', 'ft');
    const env: { name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }[] =
      job.spec.template.spec.containers[0].env;
    // WHEN each pod's environment is resolved as the kubelet does (the completion index annotation is its index)
    const resolved = (index: number) =>
      Object.fromEntries(
        env.map((e) => {
          if (e.value !== undefined) return [e.name, e.value];
          expect(e.valueFrom!.fieldRef.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
          return [e.name, String(index)];
        }),
      );
    // THEN every index gets torchrun's PET_* settings, its own rank, and rank 0's stable name
    for (let index = 0; index < job.spec.completions; index++) {
      expect(resolved(index)).toEqual({
        PET_NNODES: '2',
        PET_NODE_RANK: String(index),
        PET_MASTER_ADDR: 'ft-0.ft',
        PET_MASTER_PORT: '29500',
        PET_NPROC_PER_NODE: '8',
        MASTER_ADDR: 'ft-0.ft',
        MASTER_PORT: '29500',
        NNODES: '2',
        NODE_RANK: String(index),
        NCCL_DEBUG: 'INFO',
      });
    }
    // AND rank 0's name resolves: pod ft-0 in subdomain ft, the headless Service that listens on the port
    expect(job.spec.template.spec.subdomain).toBe('ft');
    const service = only(objs, 'Service', 'ft');
    expect(service.spec).toMatchObject({ clusterIP: 'None', ports: [{ name: 'rendezvous', port: 29500 }] });
    expect(service.spec.selector).toEqual({ 'aiready.dev/job': 'ft' });
    expect(job.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    // AND a variable the user sets wins over the planned one
    const own = only(training({ env: { PET_NPROC_PER_NODE: '4' } }), 'Job', 'ft').spec.template.spec.containers[0].env;
    expect(own.filter((e: { name: string }) => e.name === 'PET_NPROC_PER_NODE')).toEqual([
      { name: 'PET_NPROC_PER_NODE', value: '4' },
    ]);
  });

  test.each([
    ['EFA is asked on a pool without EFA', { pool: 'l40s', efa: true }, /efa = true.*no EFA/],
    ['root is asked in a restricted team', { runAsRoot: true }, /runAsRoot.*restricted/],
    ['more nodes than the pool has', { nodes: 3 }, /nodes = 3.*at most 2/],
    ['the gang needs more GPUs than the team quota', { gpusPerNode: Gpu.whole(8) }, /nodes = 2: 2 pods need 16 GPUs.*quota of 8/],
    [
      '/dev/shm fills the memory limit',
      { sharedMemoryGiB: 300 },
      /sharedMemoryGiB = 300.*counts against the pod's 204 GiB limit/,
    ],
    [
      'a pod asks for more CPU than the team may',
      { resources: { cpu: 1000 } },
      /nodes = 2: 2 pods of 1000 CPU.*never admit the job whole/,
    ],
  ])('throws when %s', (_why, extra, message) => {
    const { app, p } = platform();
    const team = p.addTeam({ name: 'research', gpuQuota: { h100: 8, mig: 1 } });
    const { pool, ...rest } = { pool: 'h100', ...extra } as { pool: string } & Record<string, unknown>;
    expect(
      () =>
        new GpuTrainingJob(new Chart(app, 'jobs'), 'job', {
          name: 'ft',
          team,
          pool: p.pool(pool),
          gpusPerNode: Gpu.whole(1),
          nodes: 2,
          image: 'trainer:1',
          ...rest,
        }),
    ).toThrow(message);
  });

  test.each([
    [
      'a multi-node job on a pool without EFA',
      'l40s',
      { nodes: 2 },
      'jobs/job.nodes',
      /2 nodes exchange NCCL traffic over TCP: pool 'l40s' has no EFA/,
    ],
    ['a multi-node job with EFA turned off', 'h100', { nodes: 2, efa: false }, 'jobs/job.nodes', /efa is off for this job/],
    [
      'a job on spot without a checkpoint volume',
      'spot',
      { nodes: 1 },
      'jobs/job.checkpointClaim',
      /spot capacity.*restarts it from the beginning/,
    ],
  ])('warns on %s, in the job and in the platform summary', (_why, pool, extra, path, message) => {
    // GIVEN a platform with an EFA pool, a pool without EFA and a spot pool
    const app = new App();
    const p = new AiPlatform(app, 'platform', {
      clusterName: 'c1',
      pools: [...POOLS, { name: 'spot', instanceTypes: ['g6e.xlarge'], capacityType: 'spot', purpose: 'training', maxNodes: 2 }],
    });
    const team = p.addTeam({ name: 'research', gpuQuota: { h100: 16, l40s: 2, spot: 2 } });
    // WHEN a training job is defined in another chart
    const job = new GpuTrainingJob(new Chart(app, 'jobs'), 'job', {
      name: 'ft',
      team,
      pool: p.pool(pool),
      gpusPerNode: Gpu.whole(1),
      image: 'trainer:1',
      ...extra,
    });
    // THEN the job carries the warning, and so does the platform (whose summary lists it)
    expect(job.warnings).toEqual([{ path, message: expect.stringMatching(message) }]);
    expect(p.warnings).toContainEqual(job.warnings[0]);
  });

  test('no warning for a multi-node job on EFA with a checkpoint volume', () => {
    const { app, p } = platform();
    const team = p.addTeam({ name: 'research', gpuQuota: { h100: 16 } });
    const job = new GpuTrainingJob(new Chart(app, 'jobs'), 'job', {
      name: 'ft',
      team,
      pool: p.pool('h100'),
      gpusPerNode: Gpu.whole(8),
      nodes: 2,
      image: 'trainer:1',
      checkpointClaim: 'ckpt',
    });
    expect(job.warnings).toEqual([]);
  });

  test('throws when EFA is asked with a MIG slice: EFA devices are not shared', () => {
    // GIVEN an EFA training pool partitioned with MIG (EFA asked for: such a pool has none by default)
    const app = new App();
    const p = new AiPlatform(app, 'platform', {
      clusterName: 'c1',
      pools: [
        {
          name: 'h100',
          instanceTypes: ['p5.48xlarge'],
          purpose: 'training',
          zones: ['us-east-1a'],
          efa: true,
          sharing: Sharing.mig('all-1g.10gb'),
        },
      ],
    });
    expect(p.warnings.map((w) => `${w.path}: ${w.message}`)).toContainEqual(
      expect.stringMatching(/pools\[0\]\.efa: the pool shares its GPUs \(mig\).*32 EFA devices per node are paid for and idle/),
    );
    const team = p.addTeam({ name: 'research', gpuQuota: { h100: 8 } });
    const job = (efa?: boolean) =>
      new GpuTrainingJob(new Chart(app, `jobs-${String(efa)}`), 'job', {
        name: 'ft',
        team,
        pool: p.pool('h100'),
        gpusPerNode: Gpu.mig('1g.10gb'),
        image: 'trainer:1',
        ...(efa === undefined ? {} : { efa }),
      });
    // THEN asking for EFA is refused, and by default a slice takes none
    expect(() => job(true)).toThrow(/efa = true.*a MIG slice would take the node's 32 EFA devices/);
    const limits = (job().job.toJson() as Obj).spec.template.spec.containers[0].resources.limits;
    expect(limits).toEqual({ memory: '29Gi', 'nvidia.com/gpu': 1 });
  });

  test('root is allowed in a baseline team', () => {
    expect(() =>
      training(
        { runAsRoot: true },
        { name: 'r', gpuQuota: { h100: 16 }, podSecurity: 'baseline', podSecurityReason: 'image needs root' },
      ),
    ).not.toThrow();
  });

  test('an inference service: probes, Service, PDB, KEDA scaler', () => {
    const { app, p } = platform({ keda: true });
    const team = p.addTeam({ name: 'serving', gpuQuota: { shared: 2 } });
    const chart = new Chart(app, 'apps');
    new GpuInferenceService(chart, 'llm', {
      name: 'llm',
      team,
      pool: p.pool('shared'),
      gpusPerReplica: Gpu.shared(1),
      image: 'server:1',
      port: 8000,
      autoscaling: {
        signal: GpuScalingSignal.queueDepth('vllm:num_requests_waiting', 8),
        prometheusAddress: 'http://prom:9090',
        maxReplicas: 5,
      },
    });
    const objs = chart.toJson() as Obj[];
    const container = only(objs, 'Deployment', 'llm').spec.template.spec.containers[0];
    // a quarter of a g6.xlarge's L4: 80% of a quarter of its 4 vCPU and 16 GiB
    expect(container.resources).toEqual({
      requests: { cpu: '800m', memory: '3Gi' },
      limits: { memory: '3Gi', 'nvidia.com/gpu.shared': 1 },
    });
    expect(container.startupProbe).toMatchObject({ httpGet: { path: '/health', port: 8000 }, failureThreshold: 60 });
    expect(only(objs, 'PodDisruptionBudget', 'llm').spec.maxUnavailable).toBe(1);
    expect(only(objs, 'ScaledObject', 'llm').spec.maxReplicaCount).toBe(5);
    const monitor = only(objs, 'ServiceMonitor', 'llm');
    expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(monitor.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
  });
});
