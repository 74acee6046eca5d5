import { ARGOCD_SYNC_WAVE, POD_SECURITY_LABELS } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { componentLabels } from './metadata';

/** Pod Security admission level of a namespace. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/**
 * Pod Security labels: `enforce` at `level`, and `warn` and `audit` at `restricted` so anything
 * looser than restricted shows up.
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    [POD_SECURITY_LABELS.enforce]: level,
    [POD_SECURITY_LABELS.warn]: 'restricted',
    [POD_SECURITY_LABELS.audit]: 'restricted',
  };
}

/**
 * Defines a namespace aiready owns, with Pod Security labels: `enforce` at `level`, and `warn` and
 * `audit` at `restricted` so anything looser than restricted shows up.
 */
export function ownedNamespace(scope: Construct, name: string, component: string, level: PodSecurityLevel): ApiObject {
  return new kplus.k8s.KubeNamespace(scope, 'Namespace', {
    metadata: {
      name,
      labels: {
        ...componentLabels(component),
        ...podSecurityLabels(level),
      },
      // Namespaces first under GitOps.
      annotations: { [ARGOCD_SYNC_WAVE]: '-10' },
    },
  });
}
