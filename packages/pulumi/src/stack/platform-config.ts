import {
  AireadyValidationError,
  checkRegionOfferings,
  clusterNameProblem,
  DEFAULT_KUBERNETES_VERSION,
  GpuPoolSpec,
  KubernetesVersion,
  nearest,
  normalizeGpuPools,
  offeringsCommand,
  SUPPORTED_KUBERNETES_VERSIONS,
  ValidationProblem,
  ValidationWarning,
} from '@aiready/core';
import type { KubePrometheusStackProps, TeamOptions } from '@aiready/k8s';
import { addonVersionProblems, AddonVersions, unpinnedAddonWarnings } from '../cluster/eks-addons';
import { ExistingNetwork, NatGateways } from '../network/network';

/** Everything the ai-platform stack reads from `Pulumi.<stack>.yaml`, validated, with defaults. */
export interface PlatformStackConfig {
  readonly clusterName: string;
  readonly environment: 'dev' | 'prod';
  readonly region: string;
  readonly kubernetesVersion: KubernetesVersion;
  /** EKS add-on versions over the version lock's pins. */
  readonly eksAddonVersions: AddonVersions;
  readonly availabilityZones: readonly string[];
  readonly vpcCidr: string;
  readonly natGateways: NatGateways;
  /** A VPC to adopt instead of creating one. */
  readonly existingVpc?: ExistingNetwork;
  readonly adminPrincipalArns: readonly string[];
  /** The identity running `pulumi up` gets cluster admin. */
  readonly deployerAdmin: boolean;
  /** `pulumi up` runs where the private API endpoint is reachable (in the VPC, or over VPN or peering). */
  readonly deployFromVpc: boolean;
  readonly publicAccessCidrs: readonly string[];
  readonly pools: readonly GpuPoolSpec[];
  readonly teams: readonly TeamOptions[];
  /** Which engine runs the teams' ML work: Argo Workflows, Kubeflow (Pipelines and Trainer), or neither. */
  readonly workflows: 'argo-workflows' | 'kubeflow' | 'none';
  readonly monitoring: boolean;
  /** Alertmanager receivers (credentials as Secret references) and routes; checked by KubePrometheusStack. */
  readonly alerting?: Pick<KubePrometheusStackProps, 'receivers' | 'routes'>;
  readonly kueue: boolean;
  readonly kubeflowTrainer: boolean;
  /** S3 bucket for Argo Workflows artifacts, created by the stack. */
  readonly artifactBucket?: string;
  /** A GitOps engine installs the platform from synth's output; `pulumi up` builds only the cloud side. */
  readonly gitops?: 'argocd' | 'flux';
  readonly warnings: readonly ValidationWarning[];
}

