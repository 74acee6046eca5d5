// The bad-input catalogue of the TypeScript API: what a plain-JavaScript user can pass to AiPlatform
// (and planPlatform, GpuNodePool, normalizeGpuPool), each refused with AireadyValidationError naming
// the field path, the bad value (masked when it is a secret) and the fix, never a TypeError.
import { AireadyValidationError, GpuPoolSpec, normalizeGpuPool, planPlatform, PlatformSpec } from '@aiready/core';
import { AiPlatform, GpuNodePool } from '@aiready/k8s';
import { App, Chart } from 'cdk8s';
import { expectRefused, MASKED, MISSING, Path, setIn, VALID_SPEC } from './catalogue';

type Case = readonly [label: string, at: Path, bad: unknown, problemPath: string, fix: RegExp, shown?: unknown];

const synth = (spec: unknown) => new AiPlatform(new App(), 'platform', spec as PlatformSpec).toJson();
const shownOf = (bad: unknown, shown: unknown, args: number) => (args > 5 ? shown : bad === MISSING ? undefined : bad);

const LIST = /give a list/;
const OBJECT = /give an object/;
const STRING = /give a string/;
const NUMBER = /give a number/;
const WHOLE = /give a whole number/;
const BOOLEAN = /give true or false/;

/** Wrong types, at every depth: null, strings where lists belong, objects where lists belong. */
const SHAPES: Case[] = [
  ['the whole spec is null', [], null, '', OBJECT],
  ['the whole spec is a list', [], [], '', OBJECT],
  ['clusterName is null', ['clusterName'], null, 'clusterName', STRING],
  ['clusterName is a number', ['clusterName'], 42, 'clusterName', STRING],
  ['clusterName is missing', ['clusterName'], MISSING, 'clusterName', /set it, e.g. clusterName: ai-prod/],
  ['pools is missing', ['pools'], MISSING, 'pools', /set it, e.g. pools:/],
  ['pools is null', ['pools'], null, 'pools', LIST],
  ['pools is a string', ['pools'], 'h100', 'pools', LIST],
  ['pools is an object keyed by name', ['pools'], { h100: { instanceTypes: ['p5.48xlarge'] } }, 'pools', LIST],
  ['pools is a number', ['pools'], 3, 'pools', LIST],
  ['a pool is null', ['pools', 0], null, 'pools[0]', OBJECT],
  ['a pool is a string', ['pools', 0], 'h100', 'pools[0]', OBJECT],
  ['a pool is a list', ['pools', 0], ['h100'], 'pools[0]', OBJECT],
  ['a pool name is missing', ['pools', 0, 'name'], MISSING, 'pools[0].name', /set it, e.g. name: h100-training/],
  ['a pool name is null', ['pools', 0, 'name'], null, 'pools[0].name', STRING],
  ['a pool name is a number', ['pools', 1, 'name'], 4, 'pools[1].name', STRING],
  ['instanceTypes is a string', ['pools', 0, 'instanceTypes'], 'p5.48xlarge', 'pools[0].instanceTypes', LIST],
  ['instanceTypes is an object', ['pools', 0, 'instanceTypes'], { 'p5.48xlarge': 1 }, 'pools[0].instanceTypes', LIST],
  ['instanceTypes is null', ['pools', 1, 'instanceTypes'], null, 'pools[1].instanceTypes', LIST],
  ['an instance type is null', ['pools', 0, 'instanceTypes', 0], null, 'pools[0].instanceTypes[0]', STRING],
  ['an instance type is an object', ['pools', 1, 'instanceTypes', 0], { name: 'g6' }, 'pools[1].instanceTypes[0]', STRING],
  ['an instance type is a list', ['pools', 1, 'instanceTypes', 0], ['g6.xlarge'], 'pools[1].instanceTypes[0]', STRING],
  ['instanceSelector is a string', ['pools', 2, 'instanceSelector'], 'l40s', 'pools[2].instanceSelector', OBJECT],
  ['instanceSelector is null', ['pools', 2, 'instanceSelector'], null, 'pools[2].instanceSelector', OBJECT],
  ['gpuModels is a string', ['pools', 2, 'instanceSelector', 'gpuModels'], 'l40s', 'pools[2].instanceSelector.gpuModels', LIST],
  ['minGpus is a string', ['pools', 2, 'instanceSelector', 'minGpus'], '1', 'pools[2].instanceSelector.minGpus', WHOLE],
  ['minGpus is a fraction', ['pools', 2, 'instanceSelector', 'minGpus'], 1.5, 'pools[2].instanceSelector.minGpus', /e\.g\. 2/],
  ['maxNodes is a string', ['pools', 0, 'maxNodes'], '4', 'pools[0].maxNodes', WHOLE],
  ['maxNodes is null', ['pools', 0, 'maxNodes'], null, 'pools[0].maxNodes', WHOLE],
  ['maxNodes is NaN', ['pools', 0, 'maxNodes'], NaN, 'pools[0].maxNodes', WHOLE],
  ['maxNodes is Infinity', ['pools', 0, 'maxNodes'], Infinity, 'pools[0].maxNodes', WHOLE],
  ['maxNodes is a fraction', ['pools', 0, 'maxNodes'], 2.5, 'pools[0].maxNodes', /whole number, e\.g\. 3/],
  ['minNodes is a boolean', ['pools', 1, 'minNodes'], true, 'pools[1].minNodes', WHOLE],
  ['zones is a string', ['pools', 0, 'zones'], 'us-east-1a', 'pools[0].zones', LIST],
  ['zones is an object', ['pools', 0, 'zones'], { a: 'us-east-1a' }, 'pools[0].zones', LIST],
  ['a zone is a number', ['pools', 0, 'zones', 0], 1, 'pools[0].zones[0]', STRING],
  ['sharing is a string', ['pools', 1, 'sharing'], 'time-slicing', 'pools[1].sharing', OBJECT],
  ['sharing is null', ['pools', 1, 'sharing'], null, 'pools[1].sharing', OBJECT],
  ['sharing is a list', ['pools', 1, 'sharing'], ['mig'], 'pools[1].sharing', OBJECT],
  ['the sharing mode is missing', ['pools', 1, 'sharing', 'mode'], MISSING, 'pools[1].sharing.mode', /'time-slicing'/],
  ['the sharing mode is misspelt', ['pools', 1, 'sharing', 'mode'], 'timeslicing', 'pools[1].sharing.mode', /'mps'/],
  ['replicas is a string', ['pools', 1, 'sharing', 'replicas'], '4', 'pools[1].sharing.replicas', WHOLE],
  ['replicas is a fraction', ['pools', 1, 'sharing', 'replicas'], 2.5, 'pools[1].sharing.replicas', WHOLE],
  ['replicas is missing', ['pools', 1, 'sharing', 'replicas'], MISSING, 'pools[1].sharing.replicas', /replicas: 4/],
  ['renameByDefault is a string', ['pools', 1, 'sharing', 'renameByDefault'], 'yes', 'pools[1].sharing.renameByDefault', BOOLEAN],
  ['the MIG layout is missing', ['pools', 0, 'sharing', 'layout'], MISSING, 'pools[0].sharing.layout', /all-1g\.10gb/],
  ['the MIG strategy is unknown', ['pools', 0, 'sharing', 'strategy'], 'both', 'pools[0].sharing.strategy', /'mixed'/],
  [
    'time-slicing replicas on a MIG pool',
    ['pools', 0, 'sharing', 'replicas'],
    4,
    'pools[0].sharing.replicas',
    /one mode per GPU sharing/,
  ],
  [
    'a MIG layout on a time-slicing pool',
    ['pools', 1, 'sharing', 'layout'],
    'all-balanced',
    'pools[1].sharing.layout',
    /one mode per GPU sharing/,
  ],
  ['labels is a list', ['pools', 0, 'labels'], ['tier=gold'], 'pools[0].labels', OBJECT],
  ['a label value is a number', ['pools', 0, 'labels', 'tier'], 1, 'pools[0].labels["tier"]', STRING],
  ['a label value is null', ['pools', 0, 'labels', 'tier'], null, 'pools[0].labels["tier"]', STRING],
  ['taints is an object', ['pools', 0, 'taints'], { dedicated: 'ml' }, 'pools[0].taints', LIST],
  ['taints is a string', ['pools', 0, 'taints'], 'dedicated=ml:NoSchedule', 'pools[0].taints', LIST],
  ['a taint is null', ['pools', 0, 'taints', 0], null, 'pools[0].taints[0]', OBJECT],
  ['a taint has no key', ['pools', 0, 'taints', 0, 'key'], MISSING, 'pools[0].taints[0].key', /set key/],
  [
    'a taint effect is misspelt',
    ['pools', 0, 'taints', 0, 'effect'],
    'NoScheduled',
    'pools[0].taints[0].effect',
    /nearest: 'NoSchedule'/,
  ],
  ['a taint value is null', ['pools', 0, 'taints', 0, 'value'], null, 'pools[0].taints[0].value', STRING],
  ['pricePerHour is a number', ['pools', 0, 'pricePerHour'], 50, 'pools[0].pricePerHour', OBJECT],
  ['a price is a string', ['pools', 0, 'pricePerHour', 'p5.48xlarge'], '$50', 'pools[0].pricePerHour["p5.48xlarge"]', NUMBER],
  ['capacityType is misspelt', ['pools', 1, 'capacityType'], 'spots', 'pools[1].capacityType', /nearest: 'spot'/],
  ['provisioner is misspelt', ['pools', 1, 'provisioner'], 'managed', 'pools[1].provisioner', /'managed-node-group'/],
  ['purpose is misspelt', ['pools', 0, 'purpose'], 'train', 'pools[0].purpose', /nearest: 'training'/],
  ['purpose is null', ['pools', 0, 'purpose'], null, 'pools[0].purpose', /'training'/],
  ['amiFamily is unknown', ['pools', 0, 'amiFamily'], 'ubuntu', 'pools[0].amiFamily', /'al2023'/],
  ['efa is a string', ['pools', 0, 'efa'], 'true', 'pools[0].efa', /true or false|whole number/],
  [
    'capacityReservation is a string',
    ['pools', 0, 'capacityReservation'],
    'cr-0a1b2c3d4e5f60718',
    'pools[0].capacityReservation',
    OBJECT,
  ],
  ['teams is an object keyed by name', ['teams'], { research: { gpuQuota: { h100: 8 } } }, 'teams', LIST],
  ['teams is a string', ['teams'], 'research', 'teams', LIST],
  ['teams is null', ['teams'], null, 'teams', LIST],
  ['a team is a string', ['teams', 0], 'research', 'teams[0]', OBJECT],
  ['a team is null', ['teams', 1], null, 'teams[1]', OBJECT],
  ['a team name is missing', ['teams', 0, 'name'], MISSING, 'teams[0].name', /set it, e.g. name: research/],
  ['a team name is a number', ['teams', 0, 'name'], 7, 'teams[0].name', STRING],
  ['gpuQuota is a number', ['teams', 0, 'gpuQuota'], 8, 'teams[0].gpuQuota', OBJECT],
  ['gpuQuota is a list', ['teams', 0, 'gpuQuota'], [{ pool: 'h100', gpus: 8 }], 'teams[0].gpuQuota', OBJECT],
  ['a GPU quota is a string', ['teams', 0, 'gpuQuota', 'h100'], '8', 'teams[0].gpuQuota["h100"]', WHOLE],
  ['a GPU quota is a fraction', ['teams', 0, 'gpuQuota', 'h100'], 0.5, 'teams[0].gpuQuota["h100"]', WHOLE],
  ['editGroups is a string', ['teams', 0, 'editGroups'], 'research', 'teams[0].editGroups', LIST],
  ['viewGroups is an object', ['teams', 1, 'viewGroups'], { sre: true }, 'teams[1].viewGroups', LIST],
  ['computeQuota is a number', ['teams', 0, 'computeQuota'], 64, 'teams[0].computeQuota', OBJECT],
  ['a compute quota is a string', ['teams', 0, 'computeQuota', 'cpu'], '64', 'teams[0].computeQuota.cpu', NUMBER],
  ['podSecurity is misspelt', ['teams', 0, 'podSecurity'], 'restricted-v2', 'teams[0].podSecurity', /nearest: 'restricted'/],
  ['queue is a string', ['teams', 0, 'queue'], 'research', 'teams[0].queue', BOOLEAN],
  ['borrowGpus is a list', ['teams', 0, 'borrowGpus'], [2], 'teams[0].borrowGpus', OBJECT],
  ['kubernetesVersion is a boolean', ['kubernetesVersion'], true, 'kubernetesVersion', STRING],
  ['kueue is a string', ['kueue'], 'true', 'kueue', BOOLEAN],
  ['keda is a number', ['keda'], 1, 'keda', BOOLEAN],
  ['karpenter is null', ['karpenter'], null, 'karpenter', BOOLEAN],
  ['workflows is misspelt', ['workflows'], 'argo', 'workflows', /'argo-workflows'/],
  ['environment is misspelt', ['environment'], 'production', 'environment', /'prod'/],
  ['gpuOperator is a boolean', ['gpuOperator'], true, 'gpuOperator', OBJECT],
  ['gpuOperator.driver is a string', ['gpuOperator', 'driver'], '570', 'gpuOperator.driver', OBJECT],
  ['gfd is a string', ['gpuOperator', 'gfd'], 'on', 'gpuOperator.gfd', BOOLEAN],
  ['clusterAutoscaler is true', ['clusterAutoscaler'], true, 'clusterAutoscaler', /false or an object/],
  ['clusterAutoscaler is a string', ['clusterAutoscaler'], 'on', 'clusterAutoscaler', /false or an object/],
  [
    'the scale-down threshold is a string',
    ['clusterAutoscaler', 'scaleDownGpuUtilizationThreshold'],
    '50%',
    'clusterAutoscaler.scaleDownGpuUtilizationThreshold',
    NUMBER,
  ],
  ['argoWorkflows is a string', ['argoWorkflows'], 'on', 'argoWorkflows', OBJECT],
  ['authModes is a string', ['argoWorkflows', 'authModes'], 'sso', 'argoWorkflows.authModes', LIST],
  ['an auth mode is unknown', ['argoWorkflows', 'authModes'], ['oauth'], 'argoWorkflows.authModes[0]', /'sso'/, 'oauth'],
  [
    'defaultTolerations is an object',
    ['argoWorkflows', 'defaultTolerations'],
    { key: 'x' },
    'argoWorkflows.defaultTolerations',
    LIST,
  ],
  [
    'a toleration has no operator',
    ['argoWorkflows', 'defaultTolerations'],
    [{ key: 'x' }],
    'argoWorkflows.defaultTolerations[0].operator',
    /set operator/,
    undefined,
  ],
  ['artifacts has no bucket', ['argoWorkflows', 'artifacts', 'bucket'], MISSING, 'argoWorkflows.artifacts.bucket', /set bucket/],
  ['retention is a number', ['argoWorkflows', 'retention'], 3600, 'argoWorkflows.retention', OBJECT],
  ['monitoring is a string', ['monitoring'], 'on', 'monitoring', /true, false or an object/],
  ['monitoring is null', ['monitoring'], null, 'monitoring', /true, false or an object/],
  ['dashboardPools is a string', ['monitoring', 'dashboardPools'], 'h100', 'monitoring.dashboardPools', LIST],
  [
    'the temperature threshold is a string',
    ['monitoring', 'temperatureAlertCelsius'],
    '85C',
    'monitoring.temperatureAlertCelsius',
    NUMBER,
  ],
  ['receivers is an object', ['monitoring', 'prometheus', 'receivers'], { oncall: {} }, 'monitoring.prometheus.receivers', LIST],
  [
    'a route has no receiver',
    ['monitoring', 'prometheus', 'routes', 0, 'receiver'],
    MISSING,
    'monitoring.prometheus.routes[0].receiver',
    /set receiver/,
  ],
  [
    'a route severity is unknown',
    ['monitoring', 'prometheus', 'routes', 0, 'severity'],
    'page',
    'monitoring.prometheus.routes[0].severity',
    /'critical'/,
  ],
  ['grafana is true', ['monitoring', 'prometheus', 'grafana'], true, 'monitoring.prometheus.grafana', /false or an object/],
  ['kserve is a boolean', ['kserve'], true, 'kserve', OBJECT],
  ['kserve says nothing of cert-manager', ['kserve'], {}, 'kserve.certManagerInstalled', /set certManagerInstalled/, undefined],
  ['values is a list', ['values'], [], 'values', OBJECT],
  ['values of a component is a string', ['values', 'gpuOperator'], 'cdi: true', 'values.gpuOperator', OBJECT],
  ['airflow is a boolean', ['airflow'], true, 'airflow', OBJECT],
  ['controllerNodeSelector is a string', ['controllerNodeSelector'], 'system', 'controllerNodeSelector', OBJECT],
];

