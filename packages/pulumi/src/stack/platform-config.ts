// The ai-platform stack's configuration. The platform part of `Pulumi.<stack>.yaml` is the
// `PlatformSpec` of @aiready/core, checked against the same schema as the TypeScript API and planned by
// the same `planPlatform`: this reader only parses it and adds the cloud settings (network, cluster
// access, add-ons) that only a stack has.
import {
  AireadyValidationError,
  checkRegionOfferings,
  checkShape,
  editDistance,
  Field,
  KubernetesVersion,
  offeringsCommand,
  PLATFORM_FIELDS,
  PlatformPlan,
  PlatformSpec,
  planPlatform,
  POOL_LABEL,
  S,
  ValidationProblem,
  ValidationWarning,
} from '@aiready/core';
import { addonVersionProblems, AddonVersions, unpinnedAddonWarnings } from '../cluster/eks-addons';
import { ExistingNetwork, NatGateways } from '../network/network';
import { cloudSettingsProblems } from './cloud-checks';
import { SYSTEM_POOL_NAME } from '../node-groups/system-node-group';
import { locateInYaml, StackSource } from './stack-source';

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
  /** S3 bucket for Argo Workflows artifacts, created by the stack. */
  readonly artifactBucket?: string;
  /** A GitOps engine installs the platform from synth's output; `pulumi up` builds only the cloud side. */
  readonly gitops?: 'argocd' | 'flux' | 'rendered';
  /** The platform, exactly as `AiPlatform` takes it. */
  readonly platform: PlatformSpec;
  /** The platform, planned once. */
  readonly plan: PlatformPlan;
  readonly warnings: readonly ValidationWarning[];
}

const f = (schema: Field['schema'], doc: string, more: Partial<Omit<Field, 'schema' | 'doc'>> = {}): Field => ({
  schema,
  doc,
  ...more,
});

/** The settings only a stack has: where the cluster runs and who reaches it. */
export const CLOUD_FIELDS: Readonly<Record<string, Field>> = {
  eksAddonVersions: f(S.record(S.string), "EKS add-on versions over the version lock's pins", {
    default: "the lock's pins for kubernetesVersion",
    example: "{ coredns: 'v1.14.3-eksbuild.3' }",
  }),
  offeredInstanceTypes: f(S.list(S.string), 'the GPU instance types the region offers; pools may only use these', {
    default: 'unchecked outside us-east-1 (a warning)',
  }),
  availabilityZones: f(S.list(S.string), '1 to 3 availability zones', { default: '<region>a, <region>b, <region>c' }),
  vpcCidr: f(S.string, 'VPC CIDR, /16 to /20', { default: "'10.0.0.0/16'" }),
  natGateways: f(S.enum(['single', 'one-per-az']), 'NAT gateways', { default: "'one-per-az'" }),
  existingVpc: f(
    S.object('existing VPC', {
      vpcId: f(S.string, 'VPC id', { required: true }),
      privateSubnetIds: f(S.record(S.string), 'private subnet per zone', { required: true }),
      publicSubnetIds: f(S.list(S.string), 'public subnets, tagged for load balancers'),
    }),
    'adopt a VPC instead of creating one',
    { default: 'none (a new VPC)' },
  ),
  adminPrincipalArns: f(S.list(S.string), 'IAM principal ARNs granted cluster admin (not the deployer: deployerAdmin does)', {
    default: 'none',
  }),
  deployerAdmin: f(S.boolean, 'the identity that runs pulumi up gets cluster admin through an access entry', {
    default: 'true',
  }),
  deployFromVpc: f(S.boolean, 'pulumi up runs where the private API endpoint is reachable (VPC, VPN, peering)', {
    default: 'false',
  }),
  publicAccessCidrs: f(S.list(S.string), 'CIDRs allowed to reach the public API endpoint', {
    default: 'none (private endpoint; then deployFromVpc is required)',
  }),
  artifactBucket: f(S.string, 'S3 bucket the stack creates for Argo Workflows artifacts', { default: 'none' }),
  grafanaAdminPassword: f(S.string, "Grafana's admin password, a secret (pulumi config set --secret)", {
    default: 'none (the Secret monitoring/grafana-admin must exist)',
  }),
  gitops: f(
    S.enum(['argocd', 'flux', 'rendered']),
    'how the platform is installed from what aiready synth writes to dist/<project>-<stack>, while pulumi up builds only the cloud side: argocd or flux reconcile it from Git (commit it; see the README); rendered writes the charts as plain manifests and install.sh, which applies them wave by wave (needs aiready synth --render)',
    { default: 'none (pulumi up installs the platform)' },
  ),
};

/** Platform fields the stack sets itself: the region from aws:region, controllers on the system nodes. */
const STACK_OWNED = ['region', 'nodeRole', 'controllerNodeSelector'] as const;

/** Every key the stack understands under its project's namespace: the platform's and the cloud's. */
export const STACK_FIELDS: Readonly<Record<string, Field>> = {
  ...Object.fromEntries(Object.entries(PLATFORM_FIELDS).filter(([k]) => !(STACK_OWNED as readonly string[]).includes(k))),
  ...CLOUD_FIELDS,
};

