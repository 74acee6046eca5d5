// Pulumi mocks that let a stack program run with no CLI, engine, credentials or network, and record
// every resource it would create, with its inputs and dependencies.
import * as pulumi from '@pulumi/pulumi';
import { keyFromUrn, MOCK_ACCOUNT_ID, RecordedResource, resourceKey } from './recorded-resource';

/** Outputs a real provider would compute, faked deterministically from the inputs. */
function mockState(type: string, name: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
  const shortType = type.split(':').pop() ?? type;
  const arn = `arn:aws:mock:${region}:${MOCK_ACCOUNT_ID}:${shortType.toLowerCase()}/${String(inputs.name ?? name)}`;
  // A ConfigGroup's outputs are the resources it made, not its objects: echoing `objs` (megabytes for
  // hundreds of teams) would only send them through Pulumi's serialization twice more.
  const echoed = type === 'kubernetes:yaml/v2:ConfigGroup' ? {} : inputs;
  const state: Record<string, unknown> = { ...echoed, arn, name: inputs.name ?? name };
  switch (type) {
    case 'aws:eks/cluster:Cluster':
      state.endpoint = `https://${name}.mock.eks.${region}.amazonaws.com`;
      state.certificateAuthority = { data: 'bW9jay1jYQ==' };
      state.vpcConfig = { ...(inputs.vpcConfig as object), clusterSecurityGroupId: `sg-${name}` };
      break;
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      state.latestVersion = 1;
      break;
    case 'aws:eks/nodeGroup:NodeGroup':
      state.resources = [{ autoscalingGroups: [{ name: `eks-${name}-asg` }] }];
      break;
    case 'aws:sqs/queue:Queue':
      state.url = `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${String(inputs.name ?? name)}`;
      break;
    case 'aws:eks/accessEntry:AccessEntry':
      state.principalArn = inputs.principalArn;
      break;
  }
  return state;
}

/** Answers to the provider functions the programs call; anything else fails loudly. */
function mockCall(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
  switch (token) {
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:sts::${MOCK_ACCOUNT_ID}:assumed-role/deployer/pulumi`,
        userId: 'mock',
        id: MOCK_ACCOUNT_ID,
      };
    case 'aws:iam/getSessionContext:getSessionContext':
      return { arn: inputs.arn, issuerArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/deployer`, issuerName: 'deployer' };
    case 'aws:index/getPartition:getPartition':
      return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' };
    case 'aws:index/getRegion:getRegion':
      return { name: region, region, id: region };
    default:
      throw new Error(`offline synth has no answer for the provider function ${token}; it would need the cloud`);
  }
}

/**
 * Installs the mocks and a recorder on the mock monitor. Must run before the program is loaded.
 * Returns the live list of recorded resources. `onReference` is given every resource URN a
 * registration names (its parent, provider and dependencies). `onRecorded` is told of every change to
 * an entry of the list, with its index: `complete` once the mock has its inputs (a registration's last
 * change), false before.
 */
export async function installRecordingMocks(
  project: string,
  stack: string,
  region: string,
  onReference: (urn: string) => void = () => undefined,
  onRecorded: (index: number, entry: RecordedResource, complete: boolean) => void = () => undefined,
): Promise<RecordedResource[]> {
  const recorded: RecordedResource[] = [];
  const byKey = new Map<string, RecordedResource>();
  const indexOf = new Map<RecordedResource, number>();
  const add = (key: string, entry: RecordedResource) => {
    byKey.set(key, entry);
    indexOf.set(entry, recorded.push(entry) - 1);
  };
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        const key = resourceKey(args.type, args.name);
        const entry = byKey.get(key) ?? { type: args.type, name: args.name, custom: !!args.custom, inputs: {}, dependsOn: [] };
        Object.assign(entry, { custom: !!args.custom, inputs: args.inputs ?? {} });
        if (!byKey.has(key)) add(key, entry);
        onRecorded(indexOf.get(entry)!, entry, true);
        return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs ?? {}, region) };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return mockCall(args.token, args.inputs ?? {}, region);
      },
    },
    project,
    stack,
    false,
  );
  // The mock monitor sees each registration request; keep its parent and dependencies.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: unknown): unknown;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: RegisterRequest, cb: unknown) => {
    const key = resourceKey(req.getType(), req.getName());
    const entry = byKey.get(key) ?? {
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      inputs: {},
      dependsOn: [],
    };
    entry.parent = req.getParent() ? keyFromUrn(req.getParent()) : undefined;
    // A resource also waits for its provider (a provider reference is `<urn>::<id>`).
    const providerUrn = req.getProvider() ? [req.getProvider().slice(0, req.getProvider().lastIndexOf('::'))] : [];
    const dependencies = req.getDependenciesList();
    for (const urn of [req.getParent(), ...providerUrn, ...dependencies]) if (urn) onReference(urn);
    entry.dependsOn = [...new Set([...dependencies.map(keyFromUrn), ...providerUrn.map(keyFromUrn)])].sort();
    if (!byKey.has(key)) add(key, entry);
    onRecorded(indexOf.get(entry)!, entry, false);
    return original(req, cb);
  };
  return recorded;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
}
