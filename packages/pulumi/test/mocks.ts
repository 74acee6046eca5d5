import * as pulumi from '@pulumi/pulumi';
import { plainPulumiPromises } from '../../cli/src/pulumi-runtime-tuning';

export interface Captured {
  type: string;
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inputs: any;
  /** Set when the program reads an existing resource (`Resource.get`). */
  id?: string;
}

/** Installs Pulumi mocks that record every resource; call before creating components. */
export function captureResources(): Captured[] {
  // The runtime tracks every promise it makes, with a stack trace, for a promise-leak report that tests
  // never read; under jest each trace is also source-mapped, a tenth of these tests' time. The promises
  // are left plain, as `aiready synth`'s stack processes leave them.
  plainPulumiPromises(__dirname);
  const captured: Captured[] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        captured.push({ type: args.type, name: args.name, inputs: args.inputs, ...(args.id ? { id: args.id } : {}) });
        const state: Record<string, unknown> = {
          ...args.inputs,
          arn: `arn:aws:mock:::${args.name}`,
          name: args.inputs.name ?? args.name,
        };
        if (args.type === 'aws:eks/cluster:Cluster') {
          state.endpoint = 'https://mock';
          state.certificateAuthority = { data: 'Y2E=' };
          state.vpcConfig = { ...args.inputs.vpcConfig, clusterSecurityGroupId: 'sg-1' };
        }
        if (args.type === 'aws:ec2/launchTemplate:LaunchTemplate') state.latestVersion = 3;
        if (args.type === 'aws:eks/nodeGroup:NodeGroup')
          state.resources = [{ autoscalingGroups: [{ name: `asg-${args.name}` }] }];
        if (args.type === 'aws:sqs/queue:Queue') state.url = 'https://sqs/q';
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        if (args.token === 'aws:index/getCallerIdentity:getCallerIdentity')
          return { accountId: '111122223333', arn: 'arn:aws:sts::111122223333:assumed-role/deployer/session' };
        if (args.token === 'aws:iam/getSessionContext:getSessionContext')
          return { arn: args.inputs.arn, issuerArn: 'arn:aws:iam::111122223333:role/deployer', issuerName: 'deployer' };
        if (args.token === 'aws:index/getPartition:getPartition') return { partition: 'aws' };
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    'test',
    'test',
    false,
  );
  return captured;
}

/** The value of an Output. */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Waits until every pending registration has reached the mocks. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

export function ofType(captured: Captured[], type: string): Captured[] {
  return captured.filter((c) => c.type === type);
}
