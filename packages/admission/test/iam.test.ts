import { grants, resourceCovers, statementsOf } from '../src/model/iam-policy';
import { find, planResource } from './fixtures/target';
import { broken, problems, refusal, Target } from './support';

const karpenterPolicy = (t: Target) => planResource(t, 'aws:iam/rolePolicy:RolePolicy', 'karpenter-controller').inputs;
/** Removes an action (or one resource of it) from the Karpenter controller policy. */
const revoke = (action: string, resourcePart?: string) => (t: Target) => {
  const doc = JSON.parse(karpenterPolicy(t).policy);
  for (const s of doc.Statement) {
    if (!s.Action.includes(action)) continue;
    if (resourcePart) s.Resource = s.Resource.filter((r: string) => !r.includes(resourcePart));
    else s.Action = s.Action.filter((a: string) => a !== action);
  }
  karpenterPolicy(t).policy = JSON.stringify(doc);
};
const ec2NodeClass = (t: Target, name: string) => find(t, 'EC2NodeClass', name).spec;

describe('offline admission: IAM coverage', () => {
  test('admits the valid target (policies equal to upstream)', () => {
    expect(
      problems(
        broken(() => {}),
        'iam',
      ),
    ).toEqual([]);
  });

  test.each<[string, (t: Target) => void, string]>([
    [
      'placement groups are used and RunInstances lacks placement-group/* (issue 13 item 1)',
      (t) => {
        ec2NodeClass(t, 'h100').placementGroupSelector = { name: 'test-h100' };
        revoke('ec2:RunInstances', 'placement-group')(t);
      },
      'lacks ec2:RunInstances on placement-group/*, ec2:CreateFleet on placement-group/*, which placement groups (EC2NodeClass h100 spec.placementGroupSelector) needs',
    ],
    [
      'placement groups are used and DescribePlacementGroups is missing',
      (t) => {
        ec2NodeClass(t, 'h100').placementGroupSelector = { name: 'test-h100' };
        revoke('ec2:DescribePlacementGroups')(t);
      },
      'lacks ec2:DescribePlacementGroups, which placement groups',
    ],
    [
      'DescribeInstanceStatus is missing (issue 13 item 1)',
      revoke('ec2:DescribeInstanceStatus'),
      'lacks ec2:DescribeInstanceStatus, which every NodePool needs',
    ],
    [
      'capacity reservations are used and RunInstances lacks capacity-reservation/*',
      (t) => {
        ec2NodeClass(t, 'h100').capacityReservationSelectorTerms = [{ id: 'cr-0123' }];
        revoke('ec2:RunInstances', 'capacity-reservation')(t);
      },
      'which capacity reservations (EC2NodeClass h100 spec.capacityReservationSelectorTerms) needs',
    ],
    [
      'a spot pool exists and CreateFleet lacks spot-instances-request/*',
      revoke('ec2:CreateFleet', 'spot-instances-request'),
      'which spot (NodePool l4 karpenter.sh/capacity-type spot) needs',
    ],
    [
      'EC2NodeClasses name a role and instance profiles cannot be created',
      revoke('iam:CreateInstanceProfile'),
      'lacks iam:CreateInstanceProfile on instance-profile/*, which instance profiles',
    ],
    [
      'the Karpenter service account has no Pod Identity association',
      (t) =>
        t.plan.resources.splice(
          t.plan.resources.findIndex((r) => r.name === 'karpenter' && r.type.includes('podIdentity')),
          1,
        ),
      "Karpenter's service account has no Pod Identity association",
    ],
    [
      'the cluster autoscaler cannot set desired capacity',
      (t) => {
        const p = planResource(t, 'aws:iam/rolePolicy:RolePolicy', 'cluster-autoscaler').inputs;
        const doc = JSON.parse(p.policy);
        doc.Statement = doc.Statement.filter((s: { Sid: string }) => s.Sid !== 'Scaling');
        p.policy = JSON.stringify(doc);
      },
      'the cluster autoscaler role lacks autoscaling:SetDesiredCapacity',
    ],
    [
      'the EBS CSI role has no EBS policy',
      (t) =>
        t.plan.resources.splice(
          t.plan.resources.findIndex((r) => r.name === 'ebs-csi-policy'),
          1,
        ),
      'the EBS CSI driver role lacks ec2:CreateVolume',
    ],
    [
      'a StorageClass encrypts with a customer KMS key the EBS CSI role cannot use',
      (t) => (find(t, 'StorageClass').parameters.kmsKeyId = 'arn:aws:kms:us-east-1:123456789012:key/abc'),
      'encrypts with a customer KMS key (parameters.kmsKeyId), and the EBS CSI role lacks kms:Decrypt, kms:GenerateDataKeyWithoutPlaintext, kms:CreateGrant',
    ],
  ])('throws when %s', (_, mutate, expected) => {
    expect(refusal(broken(mutate))).toContain(expected);
  });

  test('a feature no pool uses makes a missing grant a warning only', () => {
    // GIVEN no placement group anywhere and no placement-group grant
    const t = broken(revoke('ec2:RunInstances', 'placement-group'));
    expect(problems(t, 'iam')).toEqual([]);
  });

  test.each<[string, string, boolean]>([
    ['arn:aws:ec2:us-east-1:*:placement-group/*', 'arn:aws:ec2:region:123456789012:placement-group/x', true],
    ['arn:aws:ec2:us-east-1:*:subnet/*', 'arn:aws:ec2:region:123456789012:placement-group/x', false],
    ['arn:aws:mock:us-east-1:123456789012:cluster/test', 'arn:aws:eks:region:123456789012:cluster/test', true],
    ['*', 'arn:aws:ec2:region:1:instance/x', true],
  ])('%s covers %s: %s', (pattern, resource, expected) => expect(resourceCovers(pattern, resource)).toBe(expected));

  test('wildcard actions and single-string statements are understood', () => {
    const s = statementsOf({ Statement: { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' } });
    expect(grants(s, 'ec2:DescribePlacementGroups', undefined)).toBe(true);
    expect(grants(s, 'ec2:RunInstances', undefined)).toBe(false);
    expect(
      grants(statementsOf('{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'), 'ec2:RunInstances', undefined),
    ).toBe(false);
  });
});
