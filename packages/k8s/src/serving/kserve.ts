import { AireadyValidationError, CHARTS, KServeSpec, ValidationProblem } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import type { PlatformComponent } from '../platform/platform-component';

/** Props of `KServe`. */
export interface KServeProps extends KServeSpec {
  /** Raw values of the kserve-resources chart, deep-merged last. @default - none */
  readonly values?: Values;
  /** How the Helm releases are installed. @default - the enclosing platform's, else ReleaseMaterializer.argoCd() */
  readonly releaseMaterializer?: ReleaseMaterializer;
}

/**
 * KServe (charts from the version lock): the CRD chart installed first, then the controller in
 * `Standard` deployment mode by default. `GpuInferenceService` renders a KServe `InferenceService`
 * when the platform runs KServe.
 */
export class KServe extends Construct {
  public readonly crds: HelmRelease;
  public readonly release: HelmRelease;
  public readonly namespaceObject: ApiObject;

  constructor(scope: Construct, id: string, props: KServeProps) {
    super(scope, id);
    const mode = props.deploymentMode ?? 'Standard';
    const problems: ValidationProblem[] = [];
    if (!props.certManagerInstalled) {
      problems.push({
        path: 'certManagerInstalled',
        value: props.certManagerInstalled,
        problem: "KServe's webhooks need certificates from cert-manager, which aiready does not install",
        fix: 'install cert-manager, then set certManagerInstalled: true',
      });
    }
    if (mode !== 'Standard' && mode !== 'Knative') {
      problems.push({ path: 'deploymentMode', value: mode, problem: 'not a KServe deployment mode', fix: "use 'Standard'" });
    }
    if (mode === 'Knative' && !props.knativeInstalled) {
      problems.push({
        path: 'deploymentMode',
        value: mode,
        problem: 'serverless mode runs predictors on Knative Serving, which is not in the cluster',
        fix: "use deploymentMode 'Standard', or install Knative and set knativeInstalled: true",
      });
    }
    if (problems.length) throw new AireadyValidationError(this.node.path, problems);
    const materializer = props.releaseMaterializer ?? ReleaseMaterializer.of(this);
    this.namespaceObject = ownedNamespace(this, CHARTS.kserve.namespace, 'kserve', 'baseline');
    this.crds = new HelmRelease(this, 'Crds', { pin: CHARTS.kserveCrd, component: 'kserve', values: {}, materializer });
    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.kserve,
      component: 'kserve',
      values: { kserve: { controller: { deploymentMode: mode } } },
      overrides: props.values,
      wave: 0,
      materializer,
    });
  }
}

/** KServe in the platform: teams' inference services become InferenceServices. */
export const KSERVE_COMPONENT: PlatformComponent<KServe> = {
  id: 'kserve',
  build: ({ scope, plan }) =>
    plan.components.kserve ? new KServe(scope, 'kserve', { ...plan.components.kserve, values: plan.values.kserve }) : undefined,
  team: () => ({ workloads: { kserve: true } }),
};
