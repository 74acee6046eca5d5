// Random platform specs and stack configs for the fuzz run (`pnpm fuzz`, 10,000 runs) and its short
// form in the unit suite (500 runs): each input either synthesizes objects that pass the schema check
// and offline admission, or is refused with AireadyValidationError. Anything else is a defect.
import { argoCdPrerequisites, assertAdmitted, checkAdmission, KubeObject } from '@aiready/admission';
import { AireadyValidationError, GPU_INSTANCE_TYPE_NAMES, PlatformSpec } from '@aiready/core';
import { AiPlatform, summarizePlatform } from '@aiready/k8s';
import { readPlatformConfig } from '@aiready/pulumi';
import { validateObjects } from '@aiready/validate';
import { App } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';

/** The seed of every fuzz run: a failure reproduces with the same seed and path. */
export const FUZZ_SEED = 18_2026;

/** Values a plain-JavaScript or YAML user may put anywhere by mistake. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, '', 'x', 'constructor', '__proto__', 'toString', 0, -1, 1.5, 1e9, true, false, [], {}),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -5, max: 100 }),
  fc.array(fc.constantFrom(null, 'x', 1, {}), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom('a', 'name', 'constructor', 'mode'), fc.constantFrom(null, 'x', 1, true), { maxKeys: 2 }),
);

/** `valid`, or junk one time in `1 + 12 / junkWeight` (never with junkWeight 0). */
const mostly = <T>(valid: fc.Arbitrary<T>, junkWeight: number): fc.Arbitrary<unknown> =>
  junkWeight === 0 ? valid : fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: junk, weight: junkWeight });

const CLEAN_POOL_NAMES = ['h100', 'l4', 'l40s', 'a100', 'inference'];
const ODD_POOL_NAMES = ['constructor', 'kube-system', 'cpu', 'H100', 'p'];
const CLEAN_TEAM_NAMES = ['research', 'serving', 'vision'];
const ODD_TEAM_NAMES = ['default', 'kube-system', 'argo', 'monitoring', 'constructor', 'Team A'];
const CLEAN_TYPES = ['g6.xlarge', 'g6e.xlarge', 'g5.2xlarge', 'p5.48xlarge', 'p4d.24xlarge', 'g6.12xlarge'];
const ODD_TYPES = ['g6.xlarg', 'p5.48xlarg', 'm5.large', 'trn1.32xlarge', ...GPU_INSTANCE_TYPE_NAMES];

/**
 * Random platform specs. `noise` 0 gives specs a careful user might write (most synthesize); higher
 * noise mixes in odd names, values of other regions, and junk of any type anywhere.
 */
