// A team as the platform takes it, from TypeScript or from a stack config: its namespace, GPU and
// compute quotas, who may work in it, its Pod Security level and its queue.

/** What a team asks for. */
export interface TeamSpec {
  /** Team name; also its namespace. A DNS label. */
  readonly name: string;
  /**
   * GPUs (physical, per pool) the team may request at once. Under MIG or sharing, the quota covers
   * the slices or shares those GPUs provide.
   * @default - no GPU: the quota allows none
   */
  readonly gpuQuota?: Readonly<Record<string, number>>;
  /**
   * CPU cores and memory (GiB) the team may request.
   * @default - what its GPU quota needs at the default GPU pod sizes, plus 16 cores and 64 GiB for CPU work
   */
  readonly computeQuota?: { readonly cpu?: number; readonly memoryGiB?: number };
  /**
   * Groups (as your cluster authenticator names them) bound to the `edit` ClusterRole in the namespace.
   * @default - none
   */
  readonly editGroups?: readonly string[];
  /**
   * Groups bound to the `view` ClusterRole.
   * @default - none
   */
  readonly viewGroups?: readonly string[];
  /**
   * IAM roles or users (ARNs) that get `edit` in the namespace. On EKS the platform maps each to the
   * Kubernetes group `aiready-team-<name>-edit` through an access entry, and binds that group here;
   * without such a mapping `editGroups` bind names no one is ever authenticated as.
   * @default - none
   */
  readonly editPrincipalArns?: readonly string[];
  /**
   * IAM roles or users (ARNs) that get `view`, as `editPrincipalArns`.
   * @default - none
   */
  readonly viewPrincipalArns?: readonly string[];
  /**
   * Pod Security level enforced. `baseline` allows containers running as root, which many CUDA images
   * expect; it needs `podSecurityReason`, recorded on the namespace.
   * @default 'restricted'
   */
  readonly podSecurity?: 'restricted' | 'baseline';
  /**
   * Why the team needs `baseline`.
   * @default - none (required with baseline)
   */
  readonly podSecurityReason?: string;
  /**
   * GPUs per pool the team may borrow from the other teams' idle quota (with Kueue).
   * @default - as many as its own quota
   */
  readonly borrowGpus?: Readonly<Record<string, number>>;
  /**
   * Give the team a Kueue queue. With Kueue in the platform every team needs one: its jobs are only
   * admitted through a queue.
   * @default true
   */
  readonly queue?: boolean;
  /**
   * Let pods open HTTPS connections anywhere (the API server, S3, model hubs, registries). Everything
   * else leaving the namespace is denied.
   * @default true
   */
  readonly allowEgressHttps?: boolean;
  /**
   * Where the Kubernetes API server's endpoints are (on EKS, the VPC CIDR: the control plane's network
   * interfaces sit in its subnets). Needed with `allowEgressHttps: false` when Argo Workflows runs:
   * the executor in every workflow pod reports to the API server.
   * @default - none (covered by `allowEgressHttps`)
   */
  readonly apiServerCidrs?: readonly string[];
}
