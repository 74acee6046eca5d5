import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DistTree, diffDist, readDist } from '../src/diff';
import { fieldChanges, flatten } from '../src/diff-fields';
import { planChanges } from '../src/diff-plan';
import { parseSummaryPools, summaryTotal } from '../src/diff-summary';
import { markdownReport, MARKDOWN_LIMIT, showValue, textReport } from '../src/diff-report';

const summary = (maxNodes: number, usd: string) => `# Stack p/dev

## GPU pools

| pool | provisioner | purpose | capacity | instance types | GPU | GPUs/node | nodes | GPU limit | max GPUs | max GPU-h/day | max $/h |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| l4 | karpenter | inference | spot | g6.xlarge | NVIDIA L4 | 1 | 0-${maxNodes} | ${maxNodes} | ${maxNodes} | ${maxNodes * 24} | $${usd} |

At full size the pools cost at most about $${usd}/h on demand.
`;

const nodePool = (limit: number) => `apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: l4
spec:
  limits:
    nvidia.com/gpu: ${limit}
`;

const plan = (maxSize: number, instanceType = 'g6e.xlarge') =>
  JSON.stringify({
    resources: [
      { type: 'aws:eks/nodeGroup:NodeGroup', name: 'ng', inputs: { scalingConfig: { maxSize }, instanceTypes: [instanceType] } },
    ],
  });

function tree(files: Record<string, string>): DistTree {
  return new Map([['p-dev', new Map(Object.entries(files))]]);
}

describe('fieldChanges', () => {
  it('lists changed, added and removed leaves by path', () => {
    expect(fieldChanges({ a: { b: 1, c: [1, 2] }, 'x.y': 1 }, { a: { b: 2, c: [1] }, d: {} })).toEqual([
      { path: '["x.y"]', old: 1 },
      { path: 'a.b', old: 1, new: 2 },
      { path: 'a.c[1]', old: 2 },
      { path: 'd', new: {} },
    ]);
    expect([...flatten({ m: {}, l: [] }).keys()]).toEqual(['m', 'l']);
  });
});

describe('diffDist', () => {
  it('finds object, pool, cost and cloud changes of one target', () => {
    // GIVEN two trees where one pool grew from 3 to 5 nodes
    const a = tree({
      'SUMMARY.md': summary(3, '2.41'),
      'manifests/gpu-node-pool/nodepool.yaml': nodePool(3),
      'plan.json': plan(3),
    });
    const b = tree({
      'SUMMARY.md': summary(5, '4.02'),
      'manifests/gpu-node-pool/nodepool.yaml': nodePool(5),
      'plan.json': plan(5),
    });
    // WHEN
    const [t] = diffDist(a, b).targets;
    // THEN
    expect(t.components).toEqual([
      {
        component: 'manifests/gpu-node-pool',
        objects: [
          {
            change: 'changed',
            object: 'NodePool.karpenter.sh l4',
            fields: [{ path: 'spec.limits["nvidia.com/gpu"]', old: 3, new: 5 }],
          },
        ],
      },
    ]);
    expect(t.pools).toEqual([
      {
        pool: 'l4',
        old: { nodes: '0-3', maxGpus: 3, maxGpuHoursPerDay: 72, maxUsdPerHour: 2.41 },
        new: { nodes: '0-5', maxGpus: 5, maxGpuHoursPerDay: 120, maxUsdPerHour: 4.02 },
      },
    ]);
    expect(t.usdPerHour).toEqual({ old: 2.41, new: 4.02 });
    expect(t.cloud).toEqual([
      {
        change: 'updated',
        resource: 'aws:eks/nodeGroup:NodeGroup::ng',
        inputs: [{ path: 'scalingConfig.maxSize', old: 3, new: 5 }],
      },
    ]);
    expect(t.otherFiles).toEqual(['SUMMARY.md']);
  });

  it('finds nothing in identical trees, and whole targets added or removed', () => {
    const a = tree({ 'SUMMARY.md': summary(3, '2.41') });
    expect(diffDist(a, a).targets).toEqual([]);
    expect(diffDist(new Map(), a).targets.map((t) => t.change)).toEqual(['added']);
    expect(diffDist(a, new Map()).targets.map((t) => t.change)).toEqual(['removed']);
  });

  it('reads a dist folder: every folder with a SUMMARY.md is a target', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-dist-'));
    for (const f of [
      'p-dev/SUMMARY.md',
      'p-dev/manifests/c/configmap.yaml',
      'examples/x/SUMMARY.md',
      'examples/x/rendered/r/pod.yaml',
    ]) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), f);
    }
    const dist = readDist(dir);
    expect([...dist.keys()]).toEqual(['examples/x', 'p-dev']);
    expect([...dist.get('examples/x')!.keys()].sort()).toEqual(['SUMMARY.md', 'rendered/r/pod.yaml']);
    expect(() => readDist(path.join(dir, 'nope'))).toThrow('synthesize it first');
  });
});

