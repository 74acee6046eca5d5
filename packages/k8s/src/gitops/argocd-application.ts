// Hand-written typing of the Argo CD Application fields aiready sets. The Application CRD is 400 KB,
// too large to import whole (see scripts/import-crds.sh); every object is still validated against
// the full upstream CRD by kube-validate in CI.
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/** An Argo CD Application source: a chart from a Helm repository. */
export interface ArgoCdHelmSource {
  readonly repoURL: string;
  readonly chart: string;
  readonly targetRevision: string;
  readonly helm: {
    readonly releaseName: string;
    readonly valuesObject: Record<string, unknown>;
    /** Leave out the chart's `crds/` folder. */
    readonly skipCrds?: boolean;
  };
}

/** An Argo CD Application source: a path in a git repository. */
export interface ArgoCdGitSource {
  readonly repoURL: string;
  readonly path: string;
  readonly targetRevision: string;
  /** Kustomize patches applied over the base (`patch` is a strategic-merge or JSON 6902 patch as text). */
  readonly kustomize?: {
    readonly patches: readonly {
      readonly target: { readonly version: string; readonly kind: string; readonly name: string };
      readonly patch: string;
    }[];
  };
}

/** The spec of an Argo CD Application, as aiready writes it. */
export interface ArgoCdApplicationSpec {
  readonly project: string;
  readonly destination: { readonly server: string; readonly namespace: string };
  readonly source: ArgoCdHelmSource | ArgoCdGitSource;
  readonly syncPolicy: {
    readonly automated?: { readonly prune: boolean; readonly selfHeal: boolean };
    readonly syncOptions: readonly string[];
    readonly retry?: {
      readonly limit: number;
      readonly backoff: { readonly duration: string; readonly factor: number; readonly maxDuration: string };
    };
  };
}

/** Props of `ArgoCdApplication`. */
export interface ArgoCdApplicationProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: ArgoCdApplicationSpec;
}

/** An Argo CD `Application` (argoproj.io/v1alpha1). */
export class ArgoCdApplication extends ApiObject {
  public static readonly GVK = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' };

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id, { ...ArgoCdApplication.GVK, metadata: props.metadata, spec: props.spec });
  }
}
