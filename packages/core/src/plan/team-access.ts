// How IAM principals reach a team's namespace on EKS: an access entry maps each principal to a
// Kubernetes group, and the team's RoleBindings bind that group. One naming rule for both sides.

/** The two roles a team grants. */
export type TeamAccessRole = 'edit' | 'view';

/** What a team says about who may work in it, by IAM principal. */
export interface TeamPrincipals {
  readonly name: string;
  readonly editPrincipalArns?: readonly string[];
  readonly viewPrincipalArns?: readonly string[];
}

/** The IAM principal ARN shape EKS access entries take: an IAM role or user (not an STS session). */
export const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/**
 * The Kubernetes group a team's principals are mapped to. EKS refuses groups starting with
 * `system:`, `eks:`, `aws:`, `amazon:` or `iam:`, so aiready's carry its own prefix.
 */
export function teamAccessGroup(team: string, role: TeamAccessRole): string {
  return `aiready-team-${team}-${role}`;
}

/**
 * The Kubernetes groups of every principal named by any team, merged (EKS allows one access entry per
 * principal, so a principal in two teams gets one entry with both groups), sorted.
 */
export function principalGroups(teams: readonly TeamPrincipals[]): Record<string, string[]> {
  const groups = new Map<string, Set<string>>();
  for (const team of teams) {
    for (const role of ['edit', 'view'] as const) {
      for (const arn of (role === 'edit' ? team.editPrincipalArns : team.viewPrincipalArns) ?? []) {
        if (!groups.has(arn)) groups.set(arn, new Set());
        groups.get(arn)!.add(teamAccessGroup(team.name, role));
      }
    }
  }
  return Object.fromEntries(
    [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([arn, set]) => [arn, [...set].sort()]),
  );
}
