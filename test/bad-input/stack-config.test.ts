// The bad-input catalogue of the stack config: `Pulumi.<stack>.yaml` as a YAML user writes it, read
// the way `aiready synth` and the stack read it, each mistake refused with AireadyValidationError
// naming the key path (and its line in the file), the bad value (masked for secrets) and the fix.
import { readPlatformConfig } from '@aiready/pulumi';
import * as YAML from 'yaml';
import { expectRefused, MASKED, MISSING, Path, setIn } from './catalogue';

const PROJECT = 'ai-platform';

/** A valid stack config, as YAML. */
const VALID_YAML = `
config:
  aws:region: us-east-1
  ai-platform:clusterName: ml
  ai-platform:deployFromVpc: true
  ai-platform:availabilityZones: [us-east-1a, us-east-1b]
  ai-platform:pools:
    - name: h100
      instanceTypes: [p5.48xlarge]
      purpose: training
      zones: [us-east-1a]
      maxNodes: 2
    - name: l4
      instanceTypes: [g6.xlarge]
      sharing:
        mode: time-slicing
        replicas: 4
  ai-platform:teams:
    - name: research
      gpuQuota:
        h100: 8
  ai-platform:kueue: true
  ai-platform:monitoring:
    prometheus:
      receivers:
        - name: oncall
          slack:
            apiUrl: { name: slack, key: url }
            channel: '#gpu'
`;

