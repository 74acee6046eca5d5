import { AireadyValidationError, KARPENTER_DISCOVERY_TAG, SUBNET_ROLE_TAGS, ValidationProblem } from '@aiready/core';
import * as aws from '../private/aws';
import * as pulumi from '@pulumi/pulumi';
import { isNetworkCidr, planSubnets } from './subnet-plan';

/** How many NAT gateways the network gets. */
export type NatGateways = 'single' | 'one-per-az';

/** A VPC you already run: aiready creates nothing in it but the discovery tags on its subnets. */
export interface ExistingNetwork {
  readonly vpcId: string;
  /** The private subnet for nodes in each availability zone (`{ 'us-east-1a': 'subnet-0abc...' }`). */
  readonly privateSubnetIds: Readonly<Record<string, string>>;
  /**
   * Public subnets, tagged for internet-facing load balancers.
   * @default - none
   */
  readonly publicSubnetIds?: readonly string[];
}

/** Arguments of `Network`. */
export interface NetworkArgs {
  /** Name of the EKS cluster that will use the network; subnets are tagged for its load balancers and Karpenter. */
  readonly clusterName: string;
  /** Availability zones, 1 to 3 (`us-east-1a`). With `existing`, the zones of its private subnets. */
  readonly availabilityZones: readonly string[];
  /**
   * Adopt an existing VPC instead of creating one: its subnets get the load balancer and Karpenter
   * discovery tags (as `aws.ec2.Tag`s, removed again on destroy); no VPC, subnet, route or NAT is made.
   * @default - a new VPC
   */
  readonly existing?: ExistingNetwork;
  /**
   * VPC CIDR, /16 to /20.
   * @default '10.0.0.0/16'
   */
  readonly cidrBlock?: string;
  /**
   * NAT gateways: one per AZ survives an AZ outage; one in total is cheaper (dev).
   * @default 'one-per-az'
   */
  readonly natGateways?: NatGateways;
  /**
   * Tags on every resource.
   * @default - none beyond the aiready and discovery tags
   */
  readonly tags?: Record<string, string>;
}

