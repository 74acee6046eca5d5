// Addresses on EKS nodes that pods talk to. Under network policy enforcement, traffic to them must be
// allowed explicitly.

/**
 * The EKS Pod Identity agent: a link-local address on every node (hostNetwork), where SDKs fetch a
 * pod's credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI). Pods of a service account with a Pod
 * Identity association need egress to it.
 */
export const EKS_POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;
