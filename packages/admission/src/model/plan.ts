// The cloud plan (`plan.json` that `aiready synth` writes from the Pulumi program under mocks), as the
// checker reads it: resources with their inputs and dependencies.
import { asObject, Json } from './kube';

/** One cloud resource of the plan. Same shape as `plan.json`'s `resources[]`. */
export interface PlanResource {
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  /** Resources it waits for (`type::name`). */
  readonly dependsOn: readonly string[];
  readonly inputs: Json;
}

/** What the checker needs of `plan.json`. */
export interface CloudPlan {
  readonly resources: readonly PlanResource[];
}

/** Pulumi resource types the checks look for in a cloud plan. */
export const PLAN_TYPES = {
  helmRelease: 'kubernetes:helm.sh/v3:Release',
  kustomizeDirectory: 'kubernetes:kustomize/v2:Directory',
  configGroup: 'kubernetes:yaml/v2:ConfigGroup',
  cluster: 'aws:eks/cluster:Cluster',
  addon: 'aws:eks/addon:Addon',
  nodeGroup: 'aws:eks/nodeGroup:NodeGroup',
  asgTag: 'aws:autoscaling/tag:Tag',
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  rolePolicyAttachment: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment',
  podIdentity: 'aws:eks/podIdentityAssociation:PodIdentityAssociation',
  queue: 'aws:sqs/queue:Queue',
  vpc: 'aws:ec2/vpc:Vpc',
} as const;

/** The key of a plan resource: `type::name`. */
export function planKey(r: Pick<PlanResource, 'type' | 'name'>): string {
  return `${r.type}::${r.name}`;
}

/** The plan, indexed once: by type, by key, and the transitive dependencies on demand. */
export class PlanIndex {
  private readonly byType = new Map<string, PlanResource[]>();
  private readonly byKey = new Map<string, PlanResource>();
  private readonly closure = new Map<string, ReadonlySet<string>>();

  constructor(public readonly plan: CloudPlan | undefined) {
    for (const r of plan?.resources ?? []) {
      this.byType.set(r.type, [...(this.byType.get(r.type) ?? []), r]);
      this.byKey.set(planKey(r), r);
    }
  }

  /** True when the target has a cloud plan (a Pulumi target). */
  public get present(): boolean {
    return this.plan !== undefined;
  }

  /** The plan's resources of one type. */
  public ofType(type: string): readonly PlanResource[] {
    return this.byType.get(type) ?? [];
  }

  /** The resource with the key `type::name`. */
  public get(key: string): PlanResource | undefined {
    return this.byKey.get(key);
  }

  /** Every resource `key` waits for, directly or through others. */
  public dependenciesOf(key: string): ReadonlySet<string> {
    const cached = this.closure.get(key);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...(this.byKey.get(key)?.dependsOn ?? [])];
    while (stack.length) {
      const k = stack.pop()!;
      if (seen.has(k)) continue;
      seen.add(k);
      const cachedDep = this.closure.get(k);
      if (cachedDep) for (const d of cachedDep) seen.add(d);
      else stack.push(...(this.byKey.get(k)?.dependsOn ?? []));
    }
    this.closure.set(key, seen);
    return seen;
  }

  /** The Kubernetes minor the cluster runs (`1.35`), if the plan creates the cluster. */
  public kubernetesVersion(): string | undefined {
    const v = this.ofType(PLAN_TYPES.cluster)[0]?.inputs.version;
    return typeof v === 'string' ? v : undefined;
  }

  /** The EKS add-on named `name`, if the plan installs it. */
  public addon(name: string): PlanResource | undefined {
    return this.ofType(PLAN_TYPES.addon).find((a) => a.inputs.addonName === name);
  }

  /** An add-on's `configurationValues`, parsed. */
  public addonConfiguration(name: string): Json {
    const raw = this.addon(name)?.inputs.configurationValues;
    if (typeof raw !== 'string') return asObject(raw) ?? {};
    try {
      return asObject(JSON.parse(raw)) ?? {};
    } catch {
      return {};
    }
  }
}
