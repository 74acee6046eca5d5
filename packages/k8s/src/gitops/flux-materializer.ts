// Flux as the engine that installs a platform's releases: a HelmRelease per Helm release with its
// source, a GitRepository plus Kustomization per kustomize base. The install order is the one Argo CD
// sync waves give (apply-order.ts); the Flux layout (output/flux-layout.ts) turns it into stages.
import {
  AireadyValidationError,
  CREATES_NAMESPACE_ANNOTATION,
  INSTALL_WAVE_ANNOTATION,
  nearest,
  ValidationProblem,
} from '@aiready/core';
import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { componentLabels } from '../private/metadata';
import { checkInstallOrder, planReleaseOrder } from '../release/apply-order';
import type { ReleaseSpec } from '../release/helm-release';
import { KustomizationSpec, kustomizePatches } from '../release/kustomize-release';
import type { SecretPrerequisite } from '../monitoring/kube-prometheus-stack';
import type { ReleaseMaterializer } from '../release/release-materializer';
import { credentialValueProblems } from '../release/secret-values';
import {
  FluxGitRepository,
  FluxHelmRelease,
  FluxHelmRepository,
  FluxKustomization,
  FluxObjectRef,
  FluxOciRepository,
  FluxValuesReference,
} from './flux-objects';
import { fluxChartSource, normalizeGitPath, sourceName } from './flux-plan';
import { FluxLayoutOptions, FluxMaterializerOptions, fluxOptionProblems, FluxSecretValues, hasValuesPath } from './flux-options';

/**
 * Installs releases with Flux: per Helm release a `HelmRelease` (values inline, chart version pinned,
 * CRDs created and replaced on upgrade like Argo CD applies them, remediation with retries, drift
 * detection on) with its source, an `OCIRepository` per OCI chart or a `HelmRepository` per HTTPS
 * repository, shared by the releases that use it; per kustomize base a `GitRepository` at the pinned
 * tag and a `Kustomization` with aiready's patches. Flux's helm-controller runs Helm hooks, so
 * hook-dependent charts (argo-workflows' CRD Job, kubeflow-trainer's runtimes) work as under Argo CD.
 *
 * The objects need the Flux layout (`layoutFlux`, which `aiready synth` applies): it puts them and the
 * platform's own objects in one folder per install wave, each a Kustomization that waits for the
 * previous wave's.
 */
export class FluxMaterializer implements ReleaseMaterializer {
  /** True for a Flux materialiser, across copies of this package. */
  public static isFluxMaterializer(x: unknown): x is FluxMaterializer {
    return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'flux' && 'layout' in x;
  }

  public readonly kind = 'flux' as const;
  public readonly layout: FluxLayoutOptions;
  private readonly sourceInterval: string;
  private readonly retries: number;
  private readonly valuesFrom: Readonly<Record<string, readonly FluxSecretValues[]>>;
  private readonly releases: ReleaseSpec[] = [];
  private readonly kustomizations: KustomizationSpec[] = [];
  private readonly checked = new WeakSet<Chart>();
  /** Source name → what it fetches (`url` or `url@tag`): one name, one source. */
  private readonly sourceNames = new Map<string, string>();

  constructor(options: FluxMaterializerOptions) {
    const problems = fluxOptionProblems(options);
    if (problems.length) throw new AireadyValidationError('ReleaseMaterializer.flux', problems);
    const namespace = options.namespace ?? 'flux-system';
    this.layout = {
      namespace,
      gitRepository: {
        name: options.gitRepository?.name ?? 'flux-system',
        namespace: options.gitRepository?.namespace ?? 'flux-system',
      },
      path: normalizeGitPath(options.path)!,
      name: options.name ?? 'aiready',
      interval: options.interval ?? '10m',
      timeout: options.timeout ?? '10m',
    };
    this.sourceInterval = options.sourceInterval ?? '1h';
    this.retries = options.retries ?? 3;
    this.valuesFrom = options.valuesFrom ?? {};
  }

