// The ai-platform stack: composition only. Every decision lives in @aiready/* and is unit tested;
// settings come from Pulumi.<stack>.yaml and are validated once by readPlatformConfig.
import { karpenterNodeRoleName, POOL_LABEL, principalGroups } from '@aiready/core';
import { AiPlatform, gitOpsOutput, ReleaseMaterializer, summarizePlatform } from '@aiready/k8s';
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
  SYSTEM_POOL_NAME,
  SystemNodeGroup,
} from '@aiready/pulumi';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';

const config = readPlatformConfig(pulumi.getProject(), pulumi.runtime.allConfig());
const { clusterName } = config;
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
  version: config.kubernetesVersion,
  adminPrincipalArns: [...config.adminPrincipalArns],
  deployerAdmin: config.deployerAdmin,
  principalGroups: principalGroups(config.teams),
  publicAccessCidrs: config.publicAccessCidrs,
  tags,
});

// The Kubernetes side of the platform, from the same pool specs as the node groups below.
const platform = new AiPlatform(new App(), 'platform', {
  clusterName,
  pools: config.pools,
  nodeRole: karpenterNodeRoleName(clusterName),
  controllerNodeSelector: { [POOL_LABEL]: SYSTEM_POOL_NAME },
  workflows: config.workflows === 'argo-workflows' ? 'argo-workflows' : 'none',
  ...(config.artifactBucket ? { argoWorkflows: { artifacts: { bucket: config.artifactBucket, region: config.region } } } : {}),
  monitoring: config.monitoring ? { prometheus: { ...config.alerting } } : false,
  kueue: config.kueue,
  kubeflowTrainer: config.kubeflowTrainer,
  kubeflowPipelines: config.workflows === 'kubeflow',
  clusterAutoscaler: config.pools.some((p) => p.provisioner === 'managed-node-group')
    ? { region: config.region, kubernetesVersion: config.kubernetesVersion }
    : false,
  // With `gitops`, a GitOps engine installs the platform from what synth writes to dist/<project>-<stack>.
  releaseMaterializer:
    config.gitops === 'flux'
      ? ReleaseMaterializer.flux({ path: `./dist/${pulumi.getProject()}-${pulumi.getStack()}` })
      : config.gitops === 'argocd'
        ? ReleaseMaterializer.argoCd()
        : ReleaseMaterializer.external(),
});

const teams = config.teams.map((team) => platform.addTeam(team));
if (config.artifactBucket) {
  new ArtifactStore('artifacts', {
    bucketName: config.artifactBucket,
    cluster: cluster.cluster,
    teamNamespaces: teams.map((t) => t.namespace),
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
  version: config.kubernetesVersion,
  versions: config.eksAddonVersions,
  enableNetworkPolicy: platform.writesNetworkPolicies,
  tags,
  dependsOn: [system],
});
const gpuNodeGroups = config.pools
  .filter((pool) => pool.provisioner === 'managed-node-group')
  .map(
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
const karpenter = platform.karpenter
  ? new KarpenterInfra('karpenter', {
      clusterName,
      cluster: cluster.cluster,
      region: config.region,
      pools: platform.pools.map((p) => p.pool),
      tags,
    })
  : undefined;

const clusterAutoscaler = platform.clusterAutoscaler
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
