// The ai-platform stack: composition only. The settings come from Pulumi.<stack>.yaml: the platform is
// planned once by @aiready/core (readPlatformConfig), and everything below renders that plan.
import { principalGroups } from '@aiready/core';
import { AiPlatform, Airflow, gitOpsOutput, ReleaseMaterializer, summarizePlatform } from '@aiready/k8s';
import {
  ArtifactStore,
  ClusterAutoscalerInfra,
  EksAddons,
  EksCluster,
  GpuNodeGroup,
  KarpenterInfra,
  Network,
  nodeRole,
  PlatformDeployment,
  readPlatformConfig,
  readStackSource,
  SystemNodeGroup,
} from '@aiready/pulumi';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';

const config = readPlatformConfig(pulumi.getProject(), pulumi.runtime.allConfig(), readStackSource(__dirname, pulumi.getStack()));
const { clusterName, plan } = config;
const tags = { 'aiready.dev/environment': config.environment };

const network = new Network('network', {
  clusterName,
  availabilityZones: config.availabilityZones,
  ...(config.existingVpc ? { existing: config.existingVpc } : { cidrBlock: config.vpcCidr, natGateways: config.natGateways }),
  tags,
});
const cluster = new EksCluster('eks', {
  clusterName,
  subnetIds: network.privateSubnetIds,
  region: config.region,
  version: plan.kubernetesVersion,
  adminPrincipalArns: [...config.adminPrincipalArns],
  deployerAdmin: config.deployerAdmin,
  principalGroups: principalGroups(plan.teams.map((t) => t.spec)),
  publicAccessCidrs: config.publicAccessCidrs,
  tags,
});

// The Kubernetes side of the platform, rendered from the same plan as the node groups below.
const platform = new AiPlatform(new App(), 'platform', {
  ...config.platform,
  plan,
  // With `gitops`, a GitOps engine installs the platform from what synth writes to dist/<project>-<stack>.
  releaseMaterializer:
    config.gitops === 'flux'
      ? ReleaseMaterializer.flux({ path: `./dist/${pulumi.getProject()}-${pulumi.getStack()}` })
      : config.gitops === 'argocd'
        ? ReleaseMaterializer.argoCd()
        : config.gitops === 'rendered'
          ? ReleaseMaterializer.rendered()
          : ReleaseMaterializer.external(),
});
if (config.artifactBucket) {
  // Airflow's task logs go to the same bucket (the config reader checks it): one role for its log writers.
  const airflowLogs = plan.components.airflow?.logs;
  const airflow = platform.component<Airflow>('airflow');
  new ArtifactStore('artifacts', {
    bucketName: config.artifactBucket,
    cluster: cluster.cluster,
    teamNamespaces: plan.teams.map((t) => t.namespace),
    ...(airflowLogs && airflow ? { airflowLogs: { prefix: airflowLogs.prefix, writers: airflow.logWriters } } : {}),
    tags,
  });
}

const managedNodeRole = nodeRole('managed-nodes', tags, {});
const system = new SystemNodeGroup('system', {
  cluster: cluster.cluster,
  nodeRoleArn: managedNodeRole.arn,
  subnetIds: network.privateSubnetIds,
  tags,
  dependsOn: network.ready,
});
const addons = new EksAddons('addons', {
  cluster: cluster.cluster,
  version: plan.kubernetesVersion,
  versions: config.eksAddonVersions,
  enableNetworkPolicy: platform.writesNetworkPolicies,
  tags,
  dependsOn: [system],
});
const gpuNodeGroups = plan.managedNodeGroupPools.map(
  (pool) =>
    new GpuNodeGroup(`gpu-${pool.name}`, {
      pool,
      cluster: cluster.cluster,
      clusterName,
      nodeRoleArn: managedNodeRole.arn,
      subnetIdsByZone: network.privateSubnetIdsByZone,
      securityGroupIds: [cluster.clusterSecurityGroupId],
      tags,
      dependsOn: network.ready,
    }),
);
const karpenter = plan.components.karpenter
  ? new KarpenterInfra('karpenter', { clusterName, cluster: cluster.cluster, region: config.region, pools: plan.pools, tags })
  : undefined;
const clusterAutoscaler = plan.components.clusterAutoscaler
  ? new ClusterAutoscalerInfra('cluster-autoscaler', { clusterName, cluster: cluster.cluster, region: config.region, tags })
  : undefined;

if (!config.gitops) {
  new PlatformDeployment('platform', {
    platform,
    provider: cluster.provider,
    // Nodes, the add-ons (CNI, DNS, Pod Identity agent, EBS CSI) and the controllers' identities first.
    dependsOn: [system, addons, ...gpuNodeGroups, ...(karpenter?.ready ?? []), ...(clusterAutoscaler?.ready ?? [])],
    grafanaAdminPassword: new pulumi.Config().getSecret('grafanaAdminPassword'),
  });
}

export const cluster_name = cluster.clusterName;
export const endpoint = cluster.endpoint;
export const kubeconfig = cluster.kubeconfig;
export const vpc_id = network.vpcId;
export const summary = summarizePlatform(platform);
export const warnings = config.warnings;
/** The platform's objects for `aiready synth`, when a GitOps engine installs them. */
export const gitops = config.gitops ? gitOpsOutput(platform) : undefined;