/** Typos: a key that is not a setting is never ignored; the nearest known key is named. */
const TYPOS: Case[] = [
  ['clusterName is misspelt', ['clustername'], 'ml', 'clustername', /did you mean clusterName\?/],
  ['pools is misspelt', ['pool'], [], 'pool', /did you mean pools\?/],
  ['teams is misspelt', ['team'], [], 'team', /did you mean teams\?/],
  ['maxNodes is misspelt', ['pools', 0, 'maxNode'], 4, 'pools[0].maxNode', /did you mean maxNodes\?/],
  [
    'instanceTypes is misspelt',
    ['pools', 1, 'instanceType'],
    ['g6.xlarge'],
    'pools[1].instanceType',
    /did you mean instanceTypes\?/,
  ],
  ['zones is misspelt', ['pools', 0, 'zone'], ['us-east-1a'], 'pools[0].zone', /did you mean zones\?/],
  ['gpuQuota is misspelt', ['teams', 0, 'gpuQuotas'], { h100: 1 }, 'teams[0].gpuQuotas', /did you mean gpuQuota\?/],
  ['editGroups is misspelt', ['teams', 0, 'editGroup'], ['x'], 'teams[0].editGroup', /did you mean editGroups\?/],
  [
    'a selector key is misspelt',
    ['pools', 2, 'instanceSelector', 'gpuModel'],
    ['l40s'],
    'pools[2].instanceSelector.gpuModel',
    /did you mean gpuModels\?/,
  ],
  [
    'a taint key is misspelt',
    ['pools', 0, 'taints', 0, 'efect'],
    'NoSchedule',
    'pools[0].taints[0].efect',
    /did you mean effect\?/,
  ],
  [
    'a monitoring key is misspelt',
    ['monitoring', 'dashboardPool'],
    ['h100'],
    'monitoring.dashboardPool',
    /did you mean dashboardPools\?/,
  ],
  ['a GPU operator key is misspelt', ['gpuOperator', 'gfdd'], true, 'gpuOperator.gfdd', /did you mean gfd\?/],
  ['an Argo key is misspelt', ['argoWorkflows', 'artifact'], {}, 'argoWorkflows.artifact', /did you mean artifacts\?/],
  ['a component of values is misspelt', ['values', 'gpuoperator'], {}, 'values.gpuoperator', /did you mean gpuOperator\?/],
  ['an instance type is misspelt', ['pools', 1, 'instanceTypes', 0], 'g6.xlarg', 'pools[1].instanceTypes[0]', /g6\.xlarge/],
  [
    'an instance type has a typo on a MIG pool',
    ['pools', 0, 'instanceTypes', 0],
    'p5.48xlarg',
    'pools[0].instanceTypes[0]',
    /p5\.48xlarge/,
  ],
  [
    'a GPU model is misspelt',
    ['pools', 2, 'instanceSelector', 'gpuModels', 0],
    'l40',
    'pools[2].instanceSelector.gpuModels[0]',
    /l40s/,
  ],
  ['a quota names a pool that does not exist', ['teams', 0, 'gpuQuota'], { h10: 8 }, 'teams[0].gpuQuota["h10"]', /h100/, 'h10'],
  ['a dashboard pool does not exist', ['monitoring', 'dashboardPools'], ['h10'], 'dashboardPools', /h100/, 'h10'],
  ['a route names no receiver', ['monitoring', 'prometheus', 'routes', 0, 'receiver'], 'on-call', 'routes[0].receiver', /oncall/],
];

