import { ARGOCD_SYNC_WAVE } from '@aiready/core';
import { componentLabels } from '../private/metadata';
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ArgoCdApplication, ArgoCdApplicationSpec } from '../gitops/argocd-application';
import { FluxMaterializer } from '../gitops/flux-materializer';
import type { FluxMaterializerOptions } from '../gitops/flux-options';
import { ReleaseSpec } from './helm-release';
import { KustomizationSpec, kustomizePatches } from './kustomize-release';

/** Options of the Argo CD materialiser. */
export interface ArgoCdMaterializerOptions {
  /**
   * Namespace Argo CD runs in; Applications and repository Secrets go there.
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Argo CD project of the Applications.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * Let Argo CD prune and self-heal automatically.
   * @default true
   */
  readonly automated?: boolean;
  /**
   * Destination cluster API server as Argo CD knows it.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in)
   */
  readonly server?: string;
}

/** The GitOps engine a platform's synthesized output is for (`gitops` in a stack config). */
export type GitOpsEngine = 'argocd' | 'flux' | 'rendered';

const MATERIALIZER = Symbol.for('@aiready/k8s.ReleaseMaterializer');

/**
 * Decides how the Helm releases of a platform are installed.
 *
 * - `argoCd()` (default): an Argo CD `Application` per release with the values inline, ordered by
 *   sync waves (charts that own CRDs first), applied server-side. Argo CD runs Helm hooks as sync hooks,
 *   so hook-dependent charts (argo-workflows CRDs, kubeflow-trainer runtimes) work.
 * - `flux(options)`: a Flux `HelmRelease` per release with its source, and a folder per install wave
 *   applied by a Flux `Kustomization` that waits for the previous wave's, in the same order as the
 *   Argo CD sync waves. Flux's helm-controller runs Helm hooks too.
 * - `rendered()`: the charts rendered to plain manifests (`aiready synth --render`, Helm hooks become
 *   plain objects) next to the platform's own objects laid out by install wave; the generated
 *   `install.sh` applies them wave by wave with `kubectl apply --server-side`.
 * - `external()`: the releases stay data only; something else installs them. Pulumi's
 *   `PlatformDeployment` uses this and creates a `helm.v3.Release` per release.
 */
export abstract class ReleaseMaterializer {
  /** An Argo CD Application per release. */
  public static argoCd(options: ArgoCdMaterializerOptions = {}): ReleaseMaterializer {
    return new ArgoCdMaterializer(options);
  }

  /** A Flux HelmRelease per release, laid out in install stages (see {@link FluxMaterializer}). */
  public static flux(options: FluxMaterializerOptions): FluxMaterializer {
    return new FluxMaterializer(options);
  }

  /**
   * Plain manifests: nothing is emitted for a release here; `aiready synth --render` renders every chart
   * into `rendered/`, lays the platform's own objects out by install wave (`manifests/<stage>/`) and
   * writes `install.sh`, which applies one wave after the other with `kubectl apply --server-side`.
   */
  public static rendered(): ReleaseMaterializer {
    return new RenderedMaterializer();
  }

  /** Emit nothing for releases: another tool installs them from `HelmRelease.all(scope)`. */
  public static external(): ReleaseMaterializer {
    return new ExternalMaterializer();
  }

  /**
   * The materialiser of the platform `scope` belongs to (as cdk8s `Chart.of` finds a chart), so
   * components need not be handed it one by one; `argoCd()` outside any platform.
   */
  public static of(scope: IConstruct): ReleaseMaterializer {
    for (const s of [...scope.node.scopes].reverse()) {
      const found = (s as unknown as Record<symbol, ReleaseMaterializer | undefined>)[MATERIALIZER];
      if (found) return found;
    }
    return ReleaseMaterializer.argoCd();
  }

  /** Makes `materializer` the one {@link ReleaseMaterializer.of} finds for everything under `scope`. */
  public static use(scope: IConstruct, materializer: ReleaseMaterializer): void {
    Object.defineProperty(scope, MATERIALIZER, { value: materializer });
  }

  /** A short name for summaries. */
  public abstract readonly kind: GitOpsEngine | 'external';

  /** Emits whatever installs `release` under `scope`. */
  public abstract materialize(scope: ApiObjectScope, release: ReleaseSpec): void;

