// Shared by the check tests: break the valid target in one place, check it, read the findings.
import { AdmissionCheck, AdmissionProblem, assertAdmitted, checkAdmission } from '../src';
import { DEFAULT_PARAMS, TargetParams, validTarget } from './fixtures/target';

export type Target = ReturnType<typeof validTarget>;

/** Plain JSON a test reaches into. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** A valid target with one change. */
export function broken(mutate: (t: Target) => void, params: TargetParams = DEFAULT_PARAMS): Target {
  const t = validTarget(params);
  mutate(t);
  return t;
}

/** The problems one check finds in a target. */
export function problems(t: Target, check: AdmissionCheck): AdmissionProblem[] {
  return checkAdmission(t).problems.filter((p) => p.check === check);
}

/** The error synth would raise for a target (its message), or '' when it is admitted. */
export function refusal(t: Target): string {
  try {
    assertAdmitted('target', checkAdmission(t));
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

/** The first container of the inference Deployment. */
export function server(t: Target): Loose {
  return (t.objects.find((o) => o.kind === 'Deployment') as Loose).spec.template.spec.containers[0];
}

/** The inference Deployment's pod spec. */
export function serverPod(t: Target): Loose {
  return (t.objects.find((o) => o.kind === 'Deployment') as Loose).spec.template.spec;
}
