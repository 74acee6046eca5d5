// A throwaway repository root holding one stack (the real stacks/ai-platform program) with N GPU pools
// and T teams, for `pnpm bench` and for profiling at scale:
//   node test/bench/generated-stack.js 1000 500   # prints the root; `aiready synth` there
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const STACK = path.resolve(__dirname, '../../stacks/ai-platform');
const TYPES = [
  'g6.xlarge',
  'g6e.xlarge',
  'g5.xlarge',
  'p5.48xlarge',
  'g6.12xlarge',
  'p4d.24xlarge',
  'g4dn.xlarge',
  'g6e.12xlarge',
];

/**
 * A new folder with stacks/ai-platform: the real program (linked) and a Pulumi.bench.yaml of `pools`
 * pools (three in four Karpenter NodePools, one in four EKS managed node groups) and `teams` teams:
 * team i has one GPU of quota on pool i mod pools while that pool has room (every node has a GPU at
 * least), else no GPU quota, so quotas never exceed what the pools hold.
 */
function generatedRoot(pools, teams = 0) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `aiready-bench-${pools}x${teams}-`));
  const dir = path.join(root, 'stacks/ai-platform');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(STACK, 'Pulumi.yaml'), path.join(dir, 'Pulumi.yaml'));
  fs.symlinkSync(path.join(STACK, 'lib'), path.join(dir, 'lib'));
  const lines = [
    'config:',
    '  aws:region: us-east-1',
    '  ai-platform:clusterName: bench',
    '  ai-platform:natGateways: single',
    '  ai-platform:publicAccessCidrs: [198.51.100.7/32]',
    '  ai-platform:pools:',
  ];
  const maxNodes = (i) => 2 + (i % 3);
  for (let i = 0; i < pools; i++) {
    lines.push(`    - name: pool-${String(i).padStart(4, '0')}`);
    lines.push(`      instanceTypes: [${TYPES[i % TYPES.length]}]`);
    lines.push(`      provisioner: ${i % 4 === 3 ? 'managed-node-group' : 'karpenter'}`);
    lines.push(`      maxNodes: ${maxNodes(i)}`);
  }
  if (teams > 0) lines.push('  ai-platform:teams:');
  for (let i = 0; i < teams; i++) {
    lines.push(`    - name: team-${String(i).padStart(3, '0')}`);
    if (Math.floor(i / pools) < maxNodes(i % pools))
      lines.push(`      gpuQuota: { pool-${String(i % pools).padStart(4, '0')}: 1 }`);
    lines.push(`      editGroups: [team-${i}]`);
  }
  fs.writeFileSync(path.join(dir, 'Pulumi.bench.yaml'), `${lines.join('\n')}\n`);
  return root;
}

module.exports = { generatedRoot };

if (require.main === module) {
  const [pools, teams] = process.argv.slice(2).map(Number);
  console.log(generatedRoot(pools || 1, teams || 0));
}
