// IAM policies of the plan: which role a Kubernetes service account assumes (Pod Identity), what that
// role's policies allow, and whether an action on a kind of resource is granted.
import { asArray, asObject, asString, Json } from './kube';
import { PLAN_TYPES, PlanIndex, PlanResource, planKey } from './plan';

/** One Allow statement, normalised. */
export interface Statement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** The Allow statements of a policy document (a JSON string or object). */
export function statementsOf(policy: unknown): Statement[] {
  let doc: Json | undefined;
  if (typeof policy === 'string') {
    try {
      doc = asObject(JSON.parse(policy));
    } catch {
      return [];
    }
  } else doc = asObject(policy);
  const list = Array.isArray(doc?.Statement) ? doc!.Statement : doc?.Statement ? [doc.Statement] : [];
  return list.flatMap((s) => {
    const st = asObject(s);
    if (!st || st.Effect !== 'Allow' || st.Action === undefined) return [];
    const arr = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
    return [{ actions: arr(st.Action), resources: arr(st.Resource) }];
  });
}

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(value);
}

/** The service the Pulumi mocks put in the ARNs of resources the stack itself creates (`arn:aws:mock:...`). */
export const MOCK_ARN_SERVICE = 'mock';

/**
 * Whether a policy resource pattern covers a resource: partition, service and resource part compared as
 * globs; region and account are not (the plan's are placeholders or wildcards alike). ARNs the mocks
 * computed for the stack's own resources stand for any service.
 */
export function resourceCovers(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split(':');
  const r = resource.split(':');
  if (p.length < 6 || r.length < 6) return glob(pattern, resource);
  return glob(p[1], r[1]) && (p[2] === MOCK_ARN_SERVICE || glob(p[2], r[2])) && glob(p.slice(5).join(':'), r.slice(5).join(':'));
}

/** Whether the statements allow `action` on `resource` (`undefined`: on anything, e.g. for PassRole on a role of the plan). */
export function grants(statements: readonly Statement[], action: string, resource: string | undefined): boolean {
  return statements.some(
    (s) =>
      s.actions.some((a) => glob(a, action)) && (resource === undefined || s.resources.some((p) => resourceCovers(p, resource))),
  );
}

/** An IAM role of the plan with its inline and attached managed policies. */
export interface PlanRole {
  readonly resource: PlanResource;
  /** `plan <type>::<name>` of each inline policy, for findings. */
  readonly inline: readonly { readonly key: string; readonly statements: readonly Statement[] }[];
  /** ARNs of attached managed policies. */
  readonly managed: readonly string[];
}

function refersTo(value: unknown, role: PlanResource): boolean {
  const v = asString(value);
  if (!v) return false;
  const name = asString(role.inputs.name);
  return (
    v === role.name || v === `${role.name}-id` || (name !== undefined && v === name) || v.endsWith(`:role/${name ?? role.name}`)
  );
}

/** The role an ARN names, with its policies. */
export function roleOf(plan: PlanIndex, roleArn: unknown): PlanRole | undefined {
  const role = plan.ofType(PLAN_TYPES.role).find((r) => refersTo(roleArn, r));
  if (!role) return undefined;
  return {
    resource: role,
    inline: plan
      .ofType(PLAN_TYPES.rolePolicy)
      .filter((p) => refersTo(p.inputs.role, role))
      .map((p) => ({ key: planKey(p), statements: statementsOf(p.inputs.policy) })),
    managed: plan
      .ofType(PLAN_TYPES.rolePolicyAttachment)
      .filter((p) => refersTo(p.inputs.role, role))
      .map((p) => String(p.inputs.policyArn)),
  };
}

/** The role a service account assumes through EKS Pod Identity (an association, or an add-on's). */
export function podIdentityRole(plan: PlanIndex, namespace: string, serviceAccount: string): PlanRole | undefined {
  const assoc = plan
    .ofType(PLAN_TYPES.podIdentity)
    .find((p) => p.inputs.namespace === namespace && p.inputs.serviceAccount === serviceAccount);
  if (assoc) return roleOf(plan, assoc.inputs.roleArn);
  for (const addon of plan.ofType(PLAN_TYPES.addon))
    for (const a of asArray(addon.inputs.podIdentityAssociations)) {
      const o = asObject(a);
      if (o?.serviceAccount === serviceAccount && namespace === 'kube-system') return roleOf(plan, o.roleArn);
    }
  return undefined;
}
