// Shared by the check tests: break the valid target in one place, check it, read the findings.
import { AdmissionCheck, AdmissionProblem, assertAdmitted, checkAdmission } from '../src';
import { DEFAULT_PARAMS, TargetParams, validTarget } from './fixtures/target';

export type Target = ReturnType<typeof validTarget>;

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
export function server(t: Target): Record<string, any> {
  return (t.objects.find((o) => o.kind === 'Deployment') as any).spec.template.spec.containers[0];
}

/** The inference Deployment's pod spec. */
export function serverPod(t: Target): Record<string, any> {
  return (t.objects.find((o) => o.kind === 'Deployment') as any).spec.template.spec;
}
