import { COMPONENT_LABEL, KUBEFLOW_PIPELINES } from '@aiready/core';
import { Construct } from 'constructs';
import { componentLabels, TEAM_COMPONENT } from '../private/metadata';
import { podSecurityLabels } from '../private/namespace';
import { namespacePeer, networkPolicy, PolicySpec, ports } from '../private/network-policy';
import { KustomizeRelease } from '../release/kustomize-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import type { PlatformComponent } from '../platform/platform-component';
import type { KubePrometheusStack } from '../monitoring/kube-prometheus-stack';

/** Props of `KubeflowPipelines`. */
export interface KubeflowPipelinesProps {
  /** How the kustomize bases are installed. @default - the enclosing platform's, else ReleaseMaterializer.argoCd() */
  readonly releaseMaterializer?: ReleaseMaterializer;
  /**
   * Namespace of the Prometheus that scrapes the KFP API server's metrics.
   * @default - no scrape access
   */
  readonly monitoringNamespace?: string;
}

/** Ports of the KFP API server (`ml-pipeline`): HTTP and gRPC. */
export const KFP_API_PORTS = [8888, 8887] as const;
/** Pod label of the KFP API server, as the upstream Deployment sets it. */
export const KFP_API_SELECTOR = { app: 'ml-pipeline' } as const;

/**
 * Kubeflow Pipelines standalone, from its pinned upstream kustomize bases (version lock): the
 * cluster-scoped resources (namespace `kubeflow`, CRDs) first, then the platform-agnostic env. Under
 * Argo CD these are two Applications with git sources in that sync order; under Pulumi two
 * `kustomize.v2.Directory`s, the second after the first. `aiready synth --render-kustomize` renders
 * them with `kubectl kustomize` (that needs the network).
 *
 * Hardening the upstream bases lack:
 * - Pod Security on the `kubeflow` namespace: `enforce: baseline` (upstream tests KFP at baseline),
 *   `warn`/`audit: restricted`, patched into the base that creates the namespace.
 * - Network policies: KFP's MySQL runs with an empty root password, so only pods of the `kubeflow`
 *   namespace may reach it; the API server (which starts runs as `pipeline-runner`) takes traffic only
 *   from its own namespace, team namespaces and Prometheus. SeaweedFS has its upstream policy. Other
 *   KFP pods, including the cache webhook the API server calls, are left open.
 *
 * KFP runs its own Argo Workflows controller; `AiPlatform` refuses a second, unscoped one.
 */
export class KubeflowPipelines extends Construct {
  public readonly namespace = KUBEFLOW_PIPELINES.namespace;
  public readonly kustomizations: readonly KustomizeRelease[];

  constructor(scope: Construct, id: string, props: KubeflowPipelinesProps = {}) {
    super(scope, id);
    const materializer = props.releaseMaterializer ?? ReleaseMaterializer.of(this);
    const namespaceLabels = podSecurityLabels('baseline');
    this.kustomizations = KUBEFLOW_PIPELINES.bases.map(
      (base) =>
        new KustomizeRelease(this, base.name, {
          pin: KUBEFLOW_PIPELINES,
          base,
          component: 'kubeflow-pipelines',
          materializer,
          namespaceLabels,
        }),
    );

    const labels = componentLabels('kubeflow-pipelines');
    const policy = (name: string, spec: PolicySpec) =>
      networkPolicy(this, `Policy-${name}`, { name, namespace: this.namespace, labels }, spec);
    const sameNamespace = { podSelector: {} };
    policy('aiready-kfp-mysql', {
      podSelector: { matchLabels: { app: 'mysql' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [sameNamespace], ports: ports('TCP', 3306) }],
    });
    const apiPorts = ports('TCP', ...KFP_API_PORTS);
    policy('aiready-kfp-api', {
      podSelector: { matchLabels: { ...KFP_API_SELECTOR } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [sameNamespace], ports: apiPorts },
        { from: [{ namespaceSelector: { matchLabels: { [COMPONENT_LABEL]: TEAM_COMPONENT } } }], ports: apiPorts },
        ...(props.monitoringNamespace
          ? [{ from: [namespacePeer(props.monitoringNamespace)], ports: ports('TCP', KFP_API_PORTS[0]) }]
          : []),
      ],
    });
  }
}

/** Kubeflow Pipelines in the platform: teams' pods may call its API server (the KFP SDK client). */
export const KUBEFLOW_PIPELINES_COMPONENT: PlatformComponent<KubeflowPipelines> = {
  id: 'kubeflow-pipelines',
  build: ({ scope, plan, built }) => {
    if (!plan.components.kubeflowPipelines) return undefined;
    const prometheus = built<KubePrometheusStack>('prometheus');
    return new KubeflowPipelines(scope, 'kubeflow-pipelines', prometheus ? { monitoringNamespace: prometheus.namespace } : {});
  },
  team: (kfp) => ({
    networkPolicies: {
      'allow-kubeflow-pipelines': {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [namespacePeer(kfp.namespace, KFP_API_SELECTOR)], ports: ports('TCP', ...KFP_API_PORTS) }],
      },
    },
  }),
};
