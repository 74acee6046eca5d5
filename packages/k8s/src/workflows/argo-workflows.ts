import {
  AireadyValidationError,
  ARGO_DEFAULT_ARTIFACT_REPOSITORY_ANNOTATION,
  ArgoServerAuthMode,
  ArgoWorkflowsSpec,
  CHARTS,
} from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import { containerSecurity } from '../workloads/pod-parts';
import type { PlatformComponent } from '../platform/platform-component';
import type { GpuMonitoring } from '../monitoring/gpu-monitoring';
import type { KubePrometheusStack } from '../monitoring/kube-prometheus-stack';
import type { KubeflowPipelines } from './kubeflow-pipelines';
import type { Team } from '../teams/team';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';

/** The user the argoexec image runs as (its Dockerfile's USER); the executor keeps it. */
export const ARGO_EXECUTOR_UID = 8737;

/** Props of `ArgoWorkflows`. */
export interface ArgoWorkflowsProps extends ArgoWorkflowsSpec {
  /**
   * Install the Argo CRDs. Turn off when something else owns them, as Kubeflow Pipelines does: two
   * writers of the same CRDs would keep overwriting each other.
   * @default true
   */
  readonly installCrds?: boolean;
  /**
   * Releases or kustomizations (by name) installed before this one, e.g. the one that owns the CRDs.
   * @default - none
   */
  readonly installAfter?: readonly string[];
  /**
   * A ServiceMonitor for the controller's metrics, with these Prometheus selector labels.
   * @default - none
   */
  readonly serviceMonitorLabels?: Readonly<Record<string, string>>;
  /**
   * Raw chart values deep-merged last.
   * @default - none
   */
  readonly values?: Values;
  /**
   * How the Helm release is installed.
   * @default - the enclosing platform's, else ReleaseMaterializer.argoCd()
   */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/** An S3 artifact repository as Argo Workflows reads it (controller config or `artifact-repositories`). */
export interface ArgoArtifactRepository {
  readonly archiveLogs: boolean;
  readonly s3: {
    readonly bucket: string;
    readonly endpoint: string;
    readonly region: string;
    readonly keyFormat: string;
    readonly useSDKCreds: true;
  };
}

const AUTH_MODES: readonly ArgoServerAuthMode[] = ['client', 'server', 'sso'];

/** Where a workflow's artifacts go in the bucket: under its namespace, the prefix its team's role may use. */
export const ARTIFACT_KEY_PREFIX = '{{workflow.namespace}}/';

/**
 * Argo Workflows (chart argo-workflows, v4 line, version from the version lock).
 *
 * v4 ships full CRDs that must be applied server-side; the chart installs them with a hook Job
 * (`crds.full`). Both materialisers keep hooks: Argo CD runs Helm hooks as sync hooks (and applies
 * server-side), and Pulumi's `helm.v3.Release` runs them.
 */
export class ArgoWorkflows extends Construct {
  public readonly namespace: string;
  public readonly release: HelmRelease;
  public readonly namespaceObject: ApiObject;
  /** The S3 artifact repository, when `artifacts` is given; teams reference it as their default. */
  public readonly artifactRepository?: ArgoArtifactRepository;
  /** The controller's instance ID: it handles only workflows and templates labelled with it. */
  public readonly instanceId?: string;

