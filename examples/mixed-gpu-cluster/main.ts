// A mixed GPU cluster, the case where GPU operator installs most often go wrong: three pools on two
// AMI families and three sharing modes, served by one operator whose settings all come from the pools.
import { argoCdPrerequisites } from '@aiready/admission';
import { Sharing } from '@aiready/core';
import { AiPlatform } from '@aiready/k8s';
import { App } from 'cdk8s';

/**
 * What the cluster must have before this output is applied; `aiready synth` checks references against it
 * and lists it in SUMMARY.md. The releases are Argo CD Applications, so Argo CD itself.
 */
export const prerequisites = argoCdPrerequisites();

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  new AiPlatform(app, 'platform', {
    clusterName: 'mixed',
    pools: [
      // AL2023: driver and toolkit from the AMI, device plugin and MIG manager from the operator.
      // Each H100 is cut into 2 x 1g.10gb + 2g.20gb + 3g.40gb (mixed strategy: nvidia.com/mig-<profile>).
      {
        name: 'h100-mig',
        instanceTypes: ['p5.48xlarge'],
        purpose: 'training',
        zones: ['us-east-1a'],
        sharing: Sharing.mig('all-balanced'),
      },
      // Bottlerocket: its own device plugin, time-sliced through Bottlerocket settings in the node user
      // data; the operator's device plugin and MIG manager stay off these nodes.
      {
        name: 'l4-shared',
        instanceTypes: ['g6.xlarge', 'g6.2xlarge'],
        amiFamily: 'bottlerocket',
        capacityType: 'spot',
        sharing: Sharing.timeSlicing(4),
      },
      // Whole GPUs, no sharing.
      { name: 'l40s', instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'], maxNodes: 4 },
      // An EKS managed node group instead of Karpenter, scaled from zero by the cluster autoscaler.
      { name: 'a10g-batch', instanceTypes: ['g5.xlarge'], provisioner: 'managed-node-group', capacityType: 'spot', maxNodes: 6 },
    ],
    clusterAutoscaler: { region: 'us-east-1', kubernetesVersion: '1.36' },
    workflows: 'none',
  });
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