/** A VPC across 1-3 AZs with private subnets for nodes and public subnets for load balancers and NAT. */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly privateSubnetIds: pulumi.Output<string>[];
  /** Private subnet per availability zone. */
  public readonly privateSubnetIdsByZone: Record<string, pulumi.Output<string>>;
  public readonly publicSubnetIds: pulumi.Output<string>[];
  /**
   * What nodes need before they can join: NAT gateways and the private route table associations
   * (nodes pull images and reach the EKS API through them). Empty for an existing VPC.
   */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aiready:network:Network', name, {}, opts);
    const cidrBlock = args.cidrBlock ?? '10.0.0.0/16';
    const nat = args.natGateways ?? 'one-per-az';
    const problems: ValidationProblem[] = [];
    if (!isNetworkCidr(cidrBlock) || !/\/(1[6-9]|20)$/.test(cidrBlock)) {
      problems.push({
        path: 'cidrBlock',
        value: cidrBlock,
        problem: 'not an IPv4 network CIDR between /16 and /20',
        fix: "use e.g. '10.0.0.0/16'",
      });
    }
    if (args.availabilityZones.length < 1 || args.availabilityZones.length > 3) {
      problems.push({
        path: 'availabilityZones',
        value: args.availabilityZones,
        problem: 'needs 1 to 3 zones',
        fix: "list e.g. ['us-east-1a', 'us-east-1b', 'us-east-1c']",
      });
    }
    if (nat !== 'single' && nat !== 'one-per-az') {
      problems.push({ path: 'natGateways', value: nat, problem: 'not a NAT layout', fix: "use 'single' or 'one-per-az'" });
    }
    if (args.existing) problems.push(...existingNetworkProblems(args));
    if (problems.length) throw new AireadyValidationError(name, problems);

    const tags = { ...args.tags, 'aiready.dev/cluster': args.clusterName };
    const child = { parent: this };
    const privateTags = { ...SUBNET_ROLE_TAGS.private, [KARPENTER_DISCOVERY_TAG]: args.clusterName };
    if (args.existing) {
      const { existing } = args;
      const tag = (id: string, key: string, value: string) =>
        new aws.ec2.Tag(`${name}-${id}-${key.replace(/[^a-z0-9]+/gi, '-')}`, { resourceId: id, key, value }, child);
      for (const id of Object.values(existing.privateSubnetIds)) {
        for (const [key, value] of Object.entries(privateTags)) tag(id, key, value);
      }
      for (const id of existing.publicSubnetIds ?? []) {
        for (const [key, value] of Object.entries(SUBNET_ROLE_TAGS.public)) tag(id, key, value);
      }
      this.vpcId = pulumi.output(existing.vpcId);
      this.privateSubnetIdsByZone = Object.fromEntries(
        args.availabilityZones.map((z) => [z, pulumi.output(existing.privateSubnetIds[z])]),
      );
      this.privateSubnetIds = Object.values(this.privateSubnetIdsByZone);
      this.publicSubnetIds = (existing.publicSubnetIds ?? []).map((id) => pulumi.output(id));
      this.ready = [];
      this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
      return;
    }
    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock, enableDnsHostnames: true, enableDnsSupport: true, tags: { ...tags, Name: name } },
      child,
    );
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags }, child);
    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public`,
      { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }], tags },
      child,
    );

    const plan = planSubnets(cidrBlock, args.availabilityZones);
    const publicSubnets = plan
      .filter((s) => s.tier === 'public')
      .map((s, i) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-public-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock: s.cidrBlock,
            availabilityZone: s.availabilityZone,
            mapPublicIpOnLaunch: false,
            tags: { ...tags, Name: `${name}-public-${s.availabilityZone}`, ...SUBNET_ROLE_TAGS.public },
          },
          child,
        );
        new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, child);
        return subnet;
      });
    const natCount = nat === 'single' ? 1 : publicSubnets.length;
    const natGateways = publicSubnets.slice(0, natCount).map((subnet, i) => {
      const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: 'vpc', tags }, child);
      return new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        { allocationId: eip.id, subnetId: subnet.id, tags },
        { ...child, dependsOn: [igw] },
      );
    });
    const routeAssociations: pulumi.Resource[] = [];
    const privateSubnets = plan
      .filter((s) => s.tier === 'private')
      .map((s, i) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-private-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock: s.cidrBlock,
            availabilityZone: s.availabilityZone,
            tags: {
              ...tags,
              Name: `${name}-private-${s.availabilityZone}`,
              ...privateTags,
            },
          },
          child,
        );
        const routes = new aws.ec2.RouteTable(
          `${name}-private-${i}`,
          { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: natGateways[i % natCount].id }], tags },
          child,
        );
        routeAssociations.push(
          new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, child),
        );
        return subnet;
      });

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.privateSubnetIdsByZone = Object.fromEntries(args.availabilityZones.map((z, i) => [z, privateSubnets[i].id]));
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.ready = [...natGateways, ...routeAssociations];
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
  }
}

/** What is wrong with an `existing` network: IDs that are not IDs, zones that do not match, settings it would ignore. */
export function existingNetworkProblems(args: NetworkArgs): ValidationProblem[] {
  const existing = args.existing!;
  const problems: ValidationProblem[] = [];
  if (!/^vpc-[0-9a-f]{8,17}$/.test(existing.vpcId)) {
    problems.push({
      path: 'existing.vpcId',
      value: existing.vpcId,
      problem: 'not a VPC ID',
      fix: "use e.g. 'vpc-0a1b2c3d4e5f60718'",
    });
  }
  const ids = [
    ...Object.entries(existing.privateSubnetIds).map(([zone, id]) => [`existing.privateSubnetIds["${zone}"]`, id]),
    ...(existing.publicSubnetIds ?? []).map((id, i) => [`existing.publicSubnetIds[${i}]`, id]),
  ];
  for (const [path, id] of ids) {
    if (!/^subnet-[0-9a-f]{8,17}$/.test(id)) {
      problems.push({ path, value: id, problem: 'not a subnet ID', fix: "use e.g. 'subnet-0a1b2c3d4e5f60718'" });
    }
  }
  const zones = Object.keys(existing.privateSubnetIds).sort();
  if (zones.join() !== [...args.availabilityZones].sort().join()) {
    problems.push({
      path: 'existing.privateSubnetIds',
      value: zones,
      problem: `has subnets for zones ${zones.join(', ') || 'none'}, but the network's zones are ${args.availabilityZones.join(', ')}`,
      fix: 'give one private subnet per availability zone, and the same zones as availabilityZones',
    });
  }
  for (const key of ['cidrBlock', 'natGateways'] as const) {
    if (args[key] !== undefined) {
      problems.push({
        path: key,
        value: args[key],
        problem: 'has no effect on an existing VPC',
        fix: `remove ${key}, or remove existing to create a new VPC`,
      });
    }
  }
  return problems;
}
