import { KustomizeBasePin, KustomizePin } from '@aiready/core';
import { Construct, IConstruct } from 'constructs';
import type { ReleaseMaterializer } from './release-materializer';

/** A kustomize base from a pinned git tag, as typed data; materialisers install it. */
export interface KustomizationSpec {
  /** Name of what installs it (Argo CD Application, Pulumi resource). */
  readonly name: string;
  readonly component: string;
  /** Git repository, `https://...`. */
  readonly repository: string;
  /** Git tag. */
  readonly ref: string;
  /** Path of the kustomization in the repository. */
  readonly path: string;
  readonly namespace: string;
  readonly ownsCrds: boolean;
  /** The base creates `namespace`: objects in it install after the base. */
  readonly createsNamespace: boolean;
  /** Install order: lower first. */
  readonly wave: number;
  /**
   * Labels to set on the namespace this base creates (Pod Security levels): patched into the base
   * under Argo CD, a server-side `NamespacePatch` under Pulumi.
   */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

/** The kustomize remote-target URL of a base (`github.com/org/repo/path?ref=tag`), as `kubectl apply -k` takes it. */
export function kustomizeUrl(spec: KustomizationSpec): string {
  return `${spec.repository.replace(/^https:\/\//, '')}/${spec.path}?ref=${spec.ref}`;
}

/** A kustomize patch as Argo CD and kustomization.yaml take it. */
export interface KustomizePatch {
  readonly target: { readonly version: string; readonly kind: string; readonly name: string };
  readonly patch: string;
}

/** The patches that go over a base: the labels of the namespace it creates, if any. */
export function kustomizePatches(spec: Pick<KustomizationSpec, 'namespace' | 'namespaceLabels'>): KustomizePatch[] {
  if (!spec.namespaceLabels) return [];
  return [
    {
      target: { version: 'v1', kind: 'Namespace', name: spec.namespace },
      patch: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: spec.namespace, labels: spec.namespaceLabels },
      }),
    },
  ];
}

/**
 * A kustomization.yaml (as data) that renders a base exactly as it is installed: the pinned remote
 * target plus the patches. `kubectl kustomize` on a folder holding it prints what KFP applies.
 */
export function kustomizationOverlay(
  spec: Pick<KustomizationSpec, 'namespace' | 'namespaceLabels'> & { readonly url: string },
): Record<string, unknown> {
  const patches = kustomizePatches(spec);
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [spec.url],
    ...(patches.length ? { patches } : {}),
  };
}

const KUSTOMIZATION_SYMBOL = Symbol.for('@aiready/k8s.KustomizeRelease');

/**
 * A kustomize base inside a cdk8s tree. Like {@link HelmRelease} it emits nothing itself: the
 * materialiser emits an Argo CD Application with a git source, and Pulumi's `PlatformDeployment`
 * reads {@link KustomizeRelease.all} and applies each as a `kustomize.v2.Directory`.
 */
export class KustomizeRelease extends Construct {
  /** Every kustomization under `scope`, by wave then name. */
  public static all(scope: IConstruct): KustomizeRelease[] {
    return scope.node
      .findAll()
      .filter((c): c is KustomizeRelease => KUSTOMIZATION_SYMBOL in c)
      .sort((a, b) => a.spec.wave - b.spec.wave || a.spec.name.localeCompare(b.spec.name));
  }

  public readonly spec: KustomizationSpec;

  constructor(
    scope: Construct,
    id: string,
    props: {
      pin: KustomizePin;
      base: KustomizeBasePin;
      component: string;
      materializer: ReleaseMaterializer;
      /** Labels for the namespace, when this base creates it. */
      namespaceLabels?: Readonly<Record<string, string>>;
    },
  ) {
    super(scope, id);
    Object.defineProperty(this, KUSTOMIZATION_SYMBOL, { value: true });
    const { pin, base } = props;
    this.spec = {
      name: base.name,
      component: props.component,
      repository: pin.repository,
      ref: pin.ref,
      path: base.path,
      namespace: pin.namespace,
      ownsCrds: base.ownsCrds,
      createsNamespace: base.createsNamespace ?? false,
      wave: pin.bases.indexOf(base) - pin.bases.length,
      ...(base.createsNamespace && props.namespaceLabels ? { namespaceLabels: { ...props.namespaceLabels } } : {}),
    };
    props.materializer.materializeKustomization(this, this.spec);
  }
}
