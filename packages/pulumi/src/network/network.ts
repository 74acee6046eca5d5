import { AireadyValidationError, ValidationProblem } from '@aiready/core';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { isNetworkCidr, planSubnets } from './subnet-plan';

/** How many NAT gateways the network gets. */
export type NatGateways = 'single' | 'one-per-az';

export interface NetworkArgs {
  /** Name of the EKS cluster that will use the network; subnets are tagged for its load balancers and Karpenter. */
  readonly clusterName: string;
  /** Availability zones, 1 to 3 (`us-east-1a`). */
  readonly availabilityZones: readonly string[];
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
    if (problems.length) throw new AireadyValidationError(name, problems);

    const tags = { ...args.tags, 'aiready.dev/cluster': args.clusterName };
    const child = { parent: this };
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
            tags: { ...tags, Name: `${name}-public-${s.availabilityZone}`, 'kubernetes.io/role/elb': '1' },
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
              'kubernetes.io/role/internal-elb': '1',
              'karpenter.sh/discovery': args.clusterName,
            },
          },
          child,
        );
        const routes = new aws.ec2.RouteTable(
          `${name}-private-${i}`,
          { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: natGateways[i % natCount].id }], tags },
          child,
        );
        new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, child);
        return subnet;
      });

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.privateSubnetIdsByZone = Object.fromEntries(args.availabilityZones.map((z, i) => [z, privateSubnets[i].id]));
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds });
  }
}
