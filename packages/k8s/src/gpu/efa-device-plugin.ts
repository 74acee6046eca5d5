import { AireadyValidationError, CHARTS, GpuPool, tolerationOverrideProblem, tolerationsFor } from '@aiready/core';
import { Construct } from 'constructs';
import { Values } from '../private/merge';
import { HelmRelease } from '../release/helm-release';
import { ReleaseMaterializer } from '../release/release-materializer';
import type { PlatformComponent } from '../platform/platform-component';

/** Props of `EfaDevicePlugin`. */
export interface EfaDevicePluginProps {
  /** The pools whose nodes have EFA interfaces; the plugin tolerates their taints. */
  readonly pools: readonly GpuPool[];
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

/** The chart values of the EFA device plugin for `pools`: tolerate every taint of the EFA pools. */
export function efaDevicePluginValues(pools: readonly GpuPool[]): Values {
  const efa = pools.filter((p) => p.efaInterfaces > 0);
  // The chart tolerates nothing of its own (beyond CriticalAddonsOnly) and would never reach a
  // tainted GPU node; its node affinity already limits it to EFA instance types.
  return { tolerations: tolerationsFor(efa.flatMap((p) => p.taints)).map((t) => ({ ...t })) };
}

/**
 * The AWS EFA device plugin (chart from the version lock, in kube-system): it advertises the
 * `vpc.amazonaws.com/efa` devices of EFA nodes, without which a pod asking for them never schedules.
 * `AiPlatform` installs it when a pool has EFA.
 */
export class EfaDevicePlugin extends Construct {
  public readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: EfaDevicePluginProps) {
    super(scope, id);
    const efaPools = props.pools.filter((p) => p.efaInterfaces > 0);
    const overridden = tolerationOverrideProblem(
      'values.tolerations',
      props.values?.tolerations,
      efaPools,
      'the EFA device plugin',
    );
    if (overridden) throw new AireadyValidationError(this.node.path, [overridden]);
    this.release = new HelmRelease(this, 'Release', {
      pin: CHARTS.efaDevicePlugin,
      component: 'efa-device-plugin',
      values: efaDevicePluginValues(props.pools),
      overrides: props.values,
      materializer: props.releaseMaterializer ?? ReleaseMaterializer.of(this),
    });
  }
}

/** The EFA device plugin in the platform, when a pool has EFA. */
export const EFA_DEVICE_PLUGIN_COMPONENT: PlatformComponent<EfaDevicePlugin> = {
  id: 'efa-device-plugin',
  build: ({ scope, plan }) =>
    plan.components.efaDevicePlugin
      ? new EfaDevicePlugin(scope, 'efa-device-plugin', { pools: plan.pools, values: plan.values.efaDevicePlugin })
      : undefined,
};