  constructor(scope: Construct, id: string, props: ArgoWorkflowsProps = {}) {
    super(scope, id);
    const authModes = props.authModes ?? ['client'];
    const problems = [];
    const bad = authModes.filter((m) => !AUTH_MODES.includes(m));
    if (authModes.length === 0 || bad.length) {
      problems.push({
        path: 'authModes',
        value: authModes,
        problem: 'needs one or more of the Argo Server auth modes',
        fix: "use a list of 'client', 'server' or 'sso', e.g. ['client']",
      });
    }
    if (props.parallelism !== undefined && (!Number.isInteger(props.parallelism) || props.parallelism < 1)) {
      problems.push({
        path: 'parallelism',
        value: props.parallelism,
        problem: 'must be a whole number of at least 1',
        fix: 'set parallelism to e.g. 20, or leave it unset',
      });
    }
    if (authModes.includes('sso') && !props.sso) {
      problems.push({
        path: 'sso',
        value: undefined,
        problem: "authModes includes 'sso' but no SSO is configured",
        fix: 'give sso: { issuer, redirectUrl, clientId, clientSecret } with Secret references',
      });
    }
    for (const key of ['clientId', 'clientSecret'] as const) {
      const ref = props.sso?.[key];
      if (props.sso && (typeof ref !== 'object' || !ref?.name || !ref?.key)) {
        problems.push({
          path: `sso.${key}`,
          value: typeof ref === 'string' ? '[a literal value, not shown]' : ref,
          problem: 'not a Secret reference; aiready never writes credentials into manifests',
          fix: "give { name: '<secret>', key: '<key>' }",
        });
      }
    }
    if (props.instanceId !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(props.instanceId)) {
      problems.push({ path: 'instanceId', value: props.instanceId, problem: 'not a label value', fix: "use e.g. 'platform'" });
    }
    // Each team's artifact role reaches only `<namespace>/` of the bucket (ArtifactStore).
    if (props.artifacts?.keyFormat !== undefined && !props.artifacts.keyFormat.startsWith(ARTIFACT_KEY_PREFIX)) {
      problems.push({
        path: 'artifacts.keyFormat',
        value: props.artifacts.keyFormat,
        problem: "must start with the workflow's namespace: each team may write only under its own prefix",
        fix: `start it with '${ARTIFACT_KEY_PREFIX}', e.g. '${ARTIFACT_KEY_PREFIX}{{workflow.name}}/{{pod.name}}'`,
      });
    }
    if (props.artifacts && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.artifacts.bucket)) {
      problems.push({
        path: 'artifacts.bucket',
        value: props.artifacts.bucket,
        problem: 'not an S3 bucket name',
        fix: "use e.g. 'ml-artifacts-prod'",
      });
    }
    (props.defaultTolerations ?? []).forEach((t, i) => {
      const bad =
        !['Exists', 'Equal'].includes(t?.operator) ||
        (t.effect !== undefined && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) ||
        (t.operator === 'Exists' && t.value !== undefined);
      if (bad) {
        problems.push({
          path: `defaultTolerations[${i}]`,
          value: t,
          problem: 'not a toleration',
          fix: "use { key, operator: 'Exists' | 'Equal', value (Equal only), effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }",
        });
      }
    });
    const retention = props.retention ?? { afterSuccess: 86400, afterFailure: 604800 };
    for (const key of ['afterSuccess', 'afterFailure'] as const) {
      const v = retention[key];
      if (!Number.isInteger(v) || v < 60) {
        problems.push({
          path: `retention.${key}`,
          value: v,
          problem: 'must be a whole number of seconds, at least 60',
          fix: 'e.g. 86400 for a day',
        });
      }
    }
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);

    if (props.artifacts) {
      this.artifactRepository = {
        archiveLogs: true,
        s3: {
          bucket: props.artifacts.bucket,
          endpoint: 's3.amazonaws.com',
          region: props.artifacts.region,
          keyFormat: props.artifacts.keyFormat ?? `${ARTIFACT_KEY_PREFIX}{{workflow.name}}/{{pod.name}}`,
          useSDKCreds: true,
        },
      };
    }
    this.instanceId = props.instanceId;
    this.namespace = props.namespace ?? CHARTS.argoWorkflows.namespace;
    this.namespaceObject = ownedNamespace(this, this.namespace, 'argo-workflows', 'baseline');
    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.argoWorkflows,
      component: 'argo-workflows',
      namespace: this.namespace,
      values: {
        crds: props.installCrds === false ? { install: false } : { install: true, full: true, keep: true },
        server: {
          enabled: true,
          authModes: [...authModes],
          ...(props.sso
            ? {
                sso: {
                  enabled: true,
                  issuer: props.sso.issuer,
                  redirectUrl: props.sso.redirectUrl,
                  clientId: { ...props.sso.clientId },
                  clientSecret: { ...props.sso.clientSecret },
                },
              }
            : {}),
        },
        controller: {
          ...(props.parallelism === undefined ? {} : { parallelism: props.parallelism }),
          metricsConfig: { enabled: true },
          ...(props.instanceId ? { instanceID: { enabled: true, explicitID: props.instanceId } } : {}),
          workflowDefaults: {
            spec: {
              ttlStrategy: { secondsAfterSuccess: retention.afterSuccess, secondsAfterFailure: retention.afterFailure },
              ...(props.defaultTolerations?.length ? { tolerations: props.defaultTolerations.map((t) => ({ ...t })) } : {}),
            },
          },
          ...(props.serviceMonitorLabels
            ? { serviceMonitor: { enabled: true, additionalLabels: { ...props.serviceMonitorLabels } } }
            : {}),
        },
        // Every workflow pod runs in a team namespace that enforces Pod Security restricted: the
        // executor's init and wait containers, and each step's main container unless its template
        // says otherwise, get a security context that passes it.
        executor: { securityContext: containerSecurity(false, ARGO_EXECUTOR_UID) },
        mainContainer: { securityContext: containerSecurity(false) },
        ...(props.namespaced ? { singleNamespace: true } : {}),
        ...(this.artifactRepository ? { artifactRepository: this.artifactRepository } : {}),
        // Artifact access goes through the pod's IAM identity, never static keys.
        useStaticCredentials: false,
      },
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.of(this),
      ...(props.installAfter ? { after: props.installAfter } : {}),
    });
  }
}