/** Names that collide with Object.prototype, or with what the platform itself owns. */
const NAMES: Case[] = [
  ['a pool is called constructor', ['pools', 0, 'name'], 'constructor', 'pools[0].name', /constructor-1/],
  ['a team is called constructor', ['teams', 1, 'name'], 'constructor', 'teams[1].name', /constructor-1/],
  [
    'a label key is constructor',
    ['pools', 0, 'labels'],
    { constructor: 'x' },
    'pools[0].labels["constructor"]',
    /another name/,
    'constructor',
  ],
  [
    'a nested values key is constructor',
    ['values', 'karpenter'],
    { controller: { env: [{ constructor: 'x' }] } },
    'values.karpenter["controller"].env[0].constructor',
    /another name/,
    'constructor',
  ],
  ['a pool is called __proto__', ['pools', 0, 'name'], '__proto__', 'pools[0].name', /h100-training/],
  [
    'a quota names the pool constructor',
    ['teams', 0, 'gpuQuota'],
    { constructor: 1 },
    'teams[0].gpuQuota["constructor"]',
    /another name/,
    'constructor',
  ],
  [
    'a quota names the pool hasOwnProperty',
    ['teams', 1, 'gpuQuota'],
    { hasOwnProperty: 1 },
    'teams[1].gpuQuota["hasOwnProperty"]',
    /l4/,
    'hasOwnProperty',
  ],
  [
    'a price names the type constructor',
    ['pools', 0, 'pricePerHour'],
    { constructor: 5 },
    'pools[0].pricePerHour["constructor"]',
    /another name/,
    'constructor',
  ],
  ['an instance type is constructor', ['pools', 1, 'instanceTypes', 0], 'constructor', 'pools[1].instanceTypes[0]', /./],
  ['an instance type is __proto__', ['pools', 1, 'instanceTypes', 0], '__proto__', 'pools[1].instanceTypes[0]', /./],
  [
    'a GPU model is toString',
    ['pools', 2, 'instanceSelector', 'gpuModels', 0],
    'toString',
    'pools[2].instanceSelector.gpuModels[0]',
    /./,
  ],
  ['a dashboard pool is constructor', ['monitoring', 'dashboardPools'], ['constructor'], 'dashboardPools', /h100/, 'constructor'],
  [
    'a route receiver is constructor',
    ['monitoring', 'prometheus', 'routes', 0, 'receiver'],
    'constructor',
    'routes[0].receiver',
    /oncall/,
  ],
  [
    'a values key is constructor',
    ['values', 'gpuOperator'],
    { constructor: 1 },
    'values.gpuOperator["constructor"]',
    /another name/,
    'constructor',
  ],
  ['a values key is toString', ['values', 'gpuOperator', 'cdi'], { toString: 1 }, 'values.cdi.toString', /existing key/, 1],
  ['a spec key is constructor', ['constructor'], 1, 'constructor', /did you mean/],
  ['a pool key is toString', ['pools', 0, 'toString'], 1, 'pools[0].toString', /did you mean/],
  ['a team is called kube-system', ['teams', 0, 'name'], 'kube-system', 'teams[0].name', /./],
  ['a team is called kube-public', ['teams', 0, 'name'], 'kube-public', 'teams[0].name', /./],
  ['a team is called kube-node-lease', ['teams', 0, 'name'], 'kube-node-lease', 'teams[0].name', /./],
  ['a team is called default', ['teams', 0, 'name'], 'default', 'teams[0].name', /./],
  ['a team name is not a DNS label', ['teams', 0, 'name'], 'Research_Team', 'teams[0].name', /ml-research/],
  ['a pool name is not a DNS label', ['pools', 0, 'name'], 'H100 Training', 'pools[0].name', /h100-training/],
  ['a pool name is too long', ['pools', 0, 'name'], 'p'.repeat(41), 'pools[0].name', /h100-training/],
  ['two pools have one name', ['pools', 1, 'name'], 'h100', 'pools[1].name', /unique name/],
  ['two teams have one name', ['teams', 1, 'name'], 'research', 'teams[1].name', /./],
  ['the cluster name is not a name', ['clusterName'], 'ML Cluster', 'clusterName', /./],
];

