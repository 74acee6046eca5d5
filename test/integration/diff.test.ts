// End to end: `aiready diff` of two real synths of this repository's dev stack, one pool's maxNodes
// changed: exactly the NodePool limit, the pool's GPU and cost rows, and nothing else. The first is the
// jest run's shared synth of the repository (test/support/reference-synth.ts), the second a copy of the
// stack synthesized on its own with the shared synth's render cache.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CAN_RENDER, referenceSynth, renderFlags, SHARED } from '../support/reference-synth';
import { stackCopy } from '../support/repo-files';
import { tempDir } from '../support/temp-files';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'packages/cli/bin/aiready.js');
if (!CAN_RENDER)
  process.stderr.write(`SKIPPED: rendering in the diff test (${SHARED}/charts or linux/amd64 missing); diffing without it\n`);

describe('aiready diff of two real synths', () => {
  test("one Karpenter pool's maxNodes from 3 to 5 changes its NodePool limit, its GPUs and its cost, and nothing else", async () => {
    // GIVEN the dev stack as it is (synthesized with the rest of the repository), and with l4-inference's
    // maxNodes raised
    const config = fs.readFileSync(path.join(ROOT, 'stacks/ai-platform/Pulumi.dev.yaml'), 'utf8');
    expect(config).toMatch(/- name: l4-inference\n(?: {6}.*\n)*? {6}maxNodes: 3\n/);
    const reference = await referenceSynth();
    const before = tempDir('aiready-before');
    fs.cpSync(path.join(reference.dir, 'ai-platform-dev'), path.join(before, 'dist/ai-platform-dev'), { recursive: true });
    const after = stackCopy((c) => c.replace(/(- name: l4-inference\n(?: {6}.*\n)*? {6}maxNodes: )3\n/, '$15\n'));
    const flags = CAN_RENDER ? renderFlags(reference.cacheDir, false) : [];
    const run = spawnSync(process.execPath, [BIN, 'synth', ...flags], { cwd: after, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
    // WHEN
    const diff = spawnSync(process.execPath, [BIN, 'diff', path.join(before, 'dist'), path.join(after, 'dist')], {
      encoding: 'utf8',
    });
    // THEN exit 1 (different), and exactly these changes
    expect(diff.status).toBe(1);
    expect(diff.stdout).toBe(`aiready diff: 1 target differs

ai-platform-dev (changed)
  GPUs and cost (SUMMARY.md):
    l4-inference: nodes 0-3 → 0-5, max GPUs 3 → 5 (+2), max GPU-h/day 72 → 120, max $/h $2.41 → $4.02
    all pools at full size: $6.14/h → $7.75/h (+$1.61)
  manifests/gpu-node-pool:
    ~ NodePool.karpenter.sh l4-inference
        spec.limits["nvidia.com/gpu"]: 3 → 5
  other files changed: SUMMARY.md
`);
    if (CAN_RENDER) expect(fs.readdirSync(path.join(after, 'dist/ai-platform-dev/rendered')).length).toBeGreaterThan(0);
    // And a synth compared with itself is identical: exit 0.
    const same = spawnSync(process.execPath, [BIN, 'diff', path.join(after, 'dist'), path.join(after, 'dist')], {
      encoding: 'utf8',
    });
    expect([same.status, same.stdout]).toEqual([0, 'aiready diff: no differences\n']);
    for (const d of [before, after]) fs.rmSync(d, { recursive: true, force: true });
  }, 600_000);
});
