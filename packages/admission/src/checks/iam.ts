// IAM coverage: the controllers' roles grant every action the configured features need, compared with
// the upstream policies kept in data/upstream-iam.ts (Karpenter v1.14.1, cluster autoscaler 1.35, EBS CSI).
import {
  CLUSTER_AUTOSCALER_1_35_POLICY,
  EBS_CSI_V1_63_1,
  KARPENTER_V1_14_1_CONTROLLER_POLICY,
  UpstreamStatement,
} from '../data/upstream-iam';
import { asArray, asObject, asString, at, describe } from '../model/kube';
import { Findings } from '../model/findings';
import { grants, PlanRole, podIdentityRole } from '../model/iam-policy';
import { ObjectIndex } from '../model/object-index';
import { PLAN_TYPES, PlanIndex, planKey } from '../model/plan';
import { Release, valueOf } from '../model/releases';

/** What makes Karpenter call an action: always, or a feature some NodePool/EC2NodeClass uses. */
type Feature =
  'base' | 'placement groups' | 'capacity reservations' | 'spot' | 'instance profiles' | 'interruption queue' | 'zonal shift';

function featureOf(action: string, resource: string): Feature {
  if (resource.includes('placement-group') || action === 'ec2:DescribePlacementGroups') return 'placement groups';
  if (resource.includes('capacity-reservation') || action === 'ec2:DescribeCapacityReservations') return 'capacity reservations';
  if (resource.includes('spot-instances-request')) return 'spot';
  if (/InstanceProfile/.test(action)) return 'instance profiles';
  if (action.startsWith('sqs:')) return 'interruption queue';
  if (action.startsWith('arc-zonal-shift:')) return 'zonal shift';
  return 'base';
}

/** A concrete resource for a policy pattern; `undefined` for references to other resources of the stack. */
function sample(pattern: string, clusterName = 'cluster'): string | undefined {
  // `*` (actions without resource-level permissions) and references to other resources: the action is what counts.
  if (pattern === '*' || (pattern.startsWith('${') && pattern.endsWith('}'))) return undefined;
  return pattern
    .replace(/\$\{AWS::Partition\}/g, 'aws')
    .replace(/\$\{AWS::Region\}/g, 'region')
    .replace(/\$\{AWS::AccountId\}/g, '123456789012')
    .replace(/\$\{ClusterName\}/g, clusterName)
    .replace(/\*/g, 'x');
}

/** Which Karpenter features the target's NodePools and EC2NodeClasses use, with the object that uses each. */
function karpenterFeatures(index: ObjectIndex, karpenter: Release | undefined): Map<Feature, string> {
  const used = new Map<Feature, string>([['base', 'every NodePool']]);
  for (const { object } of index.ofKind('EC2NodeClass')) {
    const name = describe(object);
    if (at(object, 'spec.placementGroupSelector') || at(object, 'spec.placementGroup'))
      used.set('placement groups', `${name} spec.placementGroupSelector`);
    if (asArray(at(object, 'spec.capacityReservationSelectorTerms')).length)
      used.set('capacity reservations', `${name} spec.capacityReservationSelectorTerms`);
    if (asString(at(object, 'spec.role'))) used.set('instance profiles', `${name} spec.role`);
  }
  for (const { object } of index.ofKind('NodePool')) {
    const types = asArray(at(object, 'spec.template.spec.requirements')).find(
      (r) => asObject(r)?.key === 'karpenter.sh/capacity-type',
    );
    const values = asArray(asObject(types)?.values).map(String);
    if (values.includes('spot')) used.set('spot', `${describe(object)} karpenter.sh/capacity-type spot`);
    if (values.includes('reserved')) used.set('capacity reservations', `${describe(object)} karpenter.sh/capacity-type reserved`);
  }
  if (karpenter && valueOf<unknown>(karpenter, 'settings.interruptionQueue', undefined))
    used.set('interruption queue', `${karpenter.installer} settings.interruptionQueue`);
  return used;
}

/** The resource part of an ARN pattern (`placement-group/*`), for messages. */
function resourceType(pattern: string): string {
  return (
    pattern
      .replace(/\$\{[^}]+\}/g, '')
      .split(':')
      .slice(5)
      .join(':') || pattern
  );
}

function roleName(role: PlanRole): string {
  return `plan ${planKey(role.resource)}`;
}

function allStatements(role: PlanRole) {
  return role.inline.flatMap((p) => p.statements);
}

/** Checks one role against upstream statements; `needed` says which statements' actions are required. */
function cover(
  role: PlanRole,
  upstream: readonly UpstreamStatement[],
  needed: (action: string, resource: string) => string | undefined,
  who: string,
  source: string,
  clusterName: string,
  findings: Findings,
): void {
  const statements = allStatements(role);
  const missing = new Map<string, { sid: string; why: string | undefined; gaps: string[] }>();
  for (const s of upstream)
    for (const action of s.actions)
      for (const resource of s.resources) {
        const concrete = sample(resource, clusterName);
        if (grants(statements, action, concrete)) continue;
        const why = needed(action, resource);
        const key = `${s.sid}\u0000${why ?? ''}`;
        const entry = missing.get(key) ?? { sid: s.sid, why, gaps: [] };
        entry.gaps.push(`${action}${concrete ? ` on ${resourceType(resource)}` : ''}`);
        missing.set(key, entry);
      }
  for (const { sid, why, gaps } of missing.values()) {
    const list = [...new Set(gaps)];
    if (why)
      findings.error(
        'iam',
        roleName(role),
        'policy',
        list,
        `${who} lacks ${list.join(', ')}, which ${why} needs (upstream ${source} grants it in ${sid})`,
        `grant ${list.join(', ')} as ${source}'s ${sid} does`,
      );
    else
      findings.warn(
        'iam',
        `${roleName(role)} policy`,
        `${who} lacks ${list.join(', ')}, which ${source} grants (${sid}); no configured feature needs it yet`,
      );
  }
}

