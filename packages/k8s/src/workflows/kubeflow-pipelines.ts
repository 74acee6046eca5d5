import { KUBEFLOW_PIPELINES } from '@aiready/core';
import { Construct } from 'constructs';
import { KustomizeRelease } from '../release/kustomize-release';
import { ReleaseMaterializer } from '../release/release-materializer';

export interface KubeflowPipelinesProps {
  /** How the kustomize bases are installed. @default ReleaseMaterializer.argoCd() */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/**
 * Kubeflow Pipelines standalone, from its pinned upstream kustomize bases (version lock): the
 * cluster-scoped resources (namespace `kubeflow`, CRDs) first, then the platform-agnostic env. Under
 * Argo CD these are two Applications with git sources in that sync order; under Pulumi two
 * `kustomize.v2.Directory`s, the second after the first. Nothing is rendered at synth: the bases pull
 * remote Argo Workflows bases, which needs the network.
 *
 * KFP runs its own Argo Workflows controller; `AiPlatform` refuses a second, unscoped one.
 */
export class KubeflowPipelines extends Construct {
  public readonly namespace = KUBEFLOW_PIPELINES.namespace;
  public readonly kustomizations: readonly KustomizeRelease[];

  constructor(scope: Construct, id: string, props: KubeflowPipelinesProps = {}) {
    super(scope, id);
    const materializer = props.releaseMaterializer ?? ReleaseMaterializer.argoCd();
    this.kustomizations = KUBEFLOW_PIPELINES.bases.map(
      (base) =>
        new KustomizeRelease(this, base.name, { pin: KUBEFLOW_PIPELINES, base, component: 'kubeflow-pipelines', materializer }),
    );
  }
}
