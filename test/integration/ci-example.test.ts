// End to end, offline: the example CI script (examples/ci/pr-review.sh) on a fixture IaC repository
// whose pull request grows a GPU pool: synth with rendering, validation, `aiready diff --base`.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fixtureRepo, fixtureSetup } from '../support/fixture-repo';
import { sharedCacheDir } from '../support/shared-cache';
import { tempDir } from '../support/temp-files';

const ROOT = path.resolve(__dirname, '../..');
const SHARED = path.resolve(ROOT, '../shared');
const charts = path.join(SHARED, 'charts');
const kustomize = path.join(SHARED, 'kustomize');
const validator = path.join(SHARED, 'tools/kube-validate');
const SHARED_CRDS = path.join(SHARED, 'crds');
const CRD_SUBSET = path.join(ROOT, 'test/support/crd-subset.js');
const ready = fs.existsSync(charts) && `${process.platform}-${process.arch}` === 'linux-x64';
if (!ready) process.stderr.write(`SKIPPED: CI example end to end, needs ${charts} and linux/amd64 for the bundled helm\n`);
const withCharts = ready ? test : test.skip;

describe('examples/ci/pr-review.sh', () => {
  withCharts(
    'renders, validates and posts a Markdown diff of exactly what the pull request changes',
    () => {
      // GIVEN a repository whose pull request grows its GPU pool from 2 to 4 nodes
      const work = fixtureRepo(2, 4);
      // kube-validate checks PrometheusRules only in jest (it cannot compile that CRD): leave them out here.
      // It reads the CRDs the objects use only (test/support/crd-subset.js: the same verdicts, 9 s less).
      const scratch = tempDir('aiready-ci');
      const validate = path.join(scratch, 'validate.sh');
      fs.writeFileSync(
        validate,
        fs.existsSync(validator)
          ? [
              '#!/usr/bin/env bash',
              'set -euo pipefail',
              `mapfile -t f < <(find "$@" -name '*.yaml' ! -name prometheusrule.yaml | sort)`,
              `crds=$(mktemp -d ${JSON.stringify(path.join(scratch, 'crds-XXXXXX'))})`,
              `${JSON.stringify(process.execPath)} ${JSON.stringify(CRD_SUBSET)} ${JSON.stringify(SHARED_CRDS)} "$crds" "\${f[@]}"`,
              `out=$(${validator} --crds "$crds" --strict-kinds --quiet "\${f[@]}" 2>&1) || { echo "$out"; exit 1; }`,
              'echo "$out" | tail -n 1',
              '',
            ].join('\n')
          : '#!/usr/bin/env bash\necho "kube-validate: not here, skipped"\n',
        { mode: 0o755 },
      );
      // WHEN the CI script runs, offline, with the pinned charts as its chart cache
      const run = spawnSync('bash', [path.join(ROOT, 'examples/ci/pr-review.sh')], {
        cwd: work,
        encoding: 'utf8',
        env: {
          ...process.env,
          AIREADY: path.join(work, 'node_modules/.bin/aiready'),
          // Renders the render test checks from a cold cache: here they may come from an earlier run's.
          AIREADY_CACHE_DIR: sharedCacheDir(),
          AIREADY_CHART_CACHE: charts,
          AIREADY_KUSTOMIZE_CACHE: kustomize,
          AIREADY_BASE_SETUP: fixtureSetup(work),
          VALIDATE: validate,
          REVIEW_FILE: 'review.md',
        },
      });
      // THEN it succeeds, everything validates, and the comment holds exactly the pool's change
      expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr + run.stdout }).toEqual({ status: 0, stderr: '' });
      expect(run.stdout).toContain('changes against origin/main: review.md');
      const validated = run.stdout.split('\n').filter((l) => l.startsWith('kube-validate:'));
      expect(validated).toHaveLength(1);
      if (fs.existsSync(validator)) expect(validated[0]).toMatch(/ [1-9]\d* passed, 0 failed, 0 skipped$/);
      const review = fs.readFileSync(path.join(work, 'review.md'), 'utf8');
      expect(review).toBe(`## aiready diff against \`origin/main\`

1 target differs: \`examples/platform\`

### \`examples/platform\` (changed)

**GPUs and cost**

- l4: nodes 0-2 → 0-4, max GPUs 2 → 4 (+2), max GPU-h/day 48 → 96, max $/h $1.61 → $3.22
- **all pools at full size: $1.61/h → $3.22/h (+$1.61)**

**Kubernetes objects**

| component | object | change |
| --- | --- | --- |
| manifests/gpu-node-pool | \`NodePool.karpenter.sh l4\` | changed (1 field) |

<details><summary>Changed fields</summary>

\`\`\`
manifests/gpu-node-pool: NodePool.karpenter.sh l4
  spec.limits["nvidia.com/gpu"]: 2 → 4
\`\`\`

</details>

Other files changed: \`SUMMARY.md\`
`);
      // The rendered charts are there, and the base's worktree is gone.
      expect(fs.readdirSync(path.join(work, 'dist/examples/platform/rendered')).sort()).toContain('karpenter-crd');
      expect(spawnSync('git', ['worktree', 'list'], { cwd: work, encoding: 'utf8' }).stdout.trim().split('\n')).toHaveLength(1);
    },
    600_000,
  );
});
