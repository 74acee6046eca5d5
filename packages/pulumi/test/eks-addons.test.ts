import { captureResources, ofType, settle } from './mocks';
const captured = captureResources();
import { EKS_ADDON_VERSION_PATTERN } from '@aiready/core';
import * as aws from '@pulumi/aws';
import { addonVersionProblems, EksAddons, planEksAddons, unpinnedAddonWarnings } from '../src';

describe('EksAddons', () => {
  test('the five add-ons; the EBS CSI controller gets AWS access through Pod Identity', async () => {
    const cluster = new aws.eks.Cluster('c', { name: 'c1', roleArn: 'r', vpcConfig: { subnetIds: [] } });
    new EksAddons('addons', { cluster, version: '1.36' });
    await settle();
    const addons = ofType(captured, 'aws:eks/addon:Addon');
    expect(addons.map((a) => a.inputs.addonName)).toEqual([
      'vpc-cni',
      'coredns',
      'kube-proxy',
      'eks-pod-identity-agent',
      'aws-ebs-csi-driver',
    ]);
    const ebs = addons.find((a) => a.inputs.addonName === 'aws-ebs-csi-driver')!;
    expect(ebs.inputs.podIdentityAssociations).toEqual([
      { roleArn: expect.any(String), serviceAccount: 'ebs-csi-controller-sa' },
    ]);
    const role = ofType(captured, 'aws:iam/role:Role').find((r) => r.name === 'addons-aws-ebs-csi-driver')!;
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(ofType(captured, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment').map((a) => a.inputs.policyArn)).toEqual([
      'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
    ]);
  });

  test('enableNetworkPolicy turns on the vpc-cni network policy agent, and only there', async () => {
    // GIVEN a platform that writes NetworkPolicies
    const cluster = new aws.eks.Cluster('np', { name: 'np', roleArn: 'r', vpcConfig: { subnetIds: [] } });
    new EksAddons('np', { cluster, version: '1.35', enableNetworkPolicy: true });
    new EksAddons('off', { cluster, version: '1.35' });
    await settle();
    // THEN vpc-cni is configured to enforce them; nothing else is configured
    const np = ofType(captured, 'aws:eks/addon:Addon').filter((a) => a.name.startsWith('np-'));
    expect(np.filter((a) => a.inputs.configurationValues).map((a) => a.inputs.addonName)).toEqual(['vpc-cni']);
    expect(JSON.parse(np.find((a) => a.inputs.addonName === 'vpc-cni')!.inputs.configurationValues)).toEqual({
      enableNetworkPolicy: 'true',
    });
    expect(
      ofType(captured, 'aws:eks/addon:Addon').find((a) => a.name === 'off-vpc-cni')!.inputs.configurationValues,
    ).toBeUndefined();
  });

  test('unpinned versions are said, once', () => {
    expect(planEksAddons('1.36').every((a) => a.addonVersion === undefined)).toBe(true);
    const warnings = unpinnedAddonWarnings('1.36');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('vpc-cni, coredns, kube-proxy, eks-pod-identity-agent, aws-ebs-csi-driver');
  });

  test('1.34 and 1.35 are pinned from the version lock; a pinned cluster gets addonVersion on every add-on', async () => {
    for (const v of ['1.34', '1.35'] as const) {
      expect(planEksAddons(v).every((a) => EKS_ADDON_VERSION_PATTERN.test(a.addonVersion ?? ''))).toBe(true);
      expect(unpinnedAddonWarnings(v)).toEqual([]);
    }
    expect(planEksAddons('1.35').find((a) => a.name === 'kube-proxy')!.addonVersion).toMatch(/^v1\.35\./);
    const cluster = new aws.eks.Cluster('c2', { name: 'c2', roleArn: 'r', vpcConfig: { subnetIds: [] } });
    new EksAddons('pinned', { cluster, version: '1.36', versions: { coredns: 'v1.14.9-eksbuild.1' } });
    await settle();
    const coredns = ofType(captured, 'aws:eks/addon:Addon').find((a) => a.name === 'pinned-coredns')!;
    expect(coredns.inputs.addonVersion).toBe('v1.14.9-eksbuild.1');
    const vpcCni = ofType(captured, 'aws:eks/addon:Addon').find((a) => a.name === 'pinned-vpc-cni')!;
    expect(vpcCni.inputs.addonVersion).toBeUndefined();
  });

  test('overrides pin what the lock does not, and the warning names only what is left', () => {
    const warnings = unpinnedAddonWarnings('1.36', { coredns: 'v1.14.9-eksbuild.1', 'kube-proxy': 'v1.36.1-eksbuild.1' });
    expect(warnings[0].message).toMatch(/^vpc-cni, eks-pod-identity-agent, aws-ebs-csi-driver:/);
  });

  test('bad overrides: an unknown add-on (with a suggestion), a string that is not a version, not a map', () => {
    const problems = addonVersionProblems('ai-platform:eksAddonVersions', { corednss: 'v1.0.0-eksbuild.1', 'vpc-cni': '1.23' });
    expect(problems.map((p) => [p.path, p.problem])).toEqual([
      ['ai-platform:eksAddonVersions.corednss', 'not an add-on aiready installs'],
      ['ai-platform:eksAddonVersions.vpc-cni', 'not an EKS add-on version'],
    ]);
    expect(problems[0].fix).toContain('did you mean coredns?');
    expect(addonVersionProblems('k', ['v1'])[0].problem).toBe('must map add-on names to versions');
    expect(addonVersionProblems('k', { coredns: 'v1.14.3-eksbuild.3' })).toEqual([]);
  });
});
