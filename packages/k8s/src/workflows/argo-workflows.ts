import { AireadyValidationError, CHARTS } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';

/** Argo Server authentication modes. */
export type ArgoServerAuthMode = 'client' | 'server' | 'sso';

export interface ArgoWorkflowsProps {
  /**
   * Namespace of the controller and server.
   * @default 'argo'
   */
  readonly namespace?: string;
  /**
   * Argo Server authentication modes. `server` lets anyone who reaches the UI act as the server's
   * service account, so it is never a default.
   * @default ['client'] - a Kubernetes bearer token is required
   */
  readonly authModes?: readonly ArgoServerAuthMode[];
  /**
   * Maximum workflows the controller runs at once.
   * @default - unlimited (the chart default)
   */
  readonly parallelism?: number;
  /**
   * Raw chart values deep-merged last.
   * @default - none
   */
  readonly values?: Values;
  /**
   * How the Helm release is installed.
   * @default ReleaseMaterializer.argoCd()
   */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

const AUTH_MODES: readonly ArgoServerAuthMode[] = ['client', 'server', 'sso'];

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
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);

    this.namespace = props.namespace ?? CHARTS.argoWorkflows.namespace;
    this.namespaceObject = ownedNamespace(this, this.namespace, 'argo-workflows', 'baseline');
    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.argoWorkflows,
      component: 'argo-workflows',
      namespace: this.namespace,
      values: {
        crds: { install: true, full: true, keep: true },
        server: { enabled: true, authModes: [...authModes] },
        controller: {
          ...(props.parallelism === undefined ? {} : { parallelism: props.parallelism }),
          metricsConfig: { enabled: true },
        },
        // Artifact access goes through the pod's IAM identity, never static keys.
        useStaticCredentials: false,
      },
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.argoCd(),
    });
  }
}
