import { AireadyValidationError } from '@aiready/core';
import {
  AiPlatform,
  applyPhase,
  HelmRelease,
  KubeObject,
  KustomizeRelease,
  kustomizeUrl,
  planReleaseOrder,
  ReleasePlanEntry,
} from '@aiready/k8s';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

/** Arguments of `PlatformDeployment`. */
export interface PlatformDeploymentArgs {
  /** The platform to deploy, built with `releaseMaterializer: ReleaseMaterializer.external()`. */
  readonly platform: AiPlatform;
  /** Provider of the target cluster. */
  readonly provider: k8s.Provider;
  /**
   * Resources the platform needs before anything is applied (node groups, Pod Identity associations).
   * @default - none
   */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
  /**
   * Grafana's admin password (a Pulumi secret, e.g. `config.requireSecret('grafanaAdminPassword')`):
   * the Secret kube-prometheus-stack's Grafana reads is created from it before the chart installs.
   * @default - the Secret must already exist: `pulumi up` reads it first and stops, naming it, when it
   * does not (Grafana would never start, and the release would time out)
   */
  readonly grafanaAdminPassword?: pulumi.Input<string>;
}

// The release order is one rule for every engine (@aiready/k8s apply-order); re-exported for Pulumi users.
export { planReleaseOrder };
export type { ReleasePlanEntry };

/**
 * Splits the platform's native objects by {@link applyPhase}: namespaces go first, then the
 * configuration the charts read (ConfigMaps, StorageClass, RBAC, quotas, policies), then, after the
 * releases, custom resources and workloads. Objects in a namespace a kustomize base creates (network
 * policies in `kubeflow`) wait for the kustomizations instead.
 */
export function splitObjects(
  objects: readonly KubeObject[],
  kustomizeNamespaces: ReadonlySet<string> = new Set(),
): { namespaces: KubeObject[]; configuration: KubeObject[]; rest: KubeObject[]; afterKustomize: KubeObject[] } {
  const inKustomize = (o: KubeObject) => kustomizeNamespaces.has(o.metadata?.namespace ?? '');
  const outside = objects.filter((o) => o.kind === 'Namespace' || !inKustomize(o));
  return {
    namespaces: outside.filter((o) => applyPhase(o) === 'namespace'),
    configuration: outside.filter((o) => applyPhase(o) === 'configuration'),
    rest: outside.filter((o) => applyPhase(o) === 'after-releases'),
    afterKustomize: objects.filter((o) => o.kind !== 'Namespace' && inKustomize(o)),
  };
}

/**
 * Deploys an {@link AiPlatform} onto a cluster: namespaces first, then the configuration the charts
 * read, then every Helm release as a `helm.v3.Release` (hooks kept: argo-workflows installs its CRDs
 * through one), then the platform's own custom resources and workloads (NodePools, ServiceMonitors,
 * rules, jobs) in a `yaml.v2.ConfigGroup` once every release is in (and, on destroy, before any goes).
 */
export class PlatformDeployment extends pulumi.ComponentResource {
  public readonly releases: Record<string, k8s.helm.v3.Release>;
  public readonly kustomizations: Record<string, k8s.kustomize.v2.Directory>;
  public readonly namespaces: k8s.yaml.v2.ConfigGroup;
  /** ConfigMaps, Secrets, StorageClasses, RBAC, quotas and policies, applied before the releases. */
  public readonly configuration: k8s.yaml.v2.ConfigGroup;
  public readonly objects: k8s.yaml.v2.ConfigGroup;
  /** Pod Security labels on namespaces that kustomize bases create, by namespace. */
  public readonly namespacePatches: Record<string, k8s.core.v1.NamespacePatch>;
  /** Objects in namespaces that kustomize bases create, applied once the bases are in. */
  public readonly kustomizeObjects?: k8s.yaml.v2.ConfigGroup;