/** Secrets given where a Secret reference belongs: refused, never shown. */
const SECRETS: Case[] = [
  [
    'a Slack webhook URL is given inline',
    ['monitoring', 'prometheus', 'receivers', 0, 'slack', 'apiUrl'],
    'https://hooks.slack.com/services/T0/B0/XXXXSECRET',
    'monitoring.prometheus.receivers[0].slack.apiUrl',
    /give a Secret reference|give an object/,
    MASKED,
  ],
  [
    'a PagerDuty routing key is given inline',
    ['monitoring', 'prometheus', 'receivers', 0],
    { name: 'p', pagerDuty: { routingKey: 'R0UT1NGKEYSECRET' } },
    'monitoring.prometheus.receivers[0].pagerDuty.routingKey',
    /give/,
    MASKED,
  ],
  [
    'a webhook URL with a token is given inline',
    ['monitoring', 'prometheus', 'receivers', 0],
    { name: 'w', webhook: { url: 'https://hooks.example.com/T0KEN' } },
    'monitoring.prometheus.receivers[0].webhook.url',
    /give/,
    MASKED,
  ],
  [
    'an SMTP password is given inline',
    ['monitoring', 'prometheus', 'receivers', 0],
    { name: 'e', email: { to: 'a@b.c', from: 'b@b.c', smarthost: 'smtp:587', username: 'u', password: 'hunter2-secret' } },
    'monitoring.prometheus.receivers[0].email.password',
    /give/,
    MASKED,
  ],
  [
    'an SSO client secret is given inline',
    ['argoWorkflows', 'sso'],
    {
      issuer: 'https://idp',
      redirectUrl: 'https://argo/oauth2/callback',
      clientId: { name: 'sso', key: 'id' },
      clientSecret: 's3cr3t-value',
    },
    'argoWorkflows.sso.clientSecret',
    /give/,
    MASKED,
  ],
  [
    'a database URL is given for the Airflow database Secret',
    ['airflow'],
    {
      database: { secret: 'postgresql://airflow:pw@db:5432/airflow' },
      fernetKeySecret: 'f',
      apiSecretKeySecret: 'a',
      jwtSecret: 'j',
      dags: { persistentVolumeClaim: 'dags' },
    },
    'airflow.database.secret',
    /Secret/,
    '[not shown]',
  ],
  [
    'a password is given in raw chart values',
    ['values', 'prometheus'],
    { grafana: { adminPassword: 'hunter2-secret' } },
    'values.grafana.adminPassword',
    /existingSecret/,
    '[literal hidden]',
  ],
];