export function platformSpecs(noise: number): fc.Arbitrary<Record<string, unknown>> {
  const pick = (clean: readonly string[], odd: readonly string[]) =>
    noise === 0
      ? fc.constantFrom(...clean)
      : fc.oneof({ arbitrary: fc.constantFrom(...clean), weight: 4 }, fc.constantFrom(...odd));
  const poolName = pick(CLEAN_POOL_NAMES, ODD_POOL_NAMES);
  const zone = pick(['us-east-1a', 'us-east-1b'], ['us-west-2a', 'eu-west-1a', 'east-1a', 'us-east-1d']);
  const instanceType = pick(CLEAN_TYPES, ODD_TYPES);
  const m = <T>(a: fc.Arbitrary<T>) => mostly(a, noise);
  const sharing = fc.oneof(
    fc.constant(undefined),
    fc.record({
      mode: fc.constant('mig'),
      layout: fc.constantFrom('all-balanced', 'all-1g.10gb', 'all-3g.40gb', { '1g.10gb': 7 }, 'all-7g'),
    }),
    fc.record({
      mode: fc.constantFrom('time-slicing', 'mps'),
      replicas: fc.integer({ min: noise ? -1 : 2, max: noise ? 80 : 8 }),
    }),
    fc.constant({ mode: 'none' }),
  );
  const pool = fc.record(
    {
      name: m(poolName),
      instanceTypes: m(fc.array(instanceType, { minLength: 1, maxLength: 2 })),
      purpose: m(fc.constantFrom('training', 'inference')),
      capacityType: m(fc.constantFrom('on-demand', 'spot')),
      provisioner: m(fc.constantFrom('karpenter', 'managed-node-group')),
      maxNodes: m(fc.integer({ min: noise ? 0 : 1, max: noise ? 700 : 8 })),
      zones: m(fc.array(zone, { minLength: 1, maxLength: noise ? 2 : 1 })),
      sharing: m(sharing),
      efa: m(fc.boolean()),
      labels: m(
        fc.dictionary(pick(['tier'], ['constructor', 'aiready.dev/pool', 'a b']), pick(['gold'], ['x y']), { maxKeys: 2 }),
      ),
      taints: m(
        fc.array(
          fc.record({ key: pick(['dedicated'], ['nvidia.com/gpu']), effect: pick(['NoSchedule', 'NoExecute'], ['Never']) }),
          { maxLength: 1 },
        ),
      ),
      pricePerHour: m(fc.dictionary(instanceType, fc.double({ min: noise ? -10 : 0.5, max: 100, noNaN: true }), { maxKeys: 1 })),
    },
    { requiredKeys: ['name', 'instanceTypes'] },
  );
  // Careful pools are coherent: sharing the GPUs allow, EFA and one zone on p-instances, prices of their own types.
  const carefulPool = fc
    .tuple(
      fc.constantFrom(
        { types: ['g6.xlarge'], sharing: [undefined, 'time-slicing', 'mps'], efa: false },
        { types: ['g6e.xlarge', 'g6e.2xlarge'], sharing: [undefined, 'time-slicing'], efa: false },
        { types: ['g5.2xlarge'], sharing: [undefined, 'mps'], efa: false },
        { types: ['p5.48xlarge'], sharing: [undefined, 'mig'], efa: true },
        { types: ['p4d.24xlarge'], sharing: [undefined, 'mig'], efa: true },
      ),
      poolName,
      fc.integer({ min: 2, max: 8 }),
      fc.constantFrom('training', 'inference'),
      fc.constantFrom('on-demand', 'spot'),
      // Managed node groups need the cloud plan for admission, which only a stack has.
      fc.constant('karpenter'),
      fc.integer({ min: 1, max: 6 }),
      fc.nat(),
      fc.boolean(),
    )
    .map(([t, name, replicas, purpose, capacityType, provisioner, maxNodes, which, priced]) => {
      const mode = t.sharing[which % t.sharing.length];
      return {
        name,
        instanceTypes: t.types,
        purpose,
        capacityType,
        provisioner,
        maxNodes,
        ...(t.efa ? { zones: ['us-east-1a'] } : {}),
        ...(mode === 'mig'
          ? { sharing: { mode, layout: 'all-balanced' }, efa: false }
          : mode
            ? { sharing: { mode, replicas } }
            : {}),
        ...(priced ? { pricePerHour: { [t.types[0]]: 1 + (which % 90) } } : {}),
      };
    });
  const team = fc.record(
    {
      name: m(pick(CLEAN_TEAM_NAMES, ODD_TEAM_NAMES)),
      gpuQuota: m(fc.dictionary(poolName, fc.integer({ min: noise ? -1 : 0, max: noise ? 64 : 2 }), { maxKeys: 2 })),
      editGroups: m(fc.array(fc.constantFrom('ml', 'sre'), { maxLength: 2 })),
      podSecurity: m(fc.constantFrom('restricted')),
      queue: m(noise ? fc.boolean() : fc.constant(true)),
    },
    { requiredKeys: ['name'] },
  );
  const uniqueBy = (key: string) => (v: unknown) =>
    typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : v;
  return fc.record(
    {
      clusterName: m(pick(['ml', 'ai-prod'], ['x'.repeat(50), 'ML'])),
      region: m(pick(['us-east-1'], ['us-west-2'])),
      pools: m(
        noise
          ? fc.array(pool, { minLength: 1, maxLength: 3 })
          : fc.uniqueArray(carefulPool, { minLength: 1, maxLength: 3, selector: uniqueBy('name') }),
      ),
      teams: m(noise ? fc.array(team, { maxLength: 3 }) : fc.uniqueArray(team, { maxLength: 2, selector: uniqueBy('name') })),
      kueue: m(fc.boolean()),
      keda: m(fc.boolean()),
      kubeflowTrainer: m(noise ? fc.boolean() : fc.constant(true)),
      workflows: m(fc.constantFrom('argo-workflows', 'kubeflow', 'none')),
      monitoring: m(noise ? fc.oneof(fc.boolean(), fc.constant({ dashboardPools: ['h100'] })) : fc.boolean()),
      kubernetesVersion: m(pick(['1.34', '1.35', '1.36'], ['1.30', '1.2'])),
      environment: m(fc.constantFrom('dev', 'prod')),
      clusterAutoscaler: m(fc.constantFrom(false, { scaleDownGpuUtilizationThreshold: 0.5 })),
      values: m(
        pick([{ gpuOperator: { cdi: { enabled: true } } }] as never, [{ efaDevicePlugin: { tolerations: [] } }] as never),
      ),
    },
    { requiredKeys: noise ? ['clusterName', 'pools'] : ['clusterName', 'pools', 'region'] },
  );
}