/** Config namespaces of the providers and tools a stack may configure besides its project. */
const OTHER_NAMESPACES = ['aws', 'pulumi', 'kubernetes'];

/** A config value as Pulumi hands it over (a string, structured values as JSON) read for `field`. */
function parse(text: string, field: Field | undefined): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text; // plain strings are stored unquoted
  }
  // A name that happens to read as a number or boolean stays the text it was.
  // A quoted '1.30' stays the version it says, not the number 1.3.
  const wantsString = ['string', 'enum', 'string-or-number'].includes(field?.schema.type ?? '');
  return wantsString && typeof value !== 'string' ? text : value;
}

/** Puts every problem and warning of a part checked on its own under the project's config key. */
function underProject<T extends { path: string; fix?: string }>(project: string, items: readonly T[]): T[] {
  return items.map((i) => ({
    ...i,
    path: `${project}:${i.path}`,
    // A misspelled key of the stack itself: suggest it as the user writes it, with its namespace.
    ...(i.fix && /^[A-Za-z]+$/.test(i.path)
      ? { fix: i.fix.replace(/^did you mean (\w+)\?/, `did you mean ${project}:$1?`) }
      : {}),
  }));
}

/**
 * Reads and validates the stack configuration from Pulumi's raw config map (`project:key` → string,
 * structured values as JSON), all problems at once: unknown keys at any depth (with the nearest known
 * one), types at any depth, then every rule of the platform (planned here, once) and of the cloud.
 * With `source` (the stack's YAML file), every problem also names its line and column there.
 */
