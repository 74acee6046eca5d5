import { AireadyValidationError, ChartPin } from '@aiready/core';
import { Construct, IConstruct } from 'constructs';
import { deepMerge, sortKeysDeep, Values } from '../private/merge';
import { credentialValueProblems } from './secret-values';
import { chartValuesProblems, pinnedChartValues } from './chart-values';
import type { ReleaseMaterializer } from './release-materializer';

/**
 * A Helm release as typed data: which chart, from where, at which pinned version, into which
 * namespace, with which values. Materialisers turn it into something that installs it: an Argo CD
 * `Application` at synth, or a Pulumi `helm.v3.Release` at deploy.
 */
export interface ReleaseSpec {
  readonly releaseName: string;
  /** The aiready component the release belongs to (`gpu-operator`). */
  readonly component: string;
  readonly chart: string;
  /** `https://...` or `oci://...` (without the chart name). */
  readonly repository: string;
  readonly version: string;
  readonly namespace: string;
  /** Values, fully merged (typed props first, raw overrides last), keys sorted. */
  readonly values: Values;
  /** The chart installs CRDs that native objects of the platform use; install it before them. */
  readonly ownsCrds: boolean;
  /** The chart needs its Helm hooks to work (see the version lock); never materialise it without them. */
  readonly needsHooks: boolean;
  /** Install order among releases: lower first. CRD owners get a lower wave. */
  readonly wave: number;
  /** Names of releases or kustomizations that must be installed before this one (beyond waves). */
  readonly after: readonly string[];
  /**
   * Leave out the chart's `crds/` folder (`helm --skip-crds`, Argo CD `helm.skipCrds`), because another
   * release installs the same CRDs.
   */
  readonly skipCrds: boolean;
}

/** Props of `HelmRelease`: the pinned chart, its values and how the release is installed. */
export interface HelmReleaseProps {
  /** The pinned chart, from the version lock. */
  readonly pin: ChartPin;
  /** The aiready component the release belongs to. */
  readonly component: string;
  /** How the release is installed. */
  readonly materializer: ReleaseMaterializer;
  /**
   * Helm release name.
   * @default - the chart name
   */
  readonly releaseName?: string;
  /**
   * Namespace to install into.
   * @default - the component's namespace convention from the version lock
   */
  readonly namespace?: string;
  /** Values built from the component's typed props. */
  readonly values: Values;
  /**
   * Raw values deep-merged last: the escape hatch for chart settings aiready does not model.
   * @default - none
   */
  readonly overrides?: Values;
  /**
   * Install order among releases: lower first.
   * @default - -1 for charts that own CRDs and wait for nothing, 0 otherwise (a release installed
   * after others syncs a wave later than the CRD owners it may wait for)
   */
  readonly wave?: number;
  /**
   * Releases or kustomizations (by name) to install before this one, e.g. the one providing its CRDs.
   * @default - none
   */
  readonly after?: readonly string[];
  /**
   * Leave out the chart's `crds/` folder because another release installs those CRDs (karpenter's
   * CRDs come from the karpenter-crd release). Two releases applying the same CRD fight over it, and
   * deleting either deletes the CRD and every object of its kind.
   * @default false
   */
  readonly skipCrds?: boolean;
}

const RELEASE_SYMBOL = Symbol.for('@aiready/k8s.HelmRelease');

/**
 * A Helm release inside a cdk8s tree. It emits nothing itself: the {@link ReleaseMaterializer} of
 * the enclosing platform decides how the release is installed, and Pulumi's `PlatformDeployment`
 * reads every release with {@link HelmRelease.all}.
 */
export class HelmRelease extends Construct {
  /** Every release under `scope`, in a stable order (by wave, then name). */
  public static all(scope: IConstruct): HelmRelease[] {
    return scope.node
      .findAll()
      .filter(HelmRelease.isHelmRelease)
      .sort((a, b) => a.spec.wave - b.spec.wave || a.spec.releaseName.localeCompare(b.spec.releaseName));
  }

  /** True when `x` is a `HelmRelease` (also across copies of this package). */
  public static isHelmRelease(x: unknown): x is HelmRelease {
    return typeof x === 'object' && x !== null && RELEASE_SYMBOL in x;
  }

  public readonly spec: ReleaseSpec;

  constructor(scope: Construct, id: string, props: HelmReleaseProps) {
    super(scope, id);
    Object.defineProperty(this, RELEASE_SYMBOL, { value: true });
    const { pin } = props;
    this.spec = {
      releaseName: props.releaseName ?? pin.chart,
      component: props.component,
      chart: pin.chart,
      repository: pin.repository,
      version: pin.version,
      namespace: props.namespace ?? pin.namespace,
      values: sortKeysDeep(deepMerge(props.values, props.overrides)),
      ownsCrds: pin.ownsCrds,
      needsHooks: pin.hooks.essential,
      wave: props.wave ?? (pin.ownsCrds && !props.after?.length ? -1 : 0),
      after: [...(props.after ?? [])],
      skipCrds: props.skipCrds ?? false,
    };
    // Helm ignores keys a chart does not read: check every key against the pinned chart's values.
    const chartValues = pinnedChartValues(pin.chart, pin.version);
    const problems = chartValues ? chartValuesProblems(chartValues, this.spec.values) : [];
    // Values end up in Git (an Argo CD Application) or in the Pulumi plan and state that synth writes
    // for review: a literal credential among the raw values would be committed. (Flux refuses them
    // itself, with its valuesFrom fix.)
    if (props.materializer.kind !== 'flux') {
      problems.push(
        ...credentialValueProblems(
          this.spec.releaseName,
          props.overrides ?? {},
          (path) =>
            `keep the credential in a Secret and point the chart at it (most charts have an existingSecret key next to ${path}); never a literal in the values`,
        ),
      );
    }
    if (problems.length) throw new AireadyValidationError(`${this.node.path} (release ${this.spec.releaseName})`, problems);
    props.materializer.materialize(this, this.spec);
  }
}