describe('planChanges', () => {
  it.each([
    ['an immutable input replaces the resource', plan(3, 'g6e.2xlarge'), 'replaced', ['instanceTypes']],
    ['a mutable input updates it in place', plan(4), 'updated', undefined],
  ])('%s', (_why, b, change, replacedBy) => {
    const [c] = planChanges(plan(3), b);
    expect(c.change).toBe(change);
    expect(c.replacedBy).toEqual(replacedBy);
  });

  it('lists added and removed resources', () => {
    const empty = JSON.stringify({ resources: [] });
    expect(planChanges(empty, plan(3)).map((c) => c.change)).toEqual(['added']);
    expect(planChanges(plan(3), empty).map((c) => c.change)).toEqual(['removed']);
  });
});

describe('SUMMARY facts', () => {
  it('reads the pool table by its headers, and the total', () => {
    expect(parseSummaryPools(summary(3, '2.41')).get('l4')).toEqual({
      nodes: '0-3',
      maxGpus: 3,
      maxGpuHoursPerDay: 72,
      maxUsdPerHour: 2.41,
    });
    expect(summaryTotal(summary(3, '2.41'))).toBe(2.41);
    expect(parseSummaryPools('# Example\n\nno pools')).toEqual(new Map());
  });
});

describe('reports', () => {
  const a = tree({
    'SUMMARY.md': summary(3, '2.41'),
    'manifests/gpu-node-pool/nodepool.yaml': nodePool(3),
    'plan.json': plan(3),
  });
  const b = tree({
    'SUMMARY.md': summary(5, '4.02'),
    'manifests/gpu-node-pool/nodepool.yaml': nodePool(5),
    'plan.json': plan(5, 'g6e.2xlarge'),
  });
  const diff = diffDist(a, b);

  it('text: grouped by target and component, old → new', () => {
    expect(textReport(diff)).toBe(`aiready diff: 1 target differs

p-dev (changed)
  GPUs and cost (SUMMARY.md):
    l4: nodes 0-3 → 0-5, max GPUs 3 → 5 (+2), max GPU-h/day 72 → 120, max $/h $2.41 → $4.02
    all pools at full size: $2.41/h → $4.02/h (+$1.61)
  manifests/gpu-node-pool:
    ~ NodePool.karpenter.sh l4
        spec.limits["nvidia.com/gpu"]: 3 → 5
  cloud resources (plan.json):
    ± aws:eks/nodeGroup:NodeGroup::ng (replaced: instanceTypes changed)
        instanceTypes[0]: "g6e.xlarge" → "g6e.2xlarge"
        scalingConfig.maxSize: 3 → 5
  other files changed: SUMMARY.md
`);
    expect(textReport({ targets: [] })).toBe('aiready diff: no differences\n');
  });

  it('markdown: tables, replaced resources in bold, field details folded', () => {
    const md = markdownReport(diff);
    expect(md).toContain('| manifests/gpu-node-pool | `NodePool.karpenter.sh l4` | changed (1 field) |');
    expect(md).toContain('| `aws:eks/nodeGroup:NodeGroup::ng` | **replaced** (instanceTypes) |');
    expect(md).toContain('<details><summary>Changed fields</summary>');
    expect(md).toContain('- **all pools at full size: $2.41/h → $4.02/h (+$1.61)**');
  });

  it('markdown stays short enough for a pull-request comment', () => {
    const many = (n: number) =>
      tree(
        Object.fromEntries(
          Array.from({ length: 3000 }, (_, i) => [
            `manifests/c${i}/configmap.yaml`,
            `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm${i}\ndata:\n  k: "${'x'.repeat(40)}${n}"\n`,
          ]),
        ),
      );
    const md = markdownReport(diffDist(many(1), many(2)));
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(md).toContain('run `aiready diff` locally');
  });

  it.each([
    ['a long string', 'x'.repeat(200), `"${'x'.repeat(78)}…`],
    ['a multi-line string', 'a\nb\nc', '"a"… (3 lines)'],
    ['a missing value', undefined, '(none)'],
  ])('shows %s on one line', (_why, v, shown) => {
    expect(showValue(v)).toBe(shown);
  });
});
