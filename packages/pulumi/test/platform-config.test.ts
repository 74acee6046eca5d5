import { readPlatformConfig } from '../src';

const base = {
  'aws:region': 'us-east-1',
  'ai-platform:clusterName': 'ai-dev',
  'ai-platform:pools': JSON.stringify([{ name: 'l4', instanceTypes: ['g6.xlarge'] }]),
  'ai-platform:deployFromVpc': 'true',
};

describe('readPlatformConfig', () => {
  test('throws when pulumi up could not reach the cluster: private endpoint, not deployed from the VPC', () => {
    // GIVEN no public CIDRs and no statement that pulumi up runs in the VPC
    const { ['ai-platform:deployFromVpc']: _inVpc, ...unreachable } = base;
    // THEN the stack is refused, with both ways out in the fix
    expect(() => readPlatformConfig('ai-platform', unreachable)).toThrow(
      /ai-platform:publicAccessCidrs = \[\]: the API endpoint would be private only.*Fix: list the CIDRs pulumi up runs from.*or set ai-platform:deployFromVpc: true/,
    );
    expect(
      readPlatformConfig('ai-platform', { ...unreachable, 'ai-platform:publicAccessCidrs': '["198.18.0.0/24"]' }).deployFromVpc,
    ).toBe(false);
  });

  test('throws when the cluster name is too long for the Karpenter node role name', () => {
    expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platform:clusterName': 'x'.repeat(50) })).toThrow(
      /ai-platform:clusterName = "x{50}": is 50 characters; the IAM role KarpenterNodeRole-<cluster> would exceed AWS's 64. Fix: use at most 46/,
    );
  });

  test('a documentation CIDR (RFC 5737) is a warning: nobody reaches the API from there', () => {
    const config = readPlatformConfig('ai-platform', { ...base, 'ai-platform:publicAccessCidrs': '["203.0.113.0/24"]' });
    expect(config.warnings.map((w) => w.message).join()).toMatch(/203.0.113.0\/24 is a documentation range/);
  });

  test('deployerAdmin: false turns the deployer grant off; a non-boolean is an error', () => {
    expect(readPlatformConfig('ai-platform', { ...base, 'ai-platform:deployerAdmin': 'false' }).deployerAdmin).toBe(false);
    expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platform:deployerAdmin': 'yes' })).toThrow(
      /ai-platform:deployerAdmin = "yes": must be true or false/,
    );
  });

  test('defaults', () => {
    const config = readPlatformConfig('ai-platform', base);
    const { plan, platform, ...cloud } = config;
    expect(cloud).toEqual({
      clusterName: 'ai-dev',
      environment: 'dev',
      region: 'us-east-1',
      kubernetesVersion: '1.36',
      eksAddonVersions: {},
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      vpcCidr: '10.0.0.0/16',
      natGateways: 'one-per-az',
      adminPrincipalArns: [],
      deployerAdmin: true,
      deployFromVpc: true,
      publicAccessCidrs: [],
      warnings: [
        {
          path: 'ai-platform:eksAddonVersions',
          message: expect.stringMatching(
            /^vpc-cni, coredns, kube-proxy, eks-pod-identity-agent, aws-ebs-csi-driver: no version is pinned for Kubernetes 1.36/,
          ),
        },
      ],
    });
    // The platform is the TypeScript API's PlatformSpec, with what the stack sets itself.
    expect(platform).toEqual({
      clusterName: 'ai-dev',
      pools: [{ name: 'l4', instanceTypes: ['g6.xlarge'] }],
      region: 'us-east-1',
      controllerNodeSelector: { 'aiready.dev/pool': 'system' },
    });
    expect(plan.pools.map((p) => p.name)).toEqual(['l4']);
  });

  test('1.35 takes the pinned add-on versions; eksAddonVersions pins 1.36, and bad ones name the key', () => {
    expect(
      readPlatformConfig('ai-platform', { ...base, 'ai-platform:kubernetesVersion': '1.35' }).warnings.filter((w) =>
        w.path.endsWith('eksAddonVersions'),
      ),
    ).toEqual([]);
    const pinned = readPlatformConfig('ai-platform', {
      ...base,
      'ai-platform:eksAddonVersions': JSON.stringify({ coredns: 'v1.14.9-eksbuild.1' }),
    });
    expect(pinned.eksAddonVersions).toEqual({ coredns: 'v1.14.9-eksbuild.1' });
    expect(pinned.warnings.find((w) => w.path.endsWith('eksAddonVersions'))!.message).not.toContain('coredns');
    expect(() =>
      readPlatformConfig('ai-platform', { ...base, 'ai-platform:eksAddonVersions': JSON.stringify({ coredns: 'latest' }) }),
    ).toThrow(/ai-platform:eksAddonVersions.coredns = "latest": not an EKS add-on version/);
  });

  test('instance types the region does not offer are errors, with the offered ones of the same GPU', () => {
    const offered = JSON.stringify(['g6.2xlarge', 'g6.4xlarge', 'g5.xlarge']);
    const config = { ...base, 'aws:region': 'eu-north-1', 'ai-platform:offeredInstanceTypes': offered };
    expect(() => readPlatformConfig('ai-platform', config)).toThrow(
      /ai-platform:pools\[0\].instanceTypes = \["g6.xlarge"\]: not offered in eu-north-1. Fix: use types eu-north-1 offers with the same GPU: g6.2xlarge, g6.4xlarge/,
    );
    const ok = readPlatformConfig('ai-platform', {
      ...config,
      'ai-platform:pools': JSON.stringify([{ name: 'l4', instanceTypes: ['g6.2xlarge'] }]),
    });
    expect(ok.warnings.filter((w) => w.path.endsWith('offeredInstanceTypes'))).toEqual([]);
  });

  test('a selector pool fails only when the region offers none of its matches', () => {
    const pools = JSON.stringify([{ name: 'l4', instanceSelector: { gpuModels: ['l4'], maxGpus: 1 } }]);
    const config = { ...base, 'aws:region': 'eu-north-1', 'ai-platform:pools': pools };
    expect(() =>
      readPlatformConfig('ai-platform', { ...config, 'ai-platform:offeredInstanceTypes': JSON.stringify(['g6.xlarge']) }),
    ).not.toThrow();
    expect(() =>
      readPlatformConfig('ai-platform', { ...config, 'ai-platform:offeredInstanceTypes': JSON.stringify(['g5.xlarge']) }),
    ).toThrow(/ai-platform:pools\[0\].instanceSelector = .*none of the matching instance types is offered in eu-north-1/);
  });

  test('without an offering list, types the offline data cannot confirm are a warning that says how to check', () => {
    // g6.xlarge has a us-east-1 on-demand price, so it is known to be offered there.
    expect(readPlatformConfig('ai-platform', base).warnings.map((w) => w.path)).not.toContain('ai-platform:offeredInstanceTypes');
    const elsewhere = readPlatformConfig('ai-platform', { ...base, 'aws:region': 'ap-south-1' });
    const warning = elsewhere.warnings.find((w) => w.path === 'ai-platform:offeredInstanceTypes')!;
    expect(warning.message).toContain('g6.xlarge: not checked against what ap-south-1 offers');
    expect(warning.message).toContain('aws ec2 describe-instance-type-offerings --region ap-south-1');
    expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platform:offeredInstanceTypes': '[]' })).toThrow(
      /offeredInstanceTypes = \[\]: lists no instance type/,
    );
  });

  test('bad pools are reported under the config key', () => {
    const pools = JSON.stringify([{ name: 'l4', instanceTypes: ['g6.xlarg'] }]);
    expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platform:pools': pools })).toThrow(
      /ai-platform:pools\[0\].instanceTypes/,
    );
  });

  test('throws when a key is misspelled, suggesting the right one', () => {
    expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platform:natGateway': 'single' })).toThrow(
      /ai-platform:natGateway = "single".*did you mean ai-platform:natGateways\?/,
    );
  });

  test.each([
    ['ai-platform:kubernetesVersion', '1.29', '1.34, 1.35, 1.36'],
    ['ai-platform:environment', 'staging', "'dev', 'prod'"],
    ['ai-platform:pools', '[]', 'at least one GPU pool'],
    ['ai-platform:monitoring', 'yes', 'true, false or an object'],
    ['ai-platform:adminPrincipalArns', '"arn"', 'a list'],
    ['ai-platform:teams', '"research"', 'a list'],
    ['ai-platform:kueue', '"yes"', 'true or false'],
  ])('throws when %s is %s', (key, value, fix) => {
    expect(() => readPlatformConfig('ai-platform', { ...base, [key]: value })).toThrow(
      new RegExp(`${key}.*${fix.replace(/[.]/g, '\\.')}`),
    );
  });

  test('throws when the cluster name or region is missing', () => {
    const { 'ai-platform:clusterName': _c, 'aws:region': _r, ...rest } = base;
    expect(() => readPlatformConfig('ai-platform', rest)).toThrow(/2 problems/);
  });

  test('0.0.0.0/0 is an error in prod and a warning in dev', () => {
    const open = { ...base, 'ai-platform:publicAccessCidrs': '["0.0.0.0/0"]' };
    expect(() => readPlatformConfig('ai-platform', { ...open, 'ai-platform:environment': 'prod' })).toThrow(/whole internet/);
    expect(readPlatformConfig('ai-platform', open).warnings.map((w) => w.path)).toContain('ai-platform:publicAccessCidrs');
  });

  test('an artifact bucket needs Argo Workflows', () => {
    const withBucket = { ...base, 'ai-platform:artifactBucket': 'acme-artifacts' };
    expect(readPlatformConfig('ai-platform', withBucket).artifactBucket).toBe('acme-artifacts');
    expect(() => readPlatformConfig('ai-platform', { ...withBucket, 'ai-platform:workflows': 'none' })).toThrow(
      /ai-platform:artifactBucket.*workflows is 'none'/,
    );
  });

  test('workflows: kubeflow switches Argo Workflows for Kubeflow Trainer in one value', () => {
    const kubeflow = { ...base, 'ai-platform:workflows': 'kubeflow' };
    const { plan } = readPlatformConfig('ai-platform', kubeflow);
    expect(plan.components).toMatchObject({ kubeflowTrainer: true, kubeflowPipelines: true });
    expect(plan.components.argoWorkflows).toBeUndefined();
    expect(() => readPlatformConfig('ai-platform', { ...kubeflow, 'ai-platform:kubeflowTrainer': 'false' })).toThrow(
      /ai-platform:kubeflowTrainer.*contradicts workflows: kubeflow/,
    );
  });

  it.each([
    ['flux', 'flux'],
    ['argocd', 'argocd'],
    ['rendered', 'rendered'],
    [undefined, undefined],
  ])('gitops: %s picks the engine that installs the platform (none: pulumi up)', (value, gitops) => {
    // GIVEN the config with or without the key; WHEN read; THEN
    const config = readPlatformConfig('ai-platform', value ? { ...base, 'ai-platform:gitops': value } : base);
    expect(config.gitops).toBe(gitops);
  });

  it.each([['helm', /ai-platform:gitops = "helm": not a known value. Fix: use one of 'argocd', 'flux', 'rendered'/]])(
    'throws when gitops is %s',
    (value, message) => {
      expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platform:gitops': value })).toThrow(message);
    },
  );

  test('throws when gitops is set with a Grafana password only pulumi up would use', () => {
    const config = { ...base, 'ai-platform:gitops': 'flux', 'ai-platform:grafanaAdminPassword': 'placeholder' };
    expect(() => readPlatformConfig('ai-platform', config)).toThrow(
      /ai-platform:grafanaAdminPassword = "\[a literal credential, not shown\]": is read when pulumi up installs the platform; with gitops: flux nothing creates/,
    );
    expect(() => readPlatformConfig('ai-platform', config)).not.toThrow(/placeholder/);
  });

  test('an existing VPC sets the zones, and refuses the settings of a new VPC', () => {
    const existingVpc = JSON.stringify({
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      privateSubnetIds: { 'us-east-1b': 'subnet-0000000000000000b', 'us-east-1a': 'subnet-0000000000000000a' },
    });
    const adopt = { ...base, 'ai-platform:existingVpc': existingVpc };
    expect(readPlatformConfig('ai-platform', adopt).availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(() => readPlatformConfig('ai-platform', { ...adopt, 'ai-platform:vpcCidr': '10.1.0.0/16' })).toThrow(
      /ai-platform:vpcCidr = "10.1.0.0\/16".*no effect with existingVpc/,
    );
    expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platform:existingVpc': '"vpc-1"' })).toThrow(
      /ai-platform:existingVpc = "vpc-1": must be an object/,
    );
  });

  test('other namespaces are ignored', () => {
    expect(() => readPlatformConfig('ai-platform', { ...base, 'kubernetes:context': 'x' })).not.toThrow();
  });

  test.each([
    [
      'a pool',
      'ai-platform:pools',
      JSON.stringify([{ name: 'l4', instanceTypes: ['g6.xlarge'], capacityTyp: 'spot' }]),
      /ai-platform:pools\[0\]\.capacityTyp = "spot": not a known setting.*did you mean capacityType\?/,
    ],
    [
      'a pool',
      'ai-platform:pools',
      JSON.stringify([{ name: 'l4', instanceTypes: ['g6.xlarge'], maxNode: 50 }]),
      /ai-platform:pools\[0\]\.maxNode = 50:.*did you mean maxNodes\?/,
    ],
    [
      'a team',
      'ai-platform:teams',
      JSON.stringify([{ name: 'a', editGroup: ['x'] }]),
      /ai-platform:teams\[0\]\.editGroup = \["x"\]:.*did you mean editGroups\?/,
    ],
    [
      'sharing',
      'ai-platform:pools',
      JSON.stringify([{ name: 'l4', instanceTypes: ['g6.xlarge'], sharing: { mode: 'time-slicing', replica: 4 } }]),
      /ai-platform:pools\[0\]\.sharing\.replica = 4:.*did you mean replicas\?/,
    ],
    [
      'monitoring',
      'ai-platform:monitoring',
      JSON.stringify({ prometheus: { retension: '30d' } }),
      /ai-platform:monitoring\.prometheus\.retension = "30d":.*did you mean retention\?/,
    ],
  ])('throws when a key inside %s is misspelled: it would be silently dropped', (_what, key, value, message) => {
    expect(() => readPlatformConfig('ai-platform', { ...base, [key]: value })).toThrow(message);
  });

  test('throws when the project namespace is misspelled', () => {
    expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platfrom:kueue': 'true' })).toThrow(
      /ai-platfrom:kueue = "true": 'ai-platfrom' is not a config namespace here.*did you mean ai-platform:kueue\?/,
    );
  });

  test('an unquoted 1.30 that YAML reads as 1.3 is refused with the quoting fix; 1.35 as a number is fine', () => {
    expect(readPlatformConfig('ai-platform', { ...base, 'ai-platform:kubernetesVersion': '1.35' }).kubernetesVersion).toBe(
      '1.35',
    );
    expect(() => readPlatformConfig('ai-platform', { ...base, 'ai-platform:kubernetesVersion': '1.3' })).toThrow(
      /ai-platform:kubernetesVersion = "1.3": outside the supported Kubernetes range/,
    );
  });

  test('with the stack file, every problem names its line and column there', () => {
    // GIVEN a stack file whose pool has a misspelled key
    const text = [
      'config:',
      '  aws:region: us-east-1',
      '  ai-platform:clusterName: ai-dev',
      '  ai-platform:deployFromVpc: true',
      '  ai-platform:pools:',
      '    - name: l4',
      '      instanceTypes: [g6.xlarge]',
      '      maxNode: 50',
      '',
    ].join('\n');
    const config = {
      'aws:region': 'us-east-1',
      'ai-platform:clusterName': 'ai-dev',
      'ai-platform:deployFromVpc': 'true',
      'ai-platform:pools': JSON.stringify([{ name: 'l4', instanceTypes: ['g6.xlarge'], maxNode: 50 }]),
    };
    // THEN the error points at the line of the bad key
    expect(() => readPlatformConfig('ai-platform', config, { file: '/x/Pulumi.dev.yaml', text })).toThrow(
      /ai-platform:pools\[0\]\.maxNode \(Pulumi\.dev\.yaml:8:16\) = 50/,
    );
  });

  test('artifactBucket and argoWorkflows.artifacts cannot both name a repository', () => {
    const both = {
      ...base,
      'ai-platform:artifactBucket': 'acme-artifacts',
      'ai-platform:argoWorkflows': JSON.stringify({ artifacts: { bucket: 'other', region: 'us-east-1' } }),
    };
    expect(() => readPlatformConfig('ai-platform', both)).toThrow(/ai-platform:argoWorkflows\.artifacts.*keep one/);
  });

  test("Airflow's task logs go to the bucket the stack creates, or the config is refused", () => {
    // GIVEN Airflow logging to S3
    const airflow = (bucket: string) => ({
      ...base,
      'ai-platform:airflow': JSON.stringify({
        database: { secret: 'airflow-metadata' },
        fernetKeySecret: 'airflow-fernet-key',
        apiSecretKeySecret: 'airflow-api-secret-key',
        jwtSecret: 'airflow-jwt-secret',
        dags: { gitSync: { repo: 'https://github.com/acme/dags.git', rev: '4f1c2a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39' } },
        logs: { bucket, region: 'us-east-1' },
      }),
    });
    // THEN a bucket the stack does not create is an error naming the fix; the stack's own bucket is fine
    expect(() => readPlatformConfig('ai-platform', airflow('acme-logs'))).toThrow(
      /ai-platform:airflow\.logs\.bucket = "acme-logs": names a bucket the stack neither creates.*set ai-platform:artifactBucket to 'acme-logs'/,
    );
    expect(() =>
      readPlatformConfig('ai-platform', { ...airflow('acme-logs'), 'ai-platform:artifactBucket': 'acme-artifacts' }),
    ).toThrow(/is not the bucket the stack creates \(ai-platform:artifactBucket is 'acme-artifacts'\)/);
    const same = readPlatformConfig('ai-platform', {
      ...airflow('acme-artifacts'),
      'ai-platform:artifactBucket': 'acme-artifacts',
    });
    expect(same.plan.components.airflow?.logs?.bucket).toBe('acme-artifacts');
  });
});
