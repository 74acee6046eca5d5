import { AireadyValidationError, CHARTS } from '@aiready/core';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { ownedNamespace } from '../private/namespace';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import type { PlatformComponent } from '../platform/platform-component';

/** Props of `Keda`. */
export interface KedaProps {
  /**
   * Namespace of KEDA.
   * @default 'keda'
   */
  readonly namespace?: string;
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

/**
 * KEDA (chart from the version lock), with its CRDs. KEDA registers the external metrics API, so it
 * cannot run next to another external-metrics adapter.
 */
export class Keda extends Construct {
  public readonly namespace: string;
  public readonly release: HelmRelease;
  public readonly namespaceObject: ApiObject;

  constructor(scope: Construct, id: string, props: KedaProps = {}) {
    super(scope, id);
    this.namespace = props.namespace ?? CHARTS.keda.namespace;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.namespace)) {
      throw new AireadyValidationError(this.node.path, [
        { path: 'namespace', value: this.namespace, problem: 'not a namespace name', fix: "use e.g. 'keda'" },
      ]);
    }
    this.namespaceObject = ownedNamespace(this, this.namespace, 'keda', 'baseline');
    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.keda,
      component: 'keda',
      namespace: this.namespace,
      values: { crds: { install: true } },
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.of(this),
    });
  }
}

/** KEDA in the platform. */
export const KEDA_COMPONENT: PlatformComponent<Keda> = {
  id: 'keda',
  build: ({ scope, plan }) => (plan.components.keda ? new Keda(scope, 'keda', { values: plan.values.keda }) : undefined),
};
