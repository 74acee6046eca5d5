import { captureResources, ofType, settle } from './mocks';
const captured = captureResources();
import * as aws from '@pulumi/aws';
import { EksAddons, planEksAddons, unpinnedAddonWarnings } from '../src';

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

  test('unpinned versions are said, once', () => {
    expect(planEksAddons('1.36').every((a) => a.addonVersion === undefined)).toBe(true);
    const warnings = unpinnedAddonWarnings('1.36');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('vpc-cni, coredns, kube-proxy, eks-pod-identity-agent, aws-ebs-csi-driver');
  });
});
