// Fuzzing the two ways in: never a crash, never invalid output. `pnpm fuzz` runs 10,000 of each
// (FUZZ_RUNS); the unit suite 100 of each. The seed is fixed, so a failure reproduces.
import * as fc from 'fast-check';
import { FUZZ_SEED, Outcome, platformSpec, stackYaml, synthesize, synthesizeStack } from './platform-fuzz';

/** Counts outcomes: synthesized, refused while planning, refused by offline admission. */
function tally(outcomes: Record<string, number>, outcome: Outcome): void {
  const key = 'synthesized' in outcome ? 'synthesized' : `refused at ${outcome.at}`;
  outcomes[key] = (outcomes[key] ?? 0) + 1;
}

// The unit suite runs 200 inputs in all (100 of each way in, about a third synthesizing, the rest refused:
// both paths of every change are exercised, in a few seconds); `pnpm fuzz` sets FUZZ_RUNS=10000 per way.
// The seed is fixed, so these are the first 100 inputs of `pnpm fuzz`'s 10,000.
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** A hang fails the run: far more than the ~30 ms an input takes on average. */
const TIMEOUT = 60_000 + RUNS * 250;

/** Shrunk counterexamples the fuzzing (and the probing before it) found; each crashed or was refused wrongly. */
const REGRESSIONS: [string, unknown, 'synthesized' | 'refused'][] = [
  [
    'monitoring on a pool whose instance types have no catalogue price (its own rule check refused it)',
    {
      clusterName: 'ml',
      region: 'us-east-1',
      pools: [{ name: 'a100', instanceTypes: ['g5.2xlarge'], maxNodes: 1 }],
      monitoring: true,
    },
    'synthesized',
  ],
  [
    'a MIG layout on a pool whose instance type has a typo (TypeError before the did-you-mean)',
    {
      clusterName: 'ml',
      pools: [{ name: 'h100', instanceTypes: ['p5.48xlarg'], sharing: { mode: 'mig', layout: 'all-balanced' } }],
    },
    'refused',
  ],
  [
    'a pool named constructor (cdk8s could not serialize the device plugin ConfigMap)',
    {
      clusterName: 'ml',
      pools: [{ name: 'constructor', instanceTypes: ['g6.xlarge'], sharing: { mode: 'time-slicing', replicas: 2 } }],
    },
    'refused',
  ],
  [
    'a raw values key named constructor (serializer crash)',
    { clusterName: 'ml', pools: [{ name: 'l4', instanceTypes: ['g6.xlarge'] }], values: { gpuOperator: { constructor: 1 } } },
    'refused',
  ],
  ['null props (TypeError reading labels)', null, 'refused'],
  [
    'a hole in a list (forEach skipped it, then a TypeError)',
    // eslint-disable-next-line no-sparse-arrays
    { clusterName: 'ml', pools: [{ name: 'l4', instanceTypes: [, 'g6.xlarge'] }] },
    'refused',
  ],
  [
    'taints given as a string (taints.forEach is not a function, on a lone pool)',
    { clusterName: 'ml', pools: [{ name: 'l4', instanceTypes: ['g6.xlarge'], taints: 'a=b:NoSchedule' }] },
    'refused',
  ],
];

describe('fuzz regressions', () => {
  test.each(REGRESSIONS)('%s', (_what, spec, expected) => {
    // GIVEN a counterexample WHEN synthesized THEN the outcome is the right one, never an exception
    const outcome = synthesize(spec);
    expect('synthesized' in outcome ? 'synthesized' : 'refused').toBe(expected);
  });

  test('a stack config key named toString is an unknown key, not a TypeError', () => {
    const outcome = synthesizeStack('config:\n  aws:region: us-east-1\n  ai-platform:toString: 1\n');
    expect('refused' in outcome && outcome.refused.message).toMatch(/ai-platform:toString .*not a known setting/);
  });
});

describe('fuzz', () => {
  test(
    `${RUNS} random platform specs synthesize valid, admitted output or are refused with AireadyValidationError`,
    () => {
      const outcomes: Record<string, number> = { synthesized: 0 };
      fc.assert(
        fc.property(platformSpec, (spec) => tally(outcomes, synthesize(spec))),
        { seed: FUZZ_SEED, numRuns: RUNS },
      );
      process.stdout.write(`fuzz: platform specs ${JSON.stringify(outcomes)}\n`);
      // The generator must reach synthesis often, or the property says little about valid output.
      expect(outcomes.synthesized).toBeGreaterThan(RUNS / 50);
    },
    TIMEOUT,
  );

  test(
    `${RUNS} random stack configs are read and synthesized, or refused with AireadyValidationError`,
    () => {
      const outcomes: Record<string, number> = { synthesized: 0 };
      fc.assert(
        fc.property(stackYaml, (text) => tally(outcomes, synthesizeStack(text))),
        { seed: FUZZ_SEED + 1, numRuns: RUNS },
      );
      process.stdout.write(`fuzz: stack configs ${JSON.stringify(outcomes)}\n`);
      expect(outcomes.synthesized).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});
