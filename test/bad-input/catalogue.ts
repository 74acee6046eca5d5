// Shared by the bad-input catalogue tests: a valid platform spec that uses most of the API, a way to
// break one field of it, and the assertion every bad input must meet.
import { AireadyValidationError, HIDDEN_VALUE, show } from '@aiready/core';

/** A path into a spec: keys and list indexes. */
export type Path = readonly (string | number)[];

/** Marks a field as left out (a missing required prop). */
export const MISSING = Symbol('missing');

/** A valid platform using most of the spec, as a plain-JavaScript user would write it. */
export const VALID_SPEC = {
  clusterName: 'ml',
  region: 'us-east-1',
  pools: [
    {
      name: 'h100',
      instanceTypes: ['p5.48xlarge'],
      purpose: 'training',
      zones: ['us-east-1a'],
      maxNodes: 4,
      sharing: { mode: 'mig', layout: 'all-balanced' },
      labels: { tier: 'gold' },
      taints: [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }],
      pricePerHour: { 'p5.48xlarge': 50 },
    },
    {
      name: 'l4',
      instanceTypes: ['g6.xlarge'],
      capacityType: 'spot',
      provisioner: 'managed-node-group',
      maxNodes: 4,
      sharing: { mode: 'time-slicing', replicas: 4 },
    },
    { name: 'l40s', instanceSelector: { gpuModels: ['l40s'], minGpus: 1 }, maxNodes: 2 },
  ],
  teams: [
    { name: 'research', gpuQuota: { h100: 8 }, editGroups: ['research'], computeQuota: { cpu: 64, memoryGiB: 256 } },
    { name: 'serving', gpuQuota: { l4: 2 }, viewGroups: ['sre'] },
  ],
  kueue: true,
  kubeflowTrainer: true,
  keda: true,
  gpuOperator: { gfd: true },
  clusterAutoscaler: { scaleDownGpuUtilizationThreshold: 0.4 },
  argoWorkflows: {
    artifacts: { bucket: 'ml-artifacts', region: 'us-east-1' },
    retention: { afterSuccess: 3600, afterFailure: 7200 },
  },
  monitoring: {
    dashboardPools: ['h100'],
    prometheus: {
      receivers: [{ name: 'oncall', slack: { apiUrl: { name: 'slack', key: 'url' }, channel: '#gpu' } }],
      routes: [{ receiver: 'oncall', severity: 'critical' }],
    },
  },
  values: { gpuOperator: { cdi: { enabled: true } } },
} as const;

/** `value` with the field at `path` replaced by `bad` (or removed, for MISSING). */
export function setIn(value: unknown, path: Path, bad: unknown): unknown {
  if (path.length === 0) return bad;
  const [key, ...rest] = path;
  const copy: Record<string | number, unknown> = Array.isArray(value) ? [...value] : { ...(value as object) };
  if (rest.length === 0 && bad === MISSING) {
    if (Array.isArray(copy)) copy.splice(key as number, 1);
    else delete copy[key];
  } else copy[key] = setIn((value as Record<string | number, unknown>)?.[key], rest, bad);
  return copy;
}

/** What a bad input must be refused with: the problem at `path`, showing `shown` and a fix matching `fix`. */
export interface Refusal {
  readonly path: string;
  /** The value the message shows (HIDDEN_VALUE for a secret). */
  readonly shown: unknown;
  readonly fix: RegExp;
}

/**
 * Runs `build` and checks it throws AireadyValidationError whose message names the field path, the
 * bad value (masked when it is a secret) and the fix.
 */
export function expectRefused(build: () => unknown, refusal: Refusal): AireadyValidationError {
  let thrown: unknown;
  try {
    build();
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof AireadyValidationError)) {
    throw new Error(`expected AireadyValidationError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  }
  const problem = thrown.problems.find((p) => p.path === refusal.path);
  if (!problem) throw new Error(`no problem at ${refusal.path}; got:\n${thrown.message}`);
  expect(thrown.message).toContain(`${refusal.path} = ${show(refusal.shown)}: `);
  expect(problem.fix).toMatch(refusal.fix);
  return thrown;
}

/** What a secret looks like in an error message. */
export const MASKED = HIDDEN_VALUE;