/** The keys the stack understands (under the project's namespace), with their meaning. */
export const PLATFORM_CONFIG_KEYS = {
  clusterName: 'EKS cluster name (required)',
  environment: "'dev' or 'prod' (prod forbids a world-open API endpoint); default 'dev'",
  kubernetesVersion: `Kubernetes version, one of ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')}; default ${DEFAULT_KUBERNETES_VERSION}`,
  eksAddonVersions:
    "add-on versions over the version lock's pins, e.g. { coredns: 'v1.14.3-eksbuild.3' }; default the lock's pins for kubernetesVersion",
  offeredInstanceTypes:
    'the GPU instance types aws:region offers (output of aws ec2 describe-instance-type-offerings); pools may only use these; default unchecked outside us-east-1',
  availabilityZones: 'list of 1-3 AZs; default <region>a, <region>b, <region>c',
  vpcCidr: "VPC CIDR, /16 to /20; default '10.0.0.0/16'",
  natGateways: "'single' or 'one-per-az'; default 'one-per-az'",
  existingVpc:
    "adopt a VPC: { vpcId, privateSubnetIds: { '<zone>': '<subnet id>' }, publicSubnetIds: [...] }; default none (a new VPC)",
  adminPrincipalArns:
    'IAM principal ARNs granted cluster admin (leave out the identity that runs pulumi up: it gets admin by deployerAdmin); default none',
  deployerAdmin: 'true or false: the IAM identity that runs pulumi up gets cluster admin through an access entry; default true',
  deployFromVpc:
    'true when pulumi up runs where the private API endpoint is reachable (in the VPC, or over VPN, peering or Direct Connect); default false',
  publicAccessCidrs:
    'CIDRs allowed to reach the public API endpoint (your network, e.g. 198.51.100.7/32); default none (private endpoint, then deployFromVpc is required)',
  pools: 'list of GPU pool specs (required, at least one)',
  teams: 'list of teams ({ name, gpuQuota, editGroups, viewGroups, ... }); default none',
  workflows:
    "'argo-workflows', 'kubeflow' (Kubeflow Pipelines and Trainer instead of Argo: the one-value switch) or 'none'; default 'argo-workflows'",
  monitoring: 'true or false; default true',
  alerting:
    "Alertmanager { receivers: [{ name, pagerDuty: { routingKey: { name: '<secret>', key: '<key>' } } }, ...], routes: [{ receiver, severity?, team? }] }; credentials only as Secret references; default none (alerts reach no one, and the summary warns)",
  grafanaAdminPassword:
    'secret (pulumi config set --secret): Grafana admin password; pulumi up creates the monitoring/grafana-admin Secret from it; default none (the Secret must exist)',
  kueue: 'true or false: Kueue queues per team; default false',
  kubeflowTrainer: 'true or false: Kubeflow Trainer with a torch runtime per pool; default false',
  artifactBucket: "S3 bucket name the stack creates for Argo Workflows artifacts, e.g. 'acme-ml-artifacts-prod'; default none",
  gitops:
    "'flux' or 'argocd': that GitOps engine installs the platform from what aiready synth writes to dist/<project>-<stack>/manifests (commit it; see the README), and pulumi up builds only the cloud side; 'rendered' (plain manifests) needs chart rendering at synth, not available yet; default none (pulumi up installs the platform)",
} as const;

type Raw = Readonly<Record<string, string>>;

function parse(raw: Raw, key: string): unknown {
  const text = raw[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // plain strings are stored unquoted
  }
}

/**
 * Reads and validates the stack configuration from Pulumi's raw config map (`project:key` → string,
 * structured values as JSON), all problems at once. A misspelled key is an error that suggests the
 * right one, so no setting is silently ignored.
 */