/** The secret literals of SECRETS; no error message may contain one. */
const SECRET_LITERALS = /XXXXSECRET|R0UT1NGKEY|T0KEN|hunter2|s3cr3t|:pw@/;

const ALL = [...SHAPES, ...TYPOS, ...NAMES, ...SECRETS];

describe('bad input to the TypeScript API', () => {
  test('the valid spec the catalogue breaks synthesizes', () => {
    // GIVEN the catalogue's base spec, WHEN it is synthesized, THEN nothing is refused
    expect(synth(VALID_SPEC).length).toBeGreaterThan(50);
  });

  test('the catalogue has at least 120 API cases', () => {
    expect(ALL.length).toBeGreaterThanOrEqual(120);
  });

  test.each(['tostring', 'valueof', 'hasownproperty', 'prototype'])('a pool and a team named %s are ordinary names', (name) => {
    // GIVEN a pool and a team named like a member of Object.prototype
    const spec = setIn(
      setIn(setIn(VALID_SPEC, ['pools', 1, 'name'], name.toLowerCase()), ['teams', 1, 'name'], name.toLowerCase()),
      ['teams', 1, 'gpuQuota'],
      { [name.toLowerCase()]: 2 },
    );
    // WHEN it is synthesized THEN the pool's NodeGroup-free objects and the team's namespace exist
    const objects = synth(spec) as { kind: string; metadata: { name: string } }[];
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === name.toLowerCase())).toBe(true);
  });

  test.each(ALL)('throws when %s', (...args) => {
    const [, at, bad, problemPath, fix, shown] = args;
    // GIVEN the valid spec with one field broken
    const spec = setIn(VALID_SPEC, at, bad);
    // WHEN it is synthesized THEN it is refused with the field, the value and the fix
    const error = expectRefused(() => synth(spec), { path: problemPath, shown: shownOf(bad, shown, args.length), fix });
    // AND a secret given inline is never repeated
    expect(error.message).not.toMatch(SECRET_LITERALS);
  });

  test.each(ALL.filter(([, at]) => at[0] === 'pools' && at.length > 2))(
    'planPlatform and a lone pool refuse it too: %s',
    (...args) => {
      const [, at, bad, problemPath, fix, shown] = args;
      // GIVEN the same broken pool, planned alone (GpuNodePool, normalizeGpuPool) and with the platform
      const spec = setIn(VALID_SPEC, at, bad) as PlatformSpec;
      expectRefused(() => planPlatform(spec), { path: problemPath, shown: shownOf(bad, shown, args.length), fix });
      const pool = spec.pools[at[1] as number] as GpuPoolSpec;
      // THEN a lone pool is refused with a validation error too (some rules need the platform), never a TypeError
      const builds = [
        () => normalizeGpuPool(pool),
        () => new GpuNodePool(new Chart(new App(), 'c'), 'pool', { clusterName: 'ml', ...pool }),
      ];
      for (const build of builds) {
        try {
          build();
        } catch (e) {
          expect(e).toBeInstanceOf(AireadyValidationError);
        }
      }
    },
  );
});