  /** Emits whatever installs the kustomize base `kustomization` under `scope`. */
  public abstract materializeKustomization(scope: ApiObjectScope, kustomization: KustomizationSpec): void;
}

type ApiObjectScope = ConstructorParameters<typeof ApiObject>[0];

class ExternalMaterializer extends ReleaseMaterializer {
  public readonly kind = 'external' as const;
  public materialize(): void {}
  public materializeKustomization(): void {}
}

/** Releases stay data ({@link HelmRelease.all}); synth renders them and writes the install order. */
class RenderedMaterializer extends ReleaseMaterializer {
  public readonly kind = 'rendered' as const;
  public materialize(): void {}
  public materializeKustomization(): void {}
}

/** Argo CD treats Helm OCI repositories as `host/path` plus a repository Secret with `enableOCI`. */
function argoRepo(repository: string): { url: string; oci: boolean } {
  return repository.startsWith('oci://')
    ? { url: repository.slice('oci://'.length), oci: true }
    : { url: repository, oci: false };
}

class ArgoCdMaterializer extends ReleaseMaterializer {
  public readonly kind = 'argocd' as const;
  private readonly namespace: string;
  private readonly project: string;
  private readonly automated: boolean;
  private readonly server: string;

  constructor(options: ArgoCdMaterializerOptions) {
    super();
    this.namespace = options.namespace ?? 'argocd';
    this.project = options.project ?? 'default';
    this.automated = options.automated ?? true;
    this.server = options.server ?? 'https://kubernetes.default.svc';
  }

  public materialize(scope: ApiObjectScope, release: ReleaseSpec): void {
    const repo = argoRepo(release.repository);
    if (repo.oci) this.declareOciRepository(scope, repo.url);
    this.application(scope, release.releaseName, release.component, release.wave, release.namespace, {
      repoURL: repo.url,
      chart: release.chart,
      targetRevision: release.version,
      helm: {
        releaseName: release.releaseName,
        valuesObject: release.values,
        ...(release.skipCrds ? { skipCrds: true } : {}),
      },
    });
  }

  public materializeKustomization(scope: ApiObjectScope, k: KustomizationSpec): void {
    const patches = kustomizePatches(k);
    this.application(scope, k.name, k.component, k.wave, k.namespace, {
      repoURL: `${k.repository}.git`,
      path: k.path,
      targetRevision: k.ref,
      ...(patches.length ? { kustomize: { patches } } : {}),
    });
  }

  private application(
    scope: ApiObjectScope,
    name: string,
    component: string,
    wave: number,
    namespace: string,
    source: ArgoCdApplicationSpec['source'],
  ): void {
    new ArgoCdApplication(scope, 'Application', {
      metadata: {
        name,
        namespace: this.namespace,
        labels: componentLabels(component),
        annotations: { [ARGOCD_SYNC_WAVE]: String(wave) },
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
      spec: {
        project: this.project,
        destination: { server: this.server, namespace },
        source,
        syncPolicy: {
          ...(this.automated ? { automated: { prune: true, selfHeal: true } } : {}),
          // Large CRDs (argo-workflows v4 full CRDs, Prometheus) exceed the client-side apply annotation
          // limit; a chart's own custom resources may name CRDs another Application is still installing,
          // so a missing CRD at dry-run is not fatal and the sync retries.
          syncOptions: ['ServerSideApply=true', 'SkipDryRunOnMissingResource=true'],
          retry: { limit: 10, backoff: { duration: '30s', factor: 2, maxDuration: '10m' } },
        },
      },
    });
  }

  /** One repository Secret per OCI registry path in the chart: a declaration, no credentials. */
  private declareOciRepository(scope: ApiObjectScope, url: string): void {
    const chart = Chart.of(scope);
    const id = `argocd-repo-${url.replace(/[^a-z0-9]+/g, '-')}`;
    if (chart.node.tryFindChild(id)) return;
    new ApiObject(chart, id, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: id.slice(0, 63).replace(/-+$/, ''),
        namespace: this.namespace,
        labels: { ...componentLabels('gitops'), 'argocd.argoproj.io/secret-type': 'repository' },
        annotations: { [ARGOCD_SYNC_WAVE]: '-20' },
      },
      type: 'Opaque',
      stringData: { type: 'helm', name: id, url, enableOCI: 'true' },
    });
  }
}