/** The config map Pulumi hands the program: `project:key` to a string, structured values as JSON. */
function rawConfig(doc: { config: Record<string, unknown> }): Record<string, string> {
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

const base = () => YAML.parse(VALID_YAML) as { config: Record<string, unknown> };

/** The stack config with the value at `at` (under `config`) replaced, read as the stack reads it. */
function read(at: Path, bad: unknown) {
  const doc = { config: setIn(base().config, at, bad) as Record<string, unknown> };
  return readPlatformConfig(PROJECT, rawConfig(doc));
}

/** The stack config from YAML text, with the file so problems name their line. */
function readYaml(text: string) {
  return readPlatformConfig(PROJECT, rawConfig(YAML.parse(text)), { file: '/stack/Pulumi.dev.yaml', text });
}

type Case = readonly [label: string, at: Path, bad: unknown, problemPath: string, fix: RegExp, shown?: unknown];
const P = (key: string, ...rest: (string | number)[]): Path => [`${PROJECT}:${key}`, ...rest];

const CASES: Case[] = [
  ['aws:region is missing', ['aws:region'], MISSING, 'aws:region', /set aws:region/],
  ['clusterName is missing', P('clusterName'), MISSING, 'ai-platform:clusterName', /set it/],
  ['clusterName is a list', P('clusterName'), ['ml'], 'ai-platform:clusterName', /ai-prod/, '["ml"]'],
  ['clusterName is too long', P('clusterName'), 'x'.repeat(50), 'ai-platform:clusterName', /at most 46/],
  ['pools is missing', P('pools'), MISSING, 'ai-platform:pools', /set it/],
  ['pools is a string', P('pools'), 'h100', 'ai-platform:pools', /give a list/],
  ['pools is a map by name', P('pools'), { h100: { instanceTypes: ['p5.48xlarge'] } }, 'ai-platform:pools', /give a list/],
  ['pools is empty', P('pools'), [], 'ai-platform:pools', /add a pool/],
  ['a pool is a string', P('pools', 1), 'l4', 'ai-platform:pools[1]', /give an object/],
  ['a pool is null (a dash alone)', P('pools', 1), null, 'ai-platform:pools[1]', /give an object/],
  ['a pool has no name', P('pools', 1, 'name'), MISSING, 'ai-platform:pools[1].name', /set it/],
  ['maxNodes is quoted', P('pools', 0, 'maxNodes'), '2', 'ai-platform:pools[0].maxNodes', /give a whole number/],
  ['maxNodes is misspelt', P('pools', 0, 'maxNode'), 2, 'ai-platform:pools[0].maxNode', /did you mean maxNodes\?/],
  ['zones is a string', P('pools', 0, 'zones'), 'us-east-1a', 'ai-platform:pools[0].zones', /give a list/],
  ['a zone is not a zone', P('pools', 0, 'zones', 0), 'east-1a', 'ai-platform:pools[0].zones[0]', /us-east-1a/],
  ['instanceTypes is a string', P('pools', 1, 'instanceTypes'), 'g6.xlarge', 'ai-platform:pools[1].instanceTypes', /give a list/],
  [
    'an instance type is misspelt',
    P('pools', 1, 'instanceTypes', 0),
    'g6.xlrage',
    'ai-platform:pools[1].instanceTypes[0]',
    /g6\.xlarge/,
  ],
  ['sharing is a string', P('pools', 1, 'sharing'), 'time-slicing', 'ai-platform:pools[1].sharing', /give an object/],
  [
    'the sharing mode is misspelt',
    P('pools', 1, 'sharing', 'mode'),
    'timeslicing',
    'ai-platform:pools[1].sharing.mode',
    /'time-slicing'/,
  ],
  [
    'replicas is a string',
    P('pools', 1, 'sharing', 'replicas'),
    'four',
    'ai-platform:pools[1].sharing.replicas',
    /give a whole number/,
  ],
  [
    'MIG on an L4',
    P('pools', 1, 'sharing'),
    { mode: 'mig', layout: 'all-balanced' },
    'ai-platform:pools[1].sharing.mode',
    /time-slicing or MPS/,
    'mig',
  ],
  [
    'a MIG layout on a typo instance type',
    P('pools', 0),
    { name: 'h100', instanceTypes: ['p5.48xlarg'], sharing: { mode: 'mig', layout: 'all-balanced' } },
    'ai-platform:pools[0].instanceTypes[0]',
    /p5\.48xlarge/,
    'p5.48xlarg',
  ],
  ['capacityType is misspelt', P('pools', 1, 'capacityType'), 'Spot', 'ai-platform:pools[1].capacityType', /nearest: 'spot'/],
  ['labels is a list', P('pools', 1, 'labels'), ['a=b'], 'ai-platform:pools[1].labels', /give an object/],
  ['a label value is a number', P('pools', 1, 'labels'), { tier: 1 }, 'ai-platform:pools[1].labels["tier"]', /give a string/, 1],
  ['taints is a string', P('pools', 1, 'taints'), 'a=b:NoSchedule', 'ai-platform:pools[1].taints', /give a list/],
  [
    'a negative price',
    P('pools', 1, 'pricePerHour'),
    { 'g6.xlarge': -1 },
    'ai-platform:pools[1].pricePerHour["g6.xlarge"]',
    /dollars/,
    -1,
  ],
  ['a pool is called constructor', P('pools', 1, 'name'), 'constructor', 'ai-platform:pools[1].name', /another name/],
  ['two pools have one name', P('pools', 1, 'name'), 'h100', 'ai-platform:pools[1].name', /unique/],
  ['teams is a map by name', P('teams'), { research: { gpuQuota: { h100: 8 } } }, 'ai-platform:teams', /give a list/],
  ['teams is a string', P('teams'), 'research', 'ai-platform:teams', /give a list/],
  ['teams is null (an empty key)', P('teams'), null, 'ai-platform:teams', /give a list/],
  ['a team has no name', P('teams', 0, 'name'), MISSING, 'ai-platform:teams[0].name', /set it/],
  ['a team is kube-system', P('teams', 0, 'name'), 'kube-system', 'ai-platform:teams[0].name', /ml-research/],
  ['a team is default', P('teams', 0, 'name'), 'default', 'ai-platform:teams[0].name', /ml-research/],
  ['a team is the Argo namespace', P('teams', 0, 'name'), 'argo', 'ai-platform:teams[0].name', /ml-research/],
  ['a team is the GPU operator namespace', P('teams', 0, 'name'), 'gpu-operator', 'ai-platform:teams[0].name', /ml-research/],
  ['a team is the monitoring namespace', P('teams', 0, 'name'), 'monitoring', 'ai-platform:teams[0].name', /ml-research/],
  ['a team is the Kueue namespace', P('teams', 0, 'name'), 'kueue-system', 'ai-platform:teams[0].name', /ml-research/],
  ['a team is the KEDA namespace', P('teams', 0, 'name'), 'keda', 'ai-platform:teams[0].name', /ml-research/],
  [
    'two teams have one name',
    P('teams'),
    [{ name: 'research' }, { name: 'research' }],
    'ai-platform:teams[1].name',
    /./,
    'research',
  ],
  ['gpuQuota is a number', P('teams', 0, 'gpuQuota'), 8, 'ai-platform:teams[0].gpuQuota', /give an object/],
  ['a quota is quoted', P('teams', 0, 'gpuQuota', 'h100'), '8', 'ai-platform:teams[0].gpuQuota["h100"]', /give a whole number/],
  ['a quota names no pool', P('teams', 0, 'gpuQuota'), { h10: 8 }, 'ai-platform:teams[0].gpuQuota["h10"]', /h100/, 'h10'],
  [
    'a quota names constructor',
    P('teams', 0, 'gpuQuota'),
    { constructor: 8 },
    'ai-platform:teams[0].gpuQuota["constructor"]',
    /another name/,
    'constructor',
  ],
  ['editGroups is a string', P('teams', 0, 'editGroups'), 'research', 'ai-platform:teams[0].editGroups', /give a list/],
  [
    'an edit principal is not an ARN',
    P('teams', 0, 'editPrincipalArns'),
    ['research-role'],
    'ai-platform:teams[0].editPrincipalArns[0]',
    /./,
    'research-role',
  ],
  ['kueue is yes', P('kueue'), 'yes', 'ai-platform:kueue', /give true or false/],
  [
    'kubernetesVersion is a number out of range',
    P('kubernetesVersion'),
    1.3,
    'ai-platform:kubernetesVersion',
    /use one of/,
    '1.3',
  ],
  ['kubernetesVersion is too old', P('kubernetesVersion'), '1.20', 'ai-platform:kubernetesVersion', /use one of/],
  ['environment is misspelt', P('environment'), 'production', 'ai-platform:environment', /'prod'/],
  ['workflows is misspelt', P('workflows'), 'argo', 'ai-platform:workflows', /'argo-workflows'/],
  ['monitoring is a string', P('monitoring'), 'on', 'ai-platform:monitoring', /true, false or an object/],
  [
    'a Slack URL is given inline',
    P('monitoring', 'prometheus', 'receivers', 0, 'slack', 'apiUrl'),
    'https://hooks.slack.com/services/T0/B0/XXXXSECRET',
    'ai-platform:monitoring.prometheus.receivers[0].slack.apiUrl',
    /give/,
    MASKED,
  ],
  [
    'a PagerDuty key is given inline',
    P('monitoring', 'prometheus', 'receivers', 0),
    { name: 'p', pagerDuty: { routingKey: 'R0UT1NGKEYSECRET' } },
    'ai-platform:monitoring.prometheus.receivers[0].pagerDuty.routingKey',
    /give/,
    MASKED,
  ],
  ['values is a list', P('values'), [], 'ai-platform:values', /give an object/],
  ['a zone of another region', P('pools', 0, 'zones', 0), 'us-west-2a', 'ai-platform:pools[0].zones[0]', /us-east-1a/],
  [
    'a zone outside the network',
    P('pools', 0, 'zones', 0),
    'us-east-1c',
    'ai-platform:pools[0].zones[0]',
    /add us-east-1c to ai-platform:availabilityZones/,
  ],
  [
    'an availability zone of another region',
    P('availabilityZones'),
    ['us-east-1a', 'eu-west-1b'],
    'ai-platform:availabilityZones[1]',
    /us-east-1a/,
    'eu-west-1b',
  ],
  [
    'an availability zone twice',
    P('availabilityZones'),
    ['us-east-1a', 'us-east-1a'],
    'ai-platform:availabilityZones[1]',
    /each zone once/,
    'us-east-1a',
  ],
  [
    'four availability zones',
    P('availabilityZones'),
    ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'],
    'ai-platform:availabilityZones',
    /us-east-1a/,
  ],
  ['availabilityZones is a string', P('availabilityZones'), 'us-east-1a', 'ai-platform:availabilityZones', /give a list/],
  ['vpcCidr is a number', P('vpcCidr'), 10, 'ai-platform:vpcCidr', /10\.0\.0\.0\/16/, '10'],
  ['vpcCidr is a /24', P('vpcCidr'), '10.0.0.0/24', 'ai-platform:vpcCidr', /10\.0\.0\.0\/16/],
  ['natGateways is misspelt', P('natGateways'), 'one_per_az', 'ai-platform:natGateways', /'one-per-az'/],
  ['existingVpc is a string', P('existingVpc'), 'vpc-0123', 'ai-platform:existingVpc', /give an object/],
  [
    'existingVpc has no subnets',
    P('existingVpc'),
    { vpcId: 'vpc-0123' },
    'ai-platform:existingVpc.privateSubnetIds',
    /set privateSubnetIds/,
    undefined,
  ],
  [
    'adminPrincipalArns is a string',
    P('adminPrincipalArns'),
    'arn:aws:iam::123456789012:role/admin',
    'ai-platform:adminPrincipalArns',
    /give a list/,
  ],
  ['publicAccessCidrs is a string', P('publicAccessCidrs'), '198.18.0.0/24', 'ai-platform:publicAccessCidrs', /give a list/],
  ['deployFromVpc is yes', P('deployFromVpc'), 'yes', 'ai-platform:deployFromVpc', /give true or false/],
  ['eksAddonVersions is a list', P('eksAddonVersions'), ['coredns'], 'ai-platform:eksAddonVersions', /give an object/],
  ['gitops is misspelt', P('gitops'), 'argo', 'ai-platform:gitops', /'argocd'/],
  ['a stack key is misspelt', P('pool'), [], 'ai-platform:pool', /did you mean ai-platform:pools\?/],
  [
    'the project namespace is misspelt',
    ['ai-platfrom:kueue'],
    true,
    'ai-platfrom:kueue',
    /did you mean ai-platform:kueue\?/,
    'true',
  ],
  ['a key is toString', P('toString'), 1, 'ai-platform:toString', /did you mean/],
  ['a key is constructor', P('constructor'), 1, 'ai-platform:constructor', /did you mean/],
  ['a key is __proto__', P('__proto__'), { kueue: true }, 'ai-platform:__proto__', /did you mean/],
  ['region is set in the project (the stack owns it)', P('region'), 'us-west-2', 'ai-platform:region', /did you mean/],
];

/** The secret literals above; no message may contain one. */
const SECRET_LITERALS = /XXXXSECRET|R0UT1NGKEY|hunter2/;

describe('bad input in the stack config', () => {
  test('the valid config the catalogue breaks is read', () => {
    // GIVEN the base YAML WHEN read THEN nothing is refused
    expect(readPlatformConfig(PROJECT, rawConfig(base())).plan.pools.map((p) => p.name)).toEqual(['h100', 'l4']);
  });

  test.each(CASES)('throws when %s', (...args) => {
    const [, at, bad, problemPath, fix, shown] = args;
    // GIVEN the valid config with one key broken WHEN it is read
    // THEN it is refused with the key path, the value (masked for a secret) and the fix
    const error = expectRefused(() => read(at, bad), {
      path: problemPath,
      shown: args.length > 5 ? shown : bad === MISSING ? undefined : bad,
      fix,
    });
    expect(error.message).not.toMatch(SECRET_LITERALS);
  });

  test.each([
    [
      'zones: us-east-1a (a string)',
      '      zones: [us-east-1a]',
      '      zones: us-east-1a',
      'ai-platform:pools[0].zones (Pulumi.dev.yaml:11:14)',
    ],
    ['a pool key typo', '      maxNodes: 2', '      maxNode: 2', 'ai-platform:pools[0].maxNode (Pulumi.dev.yaml:12:16)'],
    [
      'teams: with nothing under it',
      '    - name: research\n      gpuQuota:\n        h100: 8\n',
      '',
      'ai-platform:teams (Pulumi.dev.yaml:18:21) = null: must be a list',
    ],
  ])('throws when %s, naming the line in the file', (_label, from, to, located) => {
    // GIVEN the YAML text edited as a user would WHEN read with its file
    // THEN the problem names the key, with its line and column
    expect(() => readYaml(VALID_YAML.replace(from, to))).toThrow(located);
  });
});
