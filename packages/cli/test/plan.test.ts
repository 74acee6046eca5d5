import { buildPlan, keyFromUrn, longestChain, RecordedResource, renderSummary } from '../src';

function rec(type: string, name: string, dependsOn: string[] = [], extra: Partial<RecordedResource> = {}): RecordedResource {
  return { type, name, custom: true, inputs: {}, dependsOn, ...extra };
}

describe('plan', () => {
  const recorded: RecordedResource[] = [
    rec('aiready:cluster:EksCluster', 'eks', [], { custom: false }),
    rec('aws:ec2/vpc:Vpc', 'vpc'),
    rec('aws:ec2/subnet:Subnet', 'subnet', ['aws:ec2/vpc:Vpc::vpc']),
    rec('aws:eks/cluster:Cluster', 'cluster', ['aws:ec2/subnet:Subnet::subnet'], { parent: 'aiready:cluster:EksCluster::eks' }),
    rec('pulumi:providers:kubernetes', 'k8s', ['aws:eks/cluster:Cluster::cluster'], { inputs: { kubeconfig: 'secret-ish' } }),
    rec('kubernetes:yaml/v2:ConfigGroup', 'objs', ['aiready:cluster:EksCluster::eks', 'pulumi:providers:kubernetes::k8s'], {
      custom: false,
      inputs: { objs: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }] },
    }),
  ];

  test('resources, components, counts, and dependencies on components expanded', () => {
    const plan = buildPlan('p', 's', recorded);
    expect(plan.components).toEqual(['aiready:cluster:EksCluster::eks']);
    expect(plan.resources.map((r) => r.type)).toEqual([
      'aws:ec2/subnet:Subnet',
      'aws:ec2/vpc:Vpc',
      'aws:eks/cluster:Cluster',
      'kubernetes:yaml/v2:ConfigGroup',
      'pulumi:providers:kubernetes',
    ]);
    const group = plan.resources.find((r) => r.name === 'objs')!;
    expect(group.dependsOn).toEqual(['aws:eks/cluster:Cluster::cluster', 'pulumi:providers:kubernetes::k8s']);
    expect(group.inputs.objs).toEqual({ objects: 1, kinds: { Namespace: 1 }, manifests: 'see manifests/' });
  });

  test('credential-bearing inputs are never written', () => {
    const plan = buildPlan('p', 's', recorded);
    expect(plan.resources.find((r) => r.name === 'k8s')!.inputs.kubeconfig).toBe('[secret]');
  });

  test('the longest dependency chain', () => {
    expect(longestChain(buildPlan('p', 's', recorded).resources)).toEqual([
      'aws:ec2/vpc:Vpc::vpc',
      'aws:ec2/subnet:Subnet::subnet',
      'aws:eks/cluster:Cluster::cluster',
      'pulumi:providers:kubernetes::k8s',
      'kubernetes:yaml/v2:ConfigGroup::objs',
    ]);
  });

  test('URNs map to type::name', () => {
    expect(keyFromUrn('urn:pulumi:dev::ai-platform::aiready:cluster:EksCluster$aws:eks/cluster:Cluster::eks-cluster')).toBe(
      'aws:eks/cluster:Cluster::eks-cluster',
    );
  });

  test('the summary names the plan size and the chain', () => {
    const md = renderSummary({ title: 'T', plan: buildPlan('p', 's', recorded), manifests: [], warnings: ['w1'] });
    expect(md).toContain('would create **5** resources');
    expect(md).toContain('Longest dependency chain (5 steps');
    expect(md).toContain('- w1');
  });
});