  constructor(name: string, args: PlatformDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aiready:platform:PlatformDeployment', name, {}, opts);
    const { platform } = args;
    if (platform.releaseMaterializer.kind !== 'external') {
      throw new AireadyValidationError(name, [
        {
          path: 'platform.releaseMaterializer',
          value: platform.releaseMaterializer.kind,
          problem: `the platform also emits ${platform.releaseMaterializer.kind === 'flux' ? 'Flux HelmReleases' : 'Argo CD Applications'}, so every chart would be installed twice`,
          fix: 'build the platform with releaseMaterializer: ReleaseMaterializer.external()',
        },
      ]);
    }
    const child = { parent: this, provider: args.provider };
    const kustomizations = KustomizeRelease.all(platform).map((k) => k.spec);
    const { namespaces, configuration, rest, afterKustomize } = splitObjects(
      platform.toJson() as KubeObject[],
      new Set(kustomizations.map((k) => k.namespace)),
    );
    this.namespaces = new k8s.yaml.v2.ConfigGroup(
      `${name}-namespaces`,
      { objs: namespaces },
      { ...child, dependsOn: args.dependsOn },
    );

    this.configuration = new k8s.yaml.v2.ConfigGroup(
      `${name}-configuration`,
      { objs: configuration },
      { ...child, dependsOn: [this.namespaces] },
    );

    // Kustomize bases (Kubeflow Pipelines) apply in their order: each waits for the one before it.
    this.kustomizations = {};
    this.namespacePatches = {};
    let previous: pulumi.Resource | undefined;
    for (const spec of kustomizations) {
      previous = this.kustomizations[spec.name] = new k8s.kustomize.v2.Directory(
        `${name}-${spec.name}`,
        { directory: kustomizeUrl(spec) },
        { ...child, dependsOn: [this.namespaces, ...(previous ? [previous] : [])] },
      );
      if (spec.namespaceLabels) {
        // The base creates the namespace; Pod Security labels go on it server-side, as a second field manager.
        this.namespacePatches[spec.namespace] = new k8s.core.v1.NamespacePatch(
          `${name}-${spec.namespace}-labels`,
          { metadata: { name: spec.namespace, labels: { ...spec.namespaceLabels } } },
          { ...child, dependsOn: [previous] },
        );
      }
    }
    // Grafana's admin Secret: created from the given password, else checked before the chart installs.
    const grafana = platform.prometheus?.secretPrerequisites.find((p) => p.keys.includes('admin-password'));
    let grafanaSecret: pulumi.Resource | undefined;
    if (grafana && args.grafanaAdminPassword !== undefined) {
      grafanaSecret = new k8s.core.v1.Secret(
        `${name}-grafana-admin`,
        {
          metadata: { name: grafana.name, namespace: grafana.namespace },
          stringData: { 'admin-user': 'admin', 'admin-password': pulumi.secret(args.grafanaAdminPassword) },
        },
        { ...child, dependsOn: [this.namespaces] },
      );
    } else if (grafana) {
      grafanaSecret = k8s.core.v1.Secret.get(`${name}-grafana-admin`, `${grafana.namespace}/${grafana.name}`, {
        ...child,
        dependsOn: [this.namespaces],
      });
    }
    this.releases = {};
    const releases = HelmRelease.all(platform).map((r) => r.spec);
    const installed = (n: string): pulumi.Resource => {
      const r = this.releases[n] ?? this.kustomizations[n];
      if (!r) throw new Error(`release ${n} is named as a dependency but is not part of the platform`);
      return r;
    };
    for (const { release, after } of planReleaseOrder(releases)) {
      const oci = release.repository.startsWith('oci://');
      this.releases[release.releaseName] = new k8s.helm.v3.Release(
        `${name}-${release.releaseName}`,
        {
          name: release.releaseName,
          chart: oci ? `${release.repository}/${release.chart}` : release.chart,
          ...(oci ? {} : { repositoryOpts: { repo: release.repository } }),
          version: release.version,
          namespace: release.namespace,
          createNamespace: false,
          values: release.values,
          ...(release.skipCrds ? { skipCrds: true } : {}),
          atomic: true,
          waitForJobs: true,
        },
        {
          ...child,
          dependsOn: [
            this.namespaces,
            this.configuration,
            ...after.map(installed),
            ...(grafanaSecret && release.releaseName === platform.prometheus?.releaseName ? [grafanaSecret] : []),
          ],
        },
      );
    }
    // Custom resources and workloads wait for every release: for their CRDs on the way up, and, on
    // `pulumi destroy`, so they are deleted while their controllers still run (Karpenter terminates
    // the nodes of a deleted NodePool; without it they would be left running).
    const allReleases = Object.values(this.releases);
    this.objects = new k8s.yaml.v2.ConfigGroup(
      `${name}-objects`,
      { objs: rest },
      { ...child, dependsOn: [this.namespaces, ...allReleases] },
    );
    if (afterKustomize.length) {
      this.kustomizeObjects = new k8s.yaml.v2.ConfigGroup(
        `${name}-kustomize-objects`,
        { objs: afterKustomize },
        { ...child, dependsOn: [...Object.values(this.kustomizations), ...allReleases] },
      );
    }
    this.registerOutputs({});
  }
}