/** The key of the platform's artifact repository in a team's `artifact-repositories` ConfigMap. */
const ARGO_DEFAULT_REPOSITORY_KEY = 'default-v1';

/**
 * What Argo Workflows gives a team: the `workflow` service account its steps run as, allowed only to
 * report step results (Argo v4's executor writes WorkflowTaskResults), and the platform's artifact
 * repository as the namespace's default.
 */
export function argoTeamObjects(argo: ArgoWorkflows, team: Team): void {
  const ns = team.namespace;
  const labels = team.labels;
  new kplus.k8s.KubeServiceAccount(team, 'WorkflowAccount', { metadata: { name: 'workflow', namespace: ns, labels } });
  new kplus.k8s.KubeRole(team, 'WorkflowRole', {
    metadata: { name: 'workflow', namespace: ns, labels },
    rules: [{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }],
  });
  new kplus.k8s.KubeRoleBinding(team, 'WorkflowBinding', {
    metadata: { name: 'workflow', namespace: ns, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'workflow' },
    subjects: [{ kind: 'ServiceAccount', name: 'workflow', namespace: ns }],
  });
  if (argo.artifactRepository) {
    // Workflows in the namespace without an explicit artifactRepositoryRef use this one.
    new kplus.k8s.KubeConfigMap(team, 'ArtifactRepositories', {
      metadata: {
        name: 'artifact-repositories',
        namespace: ns,
        labels,
        annotations: { [ARGO_DEFAULT_ARTIFACT_REPOSITORY_ANNOTATION]: ARGO_DEFAULT_REPOSITORY_KEY },
      },
      data: { [ARGO_DEFAULT_REPOSITORY_KEY]: YAML.stringify(argo.artifactRepository) },
    });
  }
}

/** Argo Workflows in the platform (unless Kubeflow or none runs the teams' work). */
export const ARGO_WORKFLOWS_COMPONENT: PlatformComponent<ArgoWorkflows> = {
  id: 'argo-workflows',
  build: ({ scope, plan, built }) => {
    const argo = plan.components.argoWorkflows;
    if (!argo) return undefined;
    const monitoring = built<GpuMonitoring>('gpu-monitoring');
    const pipelines = built<KubeflowPipelines>('kubeflow-pipelines');
    // The controller's ServiceMonitor needs the Prometheus operator's CRDs; KFP's base owns the Argo CRDs.
    const prometheus = monitoring ? built<KubePrometheusStack>('prometheus') : undefined;
    const after = [
      ...(pipelines ? pipelines.kustomizations.filter((k) => k.spec.ownsCrds).map((k) => k.spec.name) : []),
      ...(prometheus ? [prometheus.releaseName] : []),
    ];
    return new ArgoWorkflows(scope, 'argo-workflows', {
      ...argo,
      ...(monitoring ? { serviceMonitorLabels: monitoring.selectorLabels } : {}),
      ...(after.length ? { installAfter: after } : {}),
      values: plan.values.argoWorkflows,
    });
  },
  team: (argo) => ({
    objects: (team) => argoTeamObjects(argo, team),
    workloads: argo.instanceId ? { argoInstanceId: argo.instanceId } : {},
  }),
};