/** A random platform spec: half careful, half with odd values and junk. */
export const platformSpec: fc.Arbitrary<Record<string, unknown>> = fc.oneof(platformSpecs(0), platformSpecs(1));

/** Random `Pulumi.<stack>.yaml` texts: a platform spec under the project, plus cloud settings. */
function stackYamls(noise: number): fc.Arbitrary<string> {
  const m = <T>(a: fc.Arbitrary<T>) => mostly(a, noise);
  const odd = <T>(clean: T[], others: T[]) => (noise === 0 ? fc.constantFrom(...clean) : fc.constantFrom(...clean, ...others));
  return fc
    .tuple(
      platformSpecs(noise),
      fc.record(
        {
          availabilityZones: m(odd([['us-east-1a', 'us-east-1b']], [['us-east-1a', 'us-west-2b'], 'us-east-1a' as never])),
          vpcCidr: m(odd(['10.0.0.0/16', '10.8.0.0/18'], ['10.0.0.0/24', '10'])),
          publicAccessCidrs: m(odd([['198.18.0.0/24']], [['0.0.0.0/0']])),
          deployFromVpc: m(fc.constant(true)),
          natGateways: m(fc.constantFrom('single', 'one-per-az')),
          gitops: m(fc.constantFrom('argocd', 'flux')),
          // Only with Argo Workflows, which careful specs do not always run.
          artifactBucket: noise ? m(fc.constantFrom('ml-artifacts', 'Bad_Bucket')) : fc.constant(undefined),
        },
        { requiredKeys: ['deployFromVpc'] },
      ),
      odd(['us-east-1'], ['us-west-2', undefined]),
    )
    .map(([spec, cloud, region]) => {
      const { region: _platformRegion, ...platform } = spec;
      const config: Record<string, unknown> = region ? { 'aws:region': region } : {};
      for (const [k, v] of Object.entries({ ...platform, ...cloud })) if (v !== undefined) config[`ai-platform:${k}`] = v;
      return YAML.stringify({ config });
    });
}

/** A random stack config: half careful, half with odd values and junk. */
export const stackYaml: fc.Arbitrary<string> = fc.oneof(stackYamls(0), stackYamls(1));

/** What one fuzz input did: synthesized (with its object count) or was refused. */
export type Outcome =
  { readonly synthesized: number } | { readonly refused: AireadyValidationError; readonly at: 'plan' | 'admission' };

/**
 * Synthesizes `spec` as `aiready synth` would (objects, schema check, offline admission) and returns
 * the outcome. Throws anything that is neither: another exception, or output that fails the schema.
 */
export function synthesize(spec: unknown, plan?: AiPlatform['plan']): Outcome {
  let platform: AiPlatform;
  let objects: KubeObject[];
  try {
    platform = new AiPlatform(new App(), 'platform', { ...(spec as PlatformSpec), ...(plan ? { plan } : {}) });
    objects = platform.toJson() as KubeObject[];
  } catch (e) {
    if (e instanceof AireadyValidationError) return { refused: e, at: 'plan' };
    throw e;
  }
  const schema = validateObjects(objects.map((object) => ({ object })));
  if (schema.problems.length) {
    throw new Error(
      `synthesized objects fail the schema check:\n${schema.problems.map((p) => `${p.object} ${p.path}: ${p.message}`).join('\n')}`,
    );
  }
  const secrets = summarizePlatform(platform).prerequisites.map((s) => ({
    kind: 'Secret',
    namespace: s.namespace,
    name: s.name,
    reason: s.purpose,
  }));
  const report = checkAdmission({ objects, prerequisites: [...argoCdPrerequisites(), ...secrets] });
  try {
    assertAdmitted('platform', report);
  } catch (e) {
    if (e instanceof AireadyValidationError) return { refused: e, at: 'admission' };
    throw e;
  }
  return { synthesized: objects.length };
}

/** Reads a stack config YAML as `aiready synth` does, then synthesizes its platform. */
export function synthesizeStack(text: string): Outcome {
  const doc = (YAML.parse(text) ?? {}) as { config?: Record<string, unknown> };
  const raw = Object.fromEntries(
    Object.entries(doc.config ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
  let config: ReturnType<typeof readPlatformConfig>;
  try {
    config = readPlatformConfig('ai-platform', raw, { file: 'Pulumi.fuzz.yaml', text });
  } catch (e) {
    if (e instanceof AireadyValidationError) return { refused: e, at: 'plan' };
    throw e;
  }
  return synthesize(config.platform, config.plan);
}