  /** The Secrets `valuesFrom` reads (nothing in the platform creates them), for the summary. */
  public get secretPrerequisites(): SecretPrerequisite[] {
    const bySecret = new Map<string, { keys: Set<string>; releases: Set<string> }>();
    for (const [release, refs] of Object.entries(this.valuesFrom)) {
      for (const ref of refs.filter((r) => !r.optional)) {
        const entry = bySecret.get(ref.secretName) ?? { keys: new Set<string>(), releases: new Set<string>() };
        entry.keys.add(ref.valuesKey ?? 'values.yaml');
        entry.releases.add(release);
        bySecret.set(ref.secretName, entry);
      }
    }
    return [...bySecret.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, e]) => ({
        namespace: this.layout.namespace,
        name,
        keys: [...e.keys].sort(),
        purpose: `values of ${[...e.releases].sort().join(', ')} (Flux valuesFrom)`,
      }));
  }

  public materialize(scope: Construct, release: ReleaseSpec): void {
    const ns = this.layout.namespace;
    const refs = this.valuesFrom[release.releaseName] ?? [];
    const problems = this.releaseProblems(release, refs);
    if (problems.length) throw new AireadyValidationError(`${scope.node.path} (release ${release.releaseName})`, problems);
    this.watch(Chart.of(scope));
    this.releases.push(release);
    const source = fluxChartSource(release.repository)!;
    const chartSource =
      source === 'OCIRepository'
        ? { chartRef: { kind: source, name: this.ociRepository(scope, release) } }
        : {
            chart: {
              spec: {
                chart: release.chart,
                version: release.version,
                sourceRef: { kind: source, name: this.helmRepository(scope, release.repository) },
              },
            },
          };
    const crds = release.skipCrds ? 'Skip' : 'CreateReplace';
    new FluxHelmRelease(scope, 'HelmRelease', {
      metadata: {
        name: release.releaseName,
        namespace: ns,
        labels: componentLabels(release.component),
        annotations: { [INSTALL_WAVE_ANNOTATION]: String(release.wave) },
      },
      spec: {
        releaseName: release.releaseName,
        targetNamespace: release.namespace,
        // Helm's release records stay with the release, where `helm list -n <namespace>` finds them.
        storageNamespace: release.namespace,
        interval: this.layout.interval,
        timeout: this.layout.timeout,
        ...chartSource,
        install: { crds, remediation: { retries: this.retries } },
        upgrade: {
          crds,
          cleanupOnFail: true,
          remediation: { retries: this.retries, remediateLastFailure: true, strategy: 'rollback' },
        },
        driftDetection: { mode: 'enabled' },
        dependsOn: Lazy.any({ produce: () => this.dependsOn(release) }),
        ...(Object.keys(release.values).length ? { values: release.values } : {}),
        ...(refs.length ? { valuesFrom: refs.map(valuesReference) } : {}),
      },
    });
  }

  public materializeKustomization(scope: Construct, k: KustomizationSpec): void {
    this.watch(Chart.of(scope));
    this.kustomizations.push(k);
    const repository = this.gitRepository(scope, k);
    const patches = kustomizePatches(k);
    new FluxKustomization(scope, 'Kustomization', {
      metadata: {
        name: k.name,
        namespace: this.layout.namespace,
        labels: componentLabels(k.component),
        annotations: {
          [INSTALL_WAVE_ANNOTATION]: String(k.wave),
          ...(k.createsNamespace ? { [CREATES_NAMESPACE_ANNOTATION]: k.namespace } : {}),
        },
      },
      spec: {
        interval: this.layout.interval,
        retryInterval: '1m',
        timeout: this.layout.timeout,
        path: normalizeGitPath(k.path)!,
        prune: true,
        // Ready only once what the base applies is ready, as an Argo CD Application is healthy.
        wait: true,
        sourceRef: { kind: 'GitRepository', name: repository },
        ...(patches.length ? { patches: patches.map((p) => ({ patch: p.patch, target: p.target })) } : {}),
      },
    });
  }

  private releaseProblems(release: ReleaseSpec, refs: readonly FluxSecretValues[]): ValidationProblem[] {
    const problems: ValidationProblem[] = [];
    const source = fluxChartSource(release.repository);
    if (!source) {
      const plain = release.repository.startsWith('http://');
      problems.push({
        path: 'repository',
        value: release.repository,
        problem: plain
          ? 'is a plain-HTTP chart repository; aiready fetches charts over TLS only'
          : 'is not a repository Flux can fetch charts from: source-controller reads HTTPS Helm repositories (HelmRepository) and OCI registries (OCIRepository), not local folders, archives, S3/GCS buckets or git URLs',
        fix: plain
          ? `serve the repository over HTTPS (https://${release.repository.slice('http://'.length)})`
          : "publish the chart to an HTTPS Helm repository or an OCI registry ('oci://registry/path') and pin that",
      });
    }
    problems.push(
      ...credentialValueProblems(
        release.releaseName,
        release.values,
        (path) =>
          `put it in a Secret in namespace ${this.layout.namespace} and reference it with ReleaseMaterializer.flux({ valuesFrom: { '${release.releaseName}': [{ secretName: '<secret>', valuesKey: '<key>', targetPath: '${path}' }] } }) instead of the literal`,
      ),
    );
    refs.forEach((ref, i) => {
      if (ref.targetPath !== undefined && hasValuesPath(release.values, ref.targetPath)) {
        problems.push({
          path: `valuesFrom["${release.releaseName}"][${i}].targetPath`,
          value: ref.targetPath,
          problem: `the release's values set ${ref.targetPath} too, and Flux merges values over valuesFrom, so the Secret would be ignored`,
          fix: `drop ${ref.targetPath} from the release's values (overrides), or the valuesFrom entry`,
        });
      }
    });
    return problems;
  }

  /** Once per chart: the checks that need every release (install order, valuesFrom names). */
  private watch(chart: Chart): void {
    if (this.checked.has(chart)) return;
    this.checked.add(chart);
    chart.node.addValidation({
      validate: () => {
        checkInstallOrder(chart.node.path, this.releases, this.kustomizations);
        const names = this.releases.map((r) => r.releaseName);
        const unknown = Object.keys(this.valuesFrom).filter((n) => !names.includes(n));
        if (unknown.length) {
          throw new AireadyValidationError(
            'ReleaseMaterializer.flux',
            unknown.map((n) => ({
              path: `valuesFrom["${n}"]`,
              value: n,
              problem: 'names no Helm release of the platform, so these Secret values would reach nothing',
              fix: `use a release name: did you mean ${nearest(n, names, 1)[0] ?? names.join(', ')}?`,
            })),
          );
        }
        return [];
      },
    });
  }

  /** The HelmReleases this one waits for: CRD owners of its component and what it names in `after`. */
  private dependsOn(release: ReleaseSpec): FluxObjectRef[] | undefined {
    const helm = new Set(this.releases.map((r) => r.releaseName));
    const entry = planReleaseOrder(this.releases).find((e) => e.release === release);
    const names = [...new Set(entry?.after ?? [])].filter((n) => helm.has(n)).sort();
    return names.length ? names.map((name) => ({ name })) : undefined;
  }

  /** One HelmRepository per repository URL in the chart, shared by every release from it. */
  private helmRepository(scope: Construct, url: string): string {
    const chart = Chart.of(scope);
    const name = this.uniqueName(sourceName(url), url);
    const id = `flux-helmrepository-${name}`;
    if (!chart.node.tryFindChild(id)) {
      new FluxHelmRepository(chart, id, {
        metadata: { name, namespace: this.layout.namespace, labels: componentLabels('gitops') },
        spec: { url, interval: this.sourceInterval },
      });
    }
    return name;
  }

  /** One OCIRepository per chart and version (an OCI artifact is one chart), shared by its releases. */
  private ociRepository(scope: Construct, release: ReleaseSpec): string {
    const chart = Chart.of(scope);
    const url = `${release.repository.replace(/\/+$/, '')}/${release.chart}`;
    const name = this.uniqueName(release.chart, `${url}@${release.version}`);
    const id = `flux-ocirepository-${name}`;
    if (!chart.node.tryFindChild(id)) {
      new FluxOciRepository(chart, id, {
        metadata: { name, namespace: this.layout.namespace, labels: componentLabels('gitops') },
        spec: {
          url,
          ref: { tag: release.version },
          // The chart archive as published, so Helm gets the .tgz it would pull itself.
          layerSelector: { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', operation: 'copy' },
          interval: this.sourceInterval,
        },
      });
    }
    return name;
  }

  private uniqueName(base: string, key: string): string {
    const name = numbered(this.sourceNames, base, key);
    this.sourceNames.set(name, key);
    return name;
  }

  /** One GitRepository per repository and tag, shared by the bases from it. */
  private gitRepository(scope: Construct, k: KustomizationSpec): string {
    const chart = Chart.of(scope);
    const name = this.uniqueName(sourceName(k.repository), `${k.repository}@${k.ref}`);
    const id = `flux-gitrepository-${name}`;
    if (!chart.node.tryFindChild(id)) {
      new FluxGitRepository(chart, id, {
        metadata: { name, namespace: this.layout.namespace, labels: componentLabels(k.component) },
        spec: { url: k.repository, ref: { tag: k.ref }, interval: this.sourceInterval },
      });
    }
    return name;
  }
}

/** `base`, or `base-2`, `base-3`... when another source already has that name. */
function numbered(taken: ReadonlyMap<string, string>, base: string, key: string): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base.slice(0, 60)}-${i}`;
    const holder = taken.get(name);
    if (holder === undefined || holder === key) return name;
  }
}

function valuesReference(ref: FluxSecretValues): FluxValuesReference {
  return {
    kind: 'Secret',
    name: ref.secretName,
    ...(ref.valuesKey !== undefined ? { valuesKey: ref.valuesKey } : {}),
    ...(ref.targetPath !== undefined ? { targetPath: ref.targetPath } : {}),
    ...(ref.optional ? { optional: true } : {}),
  };
}