/** Checks the Karpenter, cluster autoscaler and EBS CSI roles of a plan. */
export function checkIam(index: ObjectIndex, releases: readonly Release[], plan: PlanIndex, findings: Findings): void {
  if (!plan.present) return;
  const clusterName = asString(plan.ofType(PLAN_TYPES.cluster)[0]?.inputs.name) ?? 'cluster';
  const karpenter = releases.find((r) => r.chart === 'karpenter');
  if (karpenter && index.ofKind('NodePool').length) {
    const sa = valueOf(karpenter, 'serviceAccount.name', 'karpenter');
    const role = podIdentityRole(plan, karpenter.namespace, sa);
    if (!role)
      findings.error(
        'iam',
        karpenter.installer,
        'serviceAccount',
        `${karpenter.namespace}/${sa}`,
        "Karpenter's service account has no Pod Identity association to a role in the plan, so it cannot launch nodes",
        'associate a role with the Karpenter controller policy to that service account',
      );
    else {
      const features = karpenterFeatures(index, karpenter);
      cover(
        role,
        KARPENTER_V1_14_1_CONTROLLER_POLICY,
        (a, r) => {
          const f = featureOf(a, r);
          const by = features.get(f);
          return by ? `${f === 'base' ? 'every NodePool' : `${f} (${by})`}` : undefined;
        },
        'the Karpenter controller role',
        'Karpenter v1.14.1',
        clusterName,
        findings,
      );
    }
  }
  const autoscaler = releases.find((r) => r.chart === 'cluster-autoscaler');
  if (autoscaler) {
    const sa = valueOf(autoscaler, 'rbac.serviceAccount.name', 'cluster-autoscaler');
    const role = podIdentityRole(plan, autoscaler.namespace, sa);
    if (!role)
      findings.error(
        'iam',
        autoscaler.installer,
        'rbac.serviceAccount.name',
        `${autoscaler.namespace}/${sa}`,
        'the cluster autoscaler service account has no Pod Identity association to a role in the plan',
        'associate a role with the cluster autoscaler policy to that service account',
      );
    else
      cover(
        role,
        CLUSTER_AUTOSCALER_1_35_POLICY,
        () => 'autoscaling managed node groups',
        'the cluster autoscaler role',
        'cluster-autoscaler 1.35',
        clusterName,
        findings,
      );
  }
  checkEbsCsi(index, plan, findings);
}

function checkEbsCsi(index: ObjectIndex, plan: PlanIndex, findings: Findings): void {
  if (!plan.addon('aws-ebs-csi-driver')) return;
  const classes = index.ofKind('StorageClass').filter((t) => t.object.provisioner === 'ebs.csi.aws.com');
  if (!classes.length) return;
  const role = podIdentityRole(plan, 'kube-system', 'ebs-csi-controller-sa');
  if (!role) {
    findings.error(
      'iam',
      'plan aws:eks/addon:Addon aws-ebs-csi-driver',
      'podIdentityAssociations',
      undefined,
      `${describe(classes[0].object)} provisions EBS volumes, but the EBS CSI controller (kube-system/ebs-csi-controller-sa) has no role`,
      'give the add-on a Pod Identity association to a role with AmazonEBSCSIDriverPolicyV2',
    );
    return;
  }
  const statements = allStatements(role);
  const managed = role.managed.some((arn) => EBS_CSI_V1_63_1.managedPolicies.some((m) => arn.endsWith(`:policy/${m}`)));
  const core = EBS_CSI_V1_63_1.core;
  const gaps = managed ? [] : core.actions.filter((a) => !grants(statements, a, sample(core.resources[0])));
  if (gaps.length)
    findings.error(
      'iam',
      roleName(role),
      'policy',
      gaps,
      `the EBS CSI driver role lacks ${gaps.join(', ')}, which provisioning volumes for ${describe(classes[0].object)} needs`,
      `attach arn:aws:iam::aws:policy/${EBS_CSI_V1_63_1.managedPolicies[1]}`,
    );
  const kms = classes.find((t) => asString(asObject(t.object.parameters)?.kmsKeyId));
  if (kms) {
    const s = EBS_CSI_V1_63_1.kms;
    const missing = s.actions.filter((a) => !grants(statements, a, sample(s.resources[0])));
    if (missing.length)
      findings.error(
        'iam',
        roleName(role),
        'policy',
        missing,
        `${describe(kms.object)} encrypts with a customer KMS key (parameters.kmsKeyId), and the EBS CSI role lacks ${missing.join(', ')} on it (no AWS-managed EBS CSI policy grants KMS)`,
        `add the statement docs/install.md of aws-ebs-csi-driver v1.63.1 gives: ${s.actions.join(', ')} on the key`,
      );
  }
}
