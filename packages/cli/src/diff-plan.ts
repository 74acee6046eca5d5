// Cloud resources added, removed, updated or replaced between two plan.json files. Whether a change
// replaces a resource is the provider's decision; offline, aiready knows it for the resource types it
// creates: the inputs below are immutable in the AWS provider (Terraform's ForceNew, which the
// bridged Pulumi AWS provider inherits) or in Pulumi's helm.v3.Release.
import { fieldChanges, FieldChange } from './diff-fields';

/** Inputs (top-level, or a dotted path below one) whose change replaces the resource. */
export const REPLACED_BY: Readonly<Record<string, readonly string[]>> = {
  'aws:autoscaling/tag:Tag': ['autoscalingGroupName', 'tag.key'],
  'aws:cloudwatch/eventRule:EventRule': ['name', 'namePrefix', 'eventBusName'],
  'aws:cloudwatch/eventTarget:EventTarget': ['rule', 'targetId', 'eventBusName'],
  'aws:cloudwatch/logGroup:LogGroup': ['name', 'namePrefix'],
  'aws:ec2/launchTemplate:LaunchTemplate': ['name', 'namePrefix'],
  'aws:ec2/natGateway:NatGateway': ['allocationId', 'subnetId', 'connectivityType'],
  'aws:ec2/placementGroup:PlacementGroup': ['name', 'strategy', 'partitionCount', 'spreadLevel'],
  'aws:ec2/routeTable:RouteTable': ['vpcId'],
  'aws:ec2/routeTableAssociation:RouteTableAssociation': ['subnetId', 'gatewayId'],
  'aws:ec2/subnet:Subnet': ['vpcId', 'cidrBlock', 'availabilityZone', 'availabilityZoneId'],
  'aws:ec2/tag:Tag': ['resourceId', 'key'],
  'aws:ec2/vpc:Vpc': ['cidrBlock'],
  'aws:eks/accessEntry:AccessEntry': ['clusterName', 'principalArn', 'type'],
  'aws:eks/accessPolicyAssociation:AccessPolicyAssociation': ['clusterName', 'principalArn', 'policyArn', 'accessScope'],
  'aws:eks/addon:Addon': ['addonName', 'clusterName'],
  'aws:eks/cluster:Cluster': ['name', 'roleArn', 'kubernetesNetworkConfig'],
  'aws:eks/nodeGroup:NodeGroup': [
    'amiType',
    'capacityType',
    'clusterName',
    'diskSize',
    'instanceTypes',
    'launchTemplate.id',
    'launchTemplate.name',
    'nodeGroupName',
    'nodeGroupNamePrefix',
    'nodeRoleArn',
    'remoteAccess',
    'subnetIds',
  ],
  'aws:eks/podIdentityAssociation:PodIdentityAssociation': ['clusterName', 'namespace', 'serviceAccount'],
  'aws:iam/role:Role': ['name', 'namePrefix', 'path'],
  'aws:iam/rolePolicy:RolePolicy': ['name', 'namePrefix', 'role'],
  'aws:iam/rolePolicyAttachment:RolePolicyAttachment': ['role', 'policyArn'],
  'aws:kms/key:Key': ['customerMasterKeySpec', 'keyUsage'],
  'aws:s3/bucket:Bucket': ['bucket', 'bucketPrefix'],
  'aws:s3/bucketPolicy:BucketPolicy': ['bucket'],
  'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock': ['bucket'],
  'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration': ['bucket'],
  'aws:s3/bucketVersioning:BucketVersioning': ['bucket'],
  'aws:sqs/queue:Queue': ['name', 'namePrefix', 'fifoQueue'],
  'aws:sqs/queuePolicy:QueuePolicy': ['queueUrl'],
  'kubernetes:helm.sh/v3:Release': ['name', 'namespace'],
};

/** One cloud resource added, removed, updated or replaced between two plans. */
export interface CloudChange {
  readonly change: 'added' | 'removed' | 'updated' | 'replaced';
  /** `type::name`. */
  readonly resource: string;
  /** Changed inputs (updated and replaced only). */
  readonly inputs: readonly FieldChange[];
  /** The immutable inputs that changed (replaced only). */
  readonly replacedBy?: readonly string[];
}

interface PlanJson {
  resources?: { type: string; name: string; inputs?: Record<string, unknown> }[];
}

function resources(plan: string | undefined): Map<string, { type: string; inputs: Record<string, unknown> }> {
  const parsed = (plan ? JSON.parse(plan) : {}) as PlanJson;
  return new Map((parsed.resources ?? []).map((r) => [`${r.type}::${r.name}`, { type: r.type, inputs: r.inputs ?? {} }]));
}

/** Whether a changed input path is, or sits under, an immutable input. */
function immutable(type: string, changed: string): string | undefined {
  return (REPLACED_BY[type] ?? []).find((p) => changed === p || changed.startsWith(`${p}.`) || changed.startsWith(`${p}[`));
}

/** The cloud resources that differ between two plan.json texts, sorted by resource. */
export function planChanges(a: string | undefined, b: string | undefined): CloudChange[] {
  if (a === b) return [];
  const ra = resources(a);
  const rb = resources(b);
  const out: CloudChange[] = [];
  for (const resource of [...new Set([...ra.keys(), ...rb.keys()])].sort()) {
    const [x, y] = [ra.get(resource), rb.get(resource)];
    if (!x) out.push({ change: 'added', resource, inputs: [] });
    else if (!y) out.push({ change: 'removed', resource, inputs: [] });
    else {
      const inputs = fieldChanges(x.inputs, y.inputs);
      if (!inputs.length) continue;
      const replacedBy = [...new Set(inputs.map((c) => immutable(y.type, c.path)).filter((p): p is string => !!p))];
      out.push(
        replacedBy.length ? { change: 'replaced', resource, inputs, replacedBy } : { change: 'updated', resource, inputs },
      );
    }
  }
  return out;
}
