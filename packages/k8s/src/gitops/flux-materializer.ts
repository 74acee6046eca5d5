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
import { Values } from '../private/merge';
import { checkInstallOrder, planReleaseOrder } from '../release/apply-order';
import type { ReleaseSpec } from '../release/helm-release';
import { KustomizationSpec, kustomizePatches } from '../release/kustomize-release';
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

/** Values Flux merges into a release from a Secret (`valuesFrom`), so no credential is in Git. */
export interface FluxSecretValues {
  /** The Secret, in the namespace of the Flux objects (`flux-system` by default). */
  readonly secretName: string;
  /**
   * The key in the Secret.
   * @default 'values.yaml' (a values document, merged at the top)
   */
  readonly valuesKey?: string;
  /**
   * Where the key's value goes in the release's values, in Helm `--set` notation
   * (`grafana.adminPassword`); the key then holds that one value.
   * @default - the key holds a values document merged at the top
   */
  readonly targetPath?: string;
  /**
   * Install even while the Secret is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** Options of the Flux materialiser. */
export interface FluxMaterializerOptions {
  /**
   * Where the synthesized target sits in the Git repository Flux reconciles, relative to its root
   * (`./clusters/prod/ai-platform`): `aiready synth` writes `manifests/` into it, and each install stage
   * is a Flux Kustomization of `<path>/manifests/<stage>`.
   */
  readonly path: string;
  /**
   * Namespace of the Flux objects aiready writes (sources, HelmReleases, Kustomizations).
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * The GitRepository holding `path`.
   * @default - `flux-system` in namespace `flux-system`, the one `flux bootstrap` creates
   */
  readonly gitRepository?: FluxObjectRef;
  /**
   * Prefix of the stage Kustomizations' names (`aiready-namespaces`, `aiready-releases`...).
   * @default 'aiready'
   */
  readonly name?: string;
  /**
   * How often HelmReleases and Kustomizations reconcile; drift is corrected at this rate.
   * @default '10m'
   */
  readonly interval?: string;
  /**
   * How often sources are checked; versions are pinned, so this only notices a moved tag.
   * @default '1h'
   */
  readonly sourceInterval?: string;
  /**
   * Time for one Helm action (hook Jobs included) and for a stage to become ready.
   * @default '10m'
   */
  readonly timeout?: string;
  /**
   * Failed installs and upgrades are retried this often, remediated in between (uninstall after a
   * failed install, rollback after a failed upgrade).
   * @default 3
   */
  readonly retries?: number;
  /**
   * Values from Secrets, by release name: how credentials reach a chart under Flux.
   * @default - none
   */
  readonly valuesFrom?: Readonly<Record<string, readonly FluxSecretValues[]>>;
}

/** What the Flux layout needs to write the stage Kustomizations. */
export interface FluxLayoutOptions {
  readonly namespace: string;
  readonly gitRepository: Required<FluxObjectRef>;
  readonly path: string;
  readonly name: string;
  readonly interval: string;
  readonly timeout: string;
}

const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// The patterns helm-controller's CRD enforces on valuesFrom.
const VALUES_KEY = /^[-._a-zA-Z0-9]+$/;
const TARGET_PATH = /^([a-zA-Z0-9_\-.\\/]|\[[0-9]{1,5}\])+$/;

/** Splits a Helm `--set` path (`a.b[0].c`, `a\.b` for a dotted key) into keys and indexes. */
export function splitTargetPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  let key = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && i + 1 < path.length) key += path[++i];
    else if (c === '.') {
      if (key) out.push(key);
      key = '';
    } else if (c === '[') {
      if (key) out.push(key);
      key = '';
      const end = path.indexOf(']', i);
      out.push(Number(path.slice(i + 1, end)));
      i = end;
    } else key += c;
  }
  if (key) out.push(key);
  return out;
}

function hasPath(values: Values, path: string): boolean {
  let v: unknown = values;
  for (const k of splitTargetPath(path)) {
    if (typeof v !== 'object' || v === null || !(k in (v as object))) return false;
    v = (v as Record<string | number, unknown>)[k];
  }
  return true;
}

/** Problems in the options, all at once. */
function optionProblems(o: FluxMaterializerOptions): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if (typeof o.path !== 'string' || normalizeGitPath(o.path) === undefined) {
    problems.push({
      path: 'path',
      value: o.path,
      problem: 'is not a folder inside the Git repository Flux reconciles',
      fix: "give the folder of the synthesized target relative to the repository root, e.g. './clusters/prod/ai-platform'",
    });
  }
  for (const [key, value] of [
    ['namespace', o.namespace],
    ['gitRepository.namespace', o.gitRepository?.namespace],
    ['name', o.name],
  ] as const) {
    if (value !== undefined && !DNS_LABEL.test(value))
      problems.push({
        path: key,
        value,
        problem: 'is not a DNS-1123 label',
        fix: "use lower-case letters, digits and '-', e.g. 'flux-system'",
      });
  }
  if (o.gitRepository && !DNS_SUBDOMAIN.test(o.gitRepository.name)) {
    problems.push({
      path: 'gitRepository.name',
      value: o.gitRepository.name,
      problem: 'is not a valid object name',
      fix: "name the GitRepository Flux reconciles, e.g. 'flux-system'",
    });
  }
  for (const [key, value] of [
    ['interval', o.interval],
    ['sourceInterval', o.sourceInterval],
    ['timeout', o.timeout],
  ] as const) {
    if (value !== undefined && !DURATION.test(value))
      problems.push({ path: key, value, problem: 'is not a Go duration', fix: "write it like '10m', '1h' or '90s'" });
  }
  if (o.retries !== undefined && (!Number.isInteger(o.retries) || o.retries < 0))
    problems.push({
      path: 'retries',
      value: o.retries,
      problem: 'is not a whole number of retries',
      fix: 'use 0 or more, e.g. 3',
    });
  for (const [release, refs] of Object.entries(o.valuesFrom ?? {})) {
    refs.forEach((ref, i) => {
      const at = `valuesFrom["${release}"][${i}]`;
      if (!DNS_SUBDOMAIN.test(ref.secretName ?? ''))
        problems.push({
          path: `${at}.secretName`,
          value: ref.secretName,
          problem: 'is not a Secret name',
          fix: "name the Secret, e.g. 'grafana-admin'",
        });
      if (ref.valuesKey !== undefined && !VALUES_KEY.test(ref.valuesKey))
        problems.push({
          path: `${at}.valuesKey`,
          value: ref.valuesKey,
          problem: 'is not a Secret key',
          fix: "use letters, digits, '-', '_' and '.', e.g. 'admin-password'",
        });
      if (ref.targetPath !== undefined && !TARGET_PATH.test(ref.targetPath))
        problems.push({
          path: `${at}.targetPath`,
          value: ref.targetPath,
          problem: 'is not a values path Flux accepts',
          fix: "write it in Helm --set notation, e.g. 'grafana.adminPassword' or 'env[0].value'",
        });
    });
  }
  return problems;
}

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
    const problems = optionProblems(options);
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
      if (ref.targetPath !== undefined && hasPath(release.values, ref.targetPath)) {
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