export function readPlatformConfig(project: string, allConfig: Raw): PlatformStackConfig {
  const problems: ValidationProblem[] = [];
  const warnings: ValidationWarning[] = [];
  const raw: Record<string, string> = {};
  const known = Object.keys(PLATFORM_CONFIG_KEYS);
  for (const [fullKey, value] of Object.entries(allConfig)) {
    const [ns, key] = fullKey.includes(':')
      ? [fullKey.slice(0, fullKey.indexOf(':')), fullKey.slice(fullKey.indexOf(':') + 1)]
      : [project, fullKey];
    if (ns !== project) continue;
    if (!known.includes(key)) {
      problems.push({
        path: `${project}:${key}`,
        value,
        problem: 'not a setting of this stack',
        fix: `did you mean ${project}:${nearest(key, known, 1)[0]}?`,
      });
      continue;
    }
    raw[key] = value;
  }
  const region = allConfig['aws:region'];
  if (!region)
    problems.push({ path: 'aws:region', value: undefined, problem: 'required', fix: 'set aws:region, e.g. us-east-1' });

  const str = (key: string, fallback?: string): string => {
    const v = parse(raw, key);
    if (v === undefined) {
      if (fallback === undefined)
        problems.push({
          path: `${project}:${key}`,
          value: undefined,
          problem: 'required',
          fix: PLATFORM_CONFIG_KEYS[key as keyof typeof PLATFORM_CONFIG_KEYS],
        });
      return fallback ?? '';
    }
    // An unquoted `kubernetesVersion: 1.35` reaches us as the text 1.35, which JSON reads as a number.
    if (typeof v === 'number') return raw[key];
    if (typeof v !== 'string') {
      problems.push({
        path: `${project}:${key}`,
        value: v,
        problem: 'must be a string',
        fix: PLATFORM_CONFIG_KEYS[key as keyof typeof PLATFORM_CONFIG_KEYS],
      });
      return fallback ?? '';
    }
    return v;
  };
  const list = (key: string): string[] => {
    const v = parse(raw, key);
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      problems.push({
        path: `${project}:${key}`,
        value: v,
        problem: 'must be a list of strings',
        fix: PLATFORM_CONFIG_KEYS[key as keyof typeof PLATFORM_CONFIG_KEYS],
      });
      return [];
    }
    return v as string[];
  };
  const choice = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = str(key, fallback);
    if (!allowed.includes(v as T)) {
      problems.push({
        path: `${project}:${key}`,
        value: v,
        problem: 'not an allowed value',
        fix: `use one of ${allowed.join(', ')}`,
      });
      return fallback;
    }
    return v as T;
  };

  const clusterName = str('clusterName');
  const nameProblem = raw.clusterName === undefined ? undefined : clusterNameProblem(`${project}:clusterName`, clusterName);
  if (nameProblem) problems.push(nameProblem);
  const environment = choice('environment', ['dev', 'prod'] as const, 'dev');
  const kubernetesVersion = choice('kubernetesVersion', SUPPORTED_KUBERNETES_VERSIONS, DEFAULT_KUBERNETES_VERSION);
  const natGateways = choice('natGateways', ['single', 'one-per-az'] as const, 'one-per-az');
  const workflows = choice('workflows', ['argo-workflows', 'kubeflow', 'none'] as const, 'argo-workflows');
  const gitops = raw.gitops === undefined ? undefined : choice('gitops', ['argocd', 'flux', 'rendered'] as const, 'flux');
  if (gitops === 'rendered') {
    problems.push({
      path: `${project}:gitops`,
      value: gitops,
      problem: 'plain rendered manifests need the charts rendered at synth (aiready synth --render), which is not available yet',
      fix: `use flux or argocd, or remove ${project}:gitops (pulumi up then installs the platform)`,
    });
  }
  if (gitops && raw.grafanaAdminPassword !== undefined) {
    problems.push({
      path: `${project}:grafanaAdminPassword`,
      value: '[secret]',
      problem: `is read when pulumi up installs the platform; with gitops: ${gitops} nothing creates the Grafana Secret from it`,
      fix: `create monitoring/grafana-admin yourself (SOPS, External Secrets) and remove ${project}:grafanaAdminPassword, or remove ${project}:gitops`,
    });
  }
  const vpcCidr = str('vpcCidr', '10.0.0.0/16');
  const existingRaw = parse(raw, 'existingVpc');
  let existingVpc: ExistingNetwork | undefined;
  if (existingRaw !== undefined) {
    const e = existingRaw as Partial<ExistingNetwork>;
    const shaped =
      typeof e === 'object' &&
      e !== null &&
      typeof e.vpcId === 'string' &&
      typeof e.privateSubnetIds === 'object' &&
      e.privateSubnetIds !== null &&
      !Array.isArray(e.privateSubnetIds) &&
      (e.publicSubnetIds === undefined || Array.isArray(e.publicSubnetIds));
    if (!shaped) {
      problems.push({
        path: `${project}:existingVpc`,
        value: existingRaw,
        problem: 'not a VPC description',
        fix: PLATFORM_CONFIG_KEYS.existingVpc,
      });
    } else {
      existingVpc = e as ExistingNetwork;
    }
    for (const key of ['vpcCidr', 'natGateways'] as const) {
      if (raw[key] !== undefined) {
        problems.push({
          path: `${project}:${key}`,
          value: parse(raw, key),
          problem: 'has no effect with existingVpc',
          fix: `remove ${project}:${key}, or remove ${project}:existingVpc to create a new VPC`,
        });
      }
    }
  }
  const zones = list('availabilityZones');
  const availabilityZones = zones.length
    ? zones
    : existingVpc
      ? Object.keys(existingVpc.privateSubnetIds).sort()
      : region
        ? ['a', 'b', 'c'].map((s) => `${region}${s}`)
        : [];
  const adminPrincipalArns = list('adminPrincipalArns');
  const publicAccessCidrs = list('publicAccessCidrs');
  if (publicAccessCidrs.includes('0.0.0.0/0')) {
    if (environment === 'prod') {
      problems.push({
        path: `${project}:publicAccessCidrs`,
        value: publicAccessCidrs,
        problem: 'opens the prod API endpoint to the whole internet',
        fix: 'list your office or VPN CIDRs, or leave it empty for a private endpoint',
      });
    } else {
      warnings.push({
        path: `${project}:publicAccessCidrs`,
        message: 'the API endpoint is open to the whole internet (0.0.0.0/0)',
      });
    }
  }
  const monitoringRaw = parse(raw, 'monitoring');
  if (monitoringRaw !== undefined && typeof monitoringRaw !== 'boolean') {
    problems.push({
      path: `${project}:monitoring`,
      value: monitoringRaw,
      problem: 'must be true or false',
      fix: 'set monitoring: true',
    });
  }
  const alerting = parse(raw, 'alerting');
  if (alerting !== undefined && (typeof alerting !== 'object' || alerting === null || Array.isArray(alerting))) {
    problems.push({
      path: `${project}:alerting`,
      value: alerting,
      problem: 'must be an object with receivers and routes',
      fix: "set alerting: { receivers: [...], routes: [{ receiver: '...', severity: critical }] }",
    });
  }
  const flag = (key: 'kueue' | 'kubeflowTrainer' | 'deployFromVpc' | 'deployerAdmin', fallback = false): boolean => {
    const v = parse(raw, key);
    if (v !== undefined && typeof v !== 'boolean') {
      problems.push({ path: `${project}:${key}`, value: v, problem: 'must be true or false', fix: `set ${key}: true` });
      return fallback;
    }
    return v === undefined ? fallback : v === true;
  };
  const deployFromVpc = flag('deployFromVpc');
  const deployerAdmin = flag('deployerAdmin', true);
  // The same program applies Kubernetes resources right after creating the cluster: it must reach the API.
  if (publicAccessCidrs.length === 0 && !deployFromVpc) {
    problems.push({
      path: `${project}:publicAccessCidrs`,
      value: [],
      problem:
        'the API endpoint would be private only, so pulumi up could not reach the cluster to apply the platform (unless it runs inside the VPC)',
      fix: `list the CIDRs pulumi up runs from (e.g. ${project}:publicAccessCidrs: [198.51.100.7/32]), or set ${project}:deployFromVpc: true if it runs in the VPC or over VPN`,
    });
  }
  const documentation = publicAccessCidrs.filter((c) => /^(192\.0\.2|198\.51\.100|203\.0\.113)\./.test(c));
  if (documentation.length) {
    warnings.push({
      path: `${project}:publicAccessCidrs`,
      message: `${documentation.join(', ')} ${documentation.length === 1 ? 'is a documentation range' : 'are documentation ranges'} (RFC 5737): no real network reaches the API from there; replace with the CIDRs you run pulumi up and kubectl from`,
    });
  }
  const kueue = flag('kueue');
  if (workflows === 'kubeflow' && parse(raw, 'kubeflowTrainer') === false) {
    problems.push({
      path: `${project}:kubeflowTrainer`,
      value: false,
      problem: 'contradicts workflows: kubeflow, which runs training through Kubeflow Trainer',
      fix: `remove ${project}:kubeflowTrainer, or choose another workflows value`,
    });
  }
  const kubeflowTrainer = flag('kubeflowTrainer') || workflows === 'kubeflow';
  const artifactBucket = raw.artifactBucket === undefined ? undefined : str('artifactBucket');
  if (artifactBucket !== undefined && workflows !== 'argo-workflows') {
    problems.push({
      path: `${project}:artifactBucket`,
      value: artifactBucket,
      problem: `is for Argo Workflows' artifacts, and workflows is '${workflows}'`,
      fix: `remove ${project}:artifactBucket, or set ${project}:workflows to argo-workflows`,
    });
  }
  const poolsRaw = parse(raw, 'pools');
  if (!Array.isArray(poolsRaw) || poolsRaw.length === 0) {
    problems.push({
      path: `${project}:pools`,
      value: poolsRaw,
      problem: 'needs at least one GPU pool',
      fix: 'add e.g. - { name: l4, instanceTypes: [g6.xlarge] }',
    });
  }

  // Problems and warnings from shared checks name paths relative to the config; put them under the project.
  const underProject = <T extends { path: string }>(items: readonly T[]): T[] =>
    items.map((i) => ({ ...i, path: `${project}:${i.path}` }));
  const offeredRaw = raw.offeredInstanceTypes === undefined ? undefined : list('offeredInstanceTypes');
  if (offeredRaw !== undefined && offeredRaw.length === 0) {
    problems.push({
      path: `${project}:offeredInstanceTypes`,
      value: parse(raw, 'offeredInstanceTypes'),
      problem: 'lists no instance type',
      fix: `set it to the output of: ${offeringsCommand(region ?? '<region>')}, or remove it`,
    });
  }
  if (Array.isArray(poolsRaw) && poolsRaw.length > 0 && region) {
    try {
      const pools = normalizeGpuPools(poolsRaw as GpuPoolSpec[]);
      const selectorPools = new Set((poolsRaw as GpuPoolSpec[]).filter((p) => p.instanceSelector).map((p) => p.name));
      const offerings = checkRegionOfferings(
        pools,
        region,
        offeredRaw?.length ? offeredRaw : undefined,
        (i) => `${project}:pools[${i}]`,
        selectorPools,
      );
      problems.push(...offerings.problems);
      warnings.push(...underProject(offerings.warnings));
    } catch (e) {
      if (!(e instanceof AireadyValidationError)) throw e;
      problems.push(...underProject(e.problems));
    }
  }
  const addonVersionsRaw = parse(raw, 'eksAddonVersions');
  const addonProblems =
    addonVersionsRaw === undefined ? [] : addonVersionProblems(`${project}:eksAddonVersions`, addonVersionsRaw);
  problems.push(...addonProblems);
  const eksAddonVersions = addonVersionsRaw === undefined || addonProblems.length ? {} : (addonVersionsRaw as AddonVersions);
  warnings.push(...underProject(unpinnedAddonWarnings(kubernetesVersion, eksAddonVersions)));

  const teamsRaw = parse(raw, 'teams');
  if (teamsRaw !== undefined && (!Array.isArray(teamsRaw) || teamsRaw.some((t) => typeof t !== 'object' || t === null))) {
    problems.push({
      path: `${project}:teams`,
      value: teamsRaw,
      problem: 'must be a list of team objects',
      fix: '- { name: research, gpuQuota: { h100: 8 } }',
    });
  }

  if (problems.length) throw new AireadyValidationError(`stack config (${project})`, problems);
  return {
    clusterName,
    environment,
    region: region!,
    kubernetesVersion,
    eksAddonVersions,
    availabilityZones,
    vpcCidr,
    natGateways,
    ...(existingVpc ? { existingVpc } : {}),
    adminPrincipalArns,
    deployerAdmin,
    deployFromVpc,
    publicAccessCidrs,
    pools: poolsRaw as GpuPoolSpec[],
    teams: (teamsRaw as TeamOptions[] | undefined) ?? [],
    workflows,
    monitoring: monitoringRaw === undefined ? true : (monitoringRaw as boolean),
    ...(alerting !== undefined ? { alerting: alerting as PlatformStackConfig['alerting'] } : {}),
    kueue,
    kubeflowTrainer,
    ...(artifactBucket !== undefined ? { artifactBucket } : {}),
    ...(gitops === 'argocd' || gitops === 'flux' ? { gitops } : {}),
    warnings,
  };
}
