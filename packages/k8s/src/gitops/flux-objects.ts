// Hand-written typing of the Flux fields aiready sets: HelmRelease (helm.toolkit.fluxcd.io/v2),
// HelmRepository, OCIRepository and GitRepository (source.toolkit.fluxcd.io/v1), Kustomization
// (kustomize.toolkit.fluxcd.io/v1), as served by helm-controller v1.6, source-controller v1.9 and
// kustomize-controller v1.9. Every object is still validated against the full upstream CRDs
// (../shared/crds/flux) by kube-validate in CI and by the Flux tests.
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/** A reference to a Flux object by name (and namespace, when another). */
export interface FluxObjectRef {
  readonly name: string;
  readonly namespace?: string;
}

/** `install.crds` / `upgrade.crds`: what Helm does with the chart's `crds/` folder. */
export type FluxCrdPolicy = 'Skip' | 'Create' | 'CreateReplace';

/** A `valuesFrom` entry: values merged from a Secret before `spec.values`. */
export interface FluxValuesReference {
  readonly kind: 'Secret';
  readonly name: string;
  readonly valuesKey?: string;
  readonly targetPath?: string;
  readonly optional?: boolean;
}

/** The spec of a Flux HelmRelease, as aiready writes it. */
export interface FluxHelmReleaseSpec {
  readonly releaseName: string;
  readonly targetNamespace: string;
  readonly storageNamespace: string;
  readonly interval: string;
  readonly timeout: string;
  /** A chart from a HelmRepository (exactly one of `chart` and `chartRef`). */
  readonly chart?: {
    readonly spec: {
      readonly chart: string;
      readonly version: string;
      readonly sourceRef: { readonly kind: 'HelmRepository' } & FluxObjectRef;
    };
  };
  /** A chart from an OCIRepository. */
  readonly chartRef?: { readonly kind: 'OCIRepository' } & FluxObjectRef;
  readonly install: {
    readonly crds: FluxCrdPolicy;
    readonly remediation: { readonly retries: number };
  };
  readonly upgrade: {
    readonly crds: FluxCrdPolicy;
    readonly cleanupOnFail: boolean;
    readonly remediation: { readonly retries: number; readonly remediateLastFailure: boolean; readonly strategy: 'rollback' };
  };
  readonly driftDetection: { readonly mode: 'enabled' | 'warn' | 'disabled' };
  readonly dependsOn?: readonly FluxObjectRef[];
  readonly values?: Record<string, unknown>;
  readonly valuesFrom?: readonly FluxValuesReference[];
}

/** The spec of a Flux HelmRepository (an HTTP chart repository). */
export interface FluxHelmRepositorySpec {
  readonly url: string;
  readonly interval: string;
}

/** The spec of a Flux OCIRepository (one chart in an OCI registry). */
export interface FluxOciRepositorySpec {
  /** `oci://registry/path/chart`: one chart per OCIRepository. */
  readonly url: string;
  readonly ref: { readonly tag: string };
  readonly layerSelector: { readonly mediaType: string; readonly operation: 'copy' | 'extract' };
  readonly interval: string;
}

/** The spec of a Flux GitRepository (a kustomize base at a tag). */
export interface FluxGitRepositorySpec {
  readonly url: string;
  readonly ref: { readonly tag: string };
  readonly interval: string;
}

/** A kustomize patch over the objects a Kustomization applies. */
export interface FluxKustomizePatch {
  readonly patch: string;
  readonly target: { readonly version: string; readonly kind: string; readonly name: string };
}

/** The spec of a Flux Kustomization, as aiready writes it. */
export interface FluxKustomizationSpec {
  readonly interval: string;
  readonly retryInterval: string;
  readonly timeout: string;
  readonly path: string;
  readonly prune: boolean;
  /** Wait for every object applied to be ready. */
  readonly wait?: boolean;
  readonly sourceRef: { readonly kind: 'GitRepository' } & FluxObjectRef;
  readonly dependsOn?: readonly FluxObjectRef[];
  /** Objects whose readiness makes the Kustomization ready (instead of `wait`). */
  readonly healthChecks?: readonly ({ readonly apiVersion: string; readonly kind: string } & FluxObjectRef)[];
  readonly patches?: readonly FluxKustomizePatch[];
}

/** The Flux kinds aiready writes, with their API versions. */
export const FLUX_GVK = {
  helmRelease: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' },
  helmRepository: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository' },
  ociRepository: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository' },
  gitRepository: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' },
  kustomization: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
} as const;

/** True for Flux source objects (HelmRepository, OCIRepository, GitRepository). */
export function isFluxSource(obj: { readonly apiVersion: string }): boolean {
  return obj.apiVersion.startsWith('source.toolkit.fluxcd.io/');
}

/** True for a Flux Kustomization (not a kustomize.config.k8s.io one). */
export function isFluxKustomization(obj: { readonly apiVersion: string; readonly kind: string }): boolean {
  return obj.apiVersion === FLUX_GVK.kustomization.apiVersion && obj.kind === FLUX_GVK.kustomization.kind;
}

/** A Flux `HelmRelease`. */
export class FluxHelmRelease extends ApiObject {
  constructor(scope: Construct, id: string, props: { metadata: ApiObjectMetadata; spec: FluxHelmReleaseSpec }) {
    super(scope, id, { ...FLUX_GVK.helmRelease, ...props });
  }
}

/** A Flux `HelmRepository` (an HTTPS Helm repository index). */
export class FluxHelmRepository extends ApiObject {
  constructor(scope: Construct, id: string, props: { metadata: ApiObjectMetadata; spec: FluxHelmRepositorySpec }) {
    super(scope, id, { ...FLUX_GVK.helmRepository, ...props });
  }
}

/** A Flux `OCIRepository` (one chart in an OCI registry). */
export class FluxOciRepository extends ApiObject {
  constructor(scope: Construct, id: string, props: { metadata: ApiObjectMetadata; spec: FluxOciRepositorySpec }) {
    super(scope, id, { ...FLUX_GVK.ociRepository, ...props });
  }
}

/** A Flux `GitRepository`. */
export class FluxGitRepository extends ApiObject {
  constructor(scope: Construct, id: string, props: { metadata: ApiObjectMetadata; spec: FluxGitRepositorySpec }) {
    super(scope, id, { ...FLUX_GVK.gitRepository, ...props });
  }
}

/** A Flux `Kustomization`. */
export class FluxKustomization extends ApiObject {
  constructor(scope: Construct, id: string, props: { metadata: ApiObjectMetadata; spec: FluxKustomizationSpec }) {
    super(scope, id, { ...FLUX_GVK.kustomization, ...props });
  }
}
