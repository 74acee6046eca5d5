// Names the cloud side and the Kubernetes side both derive from the cluster name, and the limits
// those names put on it. One place, so the EC2NodeClass and the IAM role always agree.
import type { ValidationProblem } from '../errors';
import { isDnsLabel } from '../util/kubernetes-names';

const NODE_ROLE_PREFIX = 'KarpenterNodeRole-';
/** IAM role names hold at most 64 characters. */
const IAM_ROLE_NAME_MAX = 64;

/**
 * The longest cluster name whose derived names all fit their AWS limits: the Karpenter node role
 * (`KarpenterNodeRole-<cluster>`, 64 for IAM roles) is the tightest; the interruption queue (80 for
 * SQS), placement groups (255) and the EKS cluster itself (100) allow more.
 */
export const MAX_CLUSTER_NAME_LENGTH = IAM_ROLE_NAME_MAX - NODE_ROLE_PREFIX.length;

/** The IAM role of Karpenter-launched nodes; the EC2NodeClass `role` names it and the cloud side creates it. */
export function karpenterNodeRoleName(clusterName: string): string {
  return `${NODE_ROLE_PREFIX}${clusterName}`;
}

/** The problem with a cluster name, if any: a DNS label short enough for every name derived from it. */
export function clusterNameProblem(path: string, clusterName: unknown): ValidationProblem | undefined {
  if (typeof clusterName === 'string' && isDnsLabel(clusterName, MAX_CLUSTER_NAME_LENGTH)) return undefined;
  const tooLong = typeof clusterName === 'string' && clusterName.length > MAX_CLUSTER_NAME_LENGTH;
  return {
    path,
    value: clusterName,
    problem: tooLong
      ? `is ${clusterName.length} characters; the IAM role ${NODE_ROLE_PREFIX}<cluster> would exceed AWS's ${IAM_ROLE_NAME_MAX}`
      : 'not a valid cluster name (a DNS label)',
    fix: `use at most ${MAX_CLUSTER_NAME_LENGTH} lower-case letters, digits and '-', e.g. 'ai-prod'`,
  };
}