export function readPlatformConfig(
  project: string,
  allConfig: Readonly<Record<string, string>>,
  source?: StackSource,
): PlatformStackConfig {
  const problems: ValidationProblem[] = [];
  const warnings: ValidationWarning[] = [];
  // Null prototype: a key named `__proto__` or `toString` is a key like any other (an unknown one).
  const input: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [fullKey, text] of Object.entries(allConfig)) {
    const colon = fullKey.indexOf(':');
    const [ns, key] = colon >= 0 ? [fullKey.slice(0, colon), fullKey.slice(colon + 1)] : [project, fullKey];
    if (ns !== project) {
      // `ai-platfrom:pools` is a typo of the project's namespace, not another tool's setting.
      if (!OTHER_NAMESPACES.includes(ns) && editDistance(ns, project) <= 2) {
        problems.push({
          path: fullKey,
          value: text,
          problem: `'${ns}' is not a config namespace here, so the setting would be ignored`,
          fix: `did you mean ${project}:${key}?`,
        });
      }
      continue;
    }
    // An unknown key is reported by the shape check below, with the nearest known one.
    input[key] = parse(text, Object.hasOwn(STACK_FIELDS, key) ? STACK_FIELDS[key] : undefined);
  }
  const region = allConfig['aws:region'];
  if (!region)
    problems.push({ path: 'aws:region', value: undefined, problem: 'required', fix: 'set aws:region, e.g. us-east-1' });

  const shape: ValidationProblem[] = [];
  checkShape(S.object('stack config', STACK_FIELDS), input, '', shape);
  problems.push(...underProject(project, shape));
  if (problems.length) fail(project, problems, source);

  // Cloud settings.
  const environment = (input.environment as 'dev' | 'prod' | undefined) ?? 'dev';
  const existingVpc = input.existingVpc as ExistingNetwork | undefined;
  if (existingVpc) {
    for (const key of ['vpcCidr', 'natGateways'] as const) {
      if (input[key] !== undefined) {
        problems.push({
          path: `${project}:${key}`,
          value: input[key],
          problem: 'has no effect with existingVpc',
          fix: `remove ${project}:${key}, or remove ${project}:existingVpc to create a new VPC`,
        });
      }
    }
  }
  const zones = (input.availabilityZones as string[] | undefined) ?? [];
  const availabilityZones = zones.length
    ? zones
    : existingVpc
      ? Object.keys(existingVpc.privateSubnetIds).sort()
      : region
        ? ['a', 'b', 'c'].map((s) => `${region}${s}`)
        : [];
  problems.push(
    ...cloudSettingsProblems(project, {
      region,
      vpcCidr: input.vpcCidr as string | undefined,
      availabilityZones: input.availabilityZones as string[] | undefined,
      networkZones: availabilityZones,
      pools: (input.pools as { name?: unknown; zones?: unknown }[] | undefined) ?? [],
    }),
  );
  const publicAccessCidrs = (input.publicAccessCidrs as string[] | undefined) ?? [];
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
  const deployFromVpc = (input.deployFromVpc as boolean | undefined) ?? false;
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
  const offered = input.offeredInstanceTypes as string[] | undefined;
  if (offered !== undefined && offered.length === 0) {
    problems.push({
      path: `${project}:offeredInstanceTypes`,
      value: [],
      problem: 'lists no instance type',
      fix: `set it to the output of: ${offeringsCommand(region ?? '<region>')}, or remove it`,
    });
  }
  const gitops = input.gitops as 'argocd' | 'flux' | 'rendered' | undefined;
  if (gitops && input.grafanaAdminPassword !== undefined) {
    problems.push({
      path: `${project}:grafanaAdminPassword`,
      value: '[secret]',
      problem: `is read when pulumi up installs the platform; with gitops: ${gitops} nothing creates the Grafana Secret from it`,
      fix: `create monitoring/grafana-admin yourself (SOPS, External Secrets) and remove ${project}:grafanaAdminPassword, or remove ${project}:gitops`,
    });
  }
  const eksAddonVersions = (input.eksAddonVersions as AddonVersions | undefined) ?? {};
  const addonProblems = addonVersionProblems(`${project}:eksAddonVersions`, eksAddonVersions);
  problems.push(...addonProblems);

  // The platform: the config's platform keys, and what the stack decides itself.
  const artifactBucket = input.artifactBucket as string | undefined;
  const platformInput = Object.fromEntries(
    Object.entries(input).filter(([k]) => Object.hasOwn(PLATFORM_FIELDS, k)),
  ) as Partial<PlatformSpec>;
  if (artifactBucket !== undefined && (platformInput.workflows ?? 'argo-workflows') !== 'argo-workflows') {
    problems.push({
      path: `${project}:artifactBucket`,
      value: artifactBucket,
      problem: `is for Argo Workflows' artifacts, and workflows is '${platformInput.workflows}'`,
      fix: `remove ${project}:artifactBucket, or set ${project}:workflows to argo-workflows`,
    });
  }
  if (artifactBucket !== undefined && platformInput.argoWorkflows?.artifacts !== undefined) {
    problems.push({
      path: `${project}:argoWorkflows.artifacts`,
      value: platformInput.argoWorkflows.artifacts,
      problem: `names an artifact repository, and ${project}:artifactBucket creates one`,
      fix: `keep one: artifactBucket (the stack creates the bucket) or argoWorkflows.artifacts (a bucket you run)`,
    });
  }
  const logsBucket = platformInput.airflow?.logs?.bucket;
  if (logsBucket !== undefined && logsBucket !== artifactBucket) {
    problems.push({
      path: `${project}:airflow.logs.bucket`,
      value: logsBucket,
      problem:
        artifactBucket === undefined
          ? 'names a bucket the stack neither creates nor grants Airflow access to, so task logs would fail to upload'
          : `is not the bucket the stack creates (${project}:artifactBucket is '${artifactBucket}'), so Airflow's log writers get no access to it`,
      fix: `set ${project}:artifactBucket to '${logsBucket}' (the stack creates it and grants the log writers their prefix), or remove ${project}:airflow.logs`,
    });
  }
  const platform: PlatformSpec = {
    ...(platformInput as PlatformSpec),
    ...(region ? { region } : {}),
    // Controllers (Karpenter) run on the stack's system node group.
    controllerNodeSelector: { [POOL_LABEL]: SYSTEM_POOL_NAME },
    ...(artifactBucket !== undefined && region
      ? { argoWorkflows: { ...platformInput.argoWorkflows, artifacts: { bucket: artifactBucket, region } } }
      : {}),
  };
  let plan: PlatformPlan | undefined;
  try {
    plan = planPlatform(platform, `stack config (${project})`);
  } catch (e) {
    if (!(e instanceof AireadyValidationError)) throw e;
    problems.push(...underProject(project, e.problems));
  }
  if (plan && region) {
    const selectorPools = new Set(platform.pools.filter((p) => p.instanceSelector).map((p) => p.name));
    const offerings = checkRegionOfferings(
      plan.pools,
      region,
      offered?.length ? offered : undefined,
      (i) => `pools[${i}]`,
      selectorPools,
    );
    problems.push(...underProject(project, offerings.problems));
    warnings.push(...underProject(project, offerings.warnings));
  }
  if (problems.length || !plan) fail(project, problems, source);
  if (!addonProblems.length)
    warnings.push(...underProject(project, unpinnedAddonWarnings(plan!.kubernetesVersion, eksAddonVersions)));
  return {
    clusterName: plan!.clusterName,
    environment,
    region: region!,
    kubernetesVersion: plan!.kubernetesVersion,
    eksAddonVersions,
    availabilityZones,
    vpcCidr: (input.vpcCidr as string | undefined) ?? '10.0.0.0/16',
    natGateways: (input.natGateways as NatGateways | undefined) ?? 'one-per-az',
    ...(existingVpc ? { existingVpc } : {}),
    adminPrincipalArns: (input.adminPrincipalArns as string[] | undefined) ?? [],
    deployerAdmin: (input.deployerAdmin as boolean | undefined) ?? true,
    deployFromVpc,
    publicAccessCidrs,
    ...(artifactBucket !== undefined ? { artifactBucket } : {}),
    ...(gitops ? { gitops } : {}),
    platform,
    plan: plan!,
    warnings,
  };
}

function fail(project: string, problems: readonly ValidationProblem[], source: StackSource | undefined): never {
  const located = source ? problems.map((p) => ({ ...p, path: locateInYaml(source, p.path) })) : problems;
  throw new AireadyValidationError(`stack config (${project})`, located);
}
