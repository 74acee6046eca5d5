import { IAM_PRINCIPAL_ARN, principalGroups, teamAccessGroup } from '../src';

describe('principalGroups', () => {
  test('a principal named by two teams gets one entry with both groups', () => {
    // GIVEN two teams sharing one principal
    const groups = principalGroups([
      { name: 'research', editPrincipalArns: ['arn:aws:iam::111122223333:role/ml'] },
      {
        name: 'serving',
        editPrincipalArns: ['arn:aws:iam::111122223333:role/serve'],
        viewPrincipalArns: ['arn:aws:iam::111122223333:role/ml'],
      },
    ]);
    // THEN each principal appears once, with every group it needs
    expect(groups).toEqual({
      'arn:aws:iam::111122223333:role/ml': ['aiready-team-research-edit', 'aiready-team-serving-view'],
      'arn:aws:iam::111122223333:role/serve': ['aiready-team-serving-edit'],
    });
  });

  test('group names avoid the prefixes EKS reserves', () => {
    expect(teamAccessGroup('a', 'view')).not.toMatch(/^(system|eks|aws|amazon|iam):/);
  });

  test.each([
    ['arn:aws:iam::111122223333:role/ml', true],
    ['arn:aws:iam::111122223333:user/alice', true],
    ['arn:aws:sts::111122223333:assumed-role/ml/session', false],
    ['research-engineers', false],
  ])('%s is an IAM principal ARN: %s', (arn, ok) => {
    expect(IAM_PRINCIPAL_ARN.test(arn)).toBe(ok);
  });
});
