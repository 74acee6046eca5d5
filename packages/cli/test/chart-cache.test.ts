import { CHARTS, KUBEFLOW_PIPELINES } from '@aiready/core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chartArchive, defaultCacheDir, gitCloneCommand, helmPullCommand, pinSource, pullPlan } from '../src/chart-cache';
import { pullCharts, remoteBases } from '../src/charts-pull';

describe('defaultCacheDir', () => {
  it.each([
    [{ XDG_CACHE_HOME: '/x' }, 'linux', '/x/aiready'],
    [{}, 'linux', '/home/u/.cache/aiready'],
    [{}, 'darwin', '/home/u/Library/Caches/aiready'],
  ] as const)('%j on %s: %s', (env, platform, expected) => {
    expect(defaultCacheDir(env, '/home/u', platform)).toBe(expected);
  });
});

describe('chartArchive', () => {
  it('throws when the chart is not in the cache, naming the command that fetches it', () => {
    expect(() => chartArchive('/nonexistent/cache', 'gpu-operator', 'v26.7.0')).toThrow(
      'chart gpu-operator v26.7.0 is not in the chart cache /nonexistent/cache (no gpu-operator-v26.7.0.tgz). Fix: run `aiready charts pull --chart-cache /nonexistent/cache`',
    );
  });
});

describe('charts pull commands', () => {
  it.each([
    [
      CHARTS.gpuOperator,
      ['pull', 'gpu-operator', '--repo', 'https://helm.ngc.nvidia.com/nvidia', '--version', 'v26.7.0', '--destination', '/c'],
    ],
    [CHARTS.karpenter, ['pull', 'oci://public.ecr.aws/karpenter/karpenter', '--version', '1.14.1', '--destination', '/c']],
    [CHARTS.kueue, ['pull', 'oci://registry.k8s.io/kueue/charts/kueue', '--version', '0.19.2', '--destination', '/c']],
  ])('helm pull of %s', (pin, args) => {
    expect(helmPullCommand('helm', pin, '/c')).toEqual({ command: 'helm', args });
  });

  it('git clone of a kustomize pin at its tag, shallow', () => {
    expect(gitCloneCommand(pinSource(KUBEFLOW_PIPELINES), '/c')).toEqual({
      command: 'git',
      args: [
        'clone',
        '--quiet',
        '--depth',
        '1',
        '--branch',
        '2.17.0',
        'https://github.com/kubeflow/pipelines.git',
        '/c/kustomize/pipelines@2.17.0',
      ],
    });
  });

  it('plans only what the cache lacks', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-pull-'));
    fs.writeFileSync(path.join(cache, 'karpenter-1.14.1.tgz'), '');
    fs.mkdirSync(path.join(cache, 'kustomize', 'kubeflow-pipelines@2.17.0'), { recursive: true });
    const plan = pullPlan('helm', cache);
    expect(plan.map((c) => c.args[1])).not.toContain('oci://public.ecr.aws/karpenter/karpenter');
    expect(plan.filter((c) => c.command === 'git')).toEqual([]);
    expect(plan).toHaveLength(Object.keys(CHARTS).length - 1);
  });
});

describe('pullCharts', () => {
  it('pulls every chart, then the pinned bases and the remote bases they name', async () => {
    // GIVEN a runner that fakes the network: git clone writes a base naming a remote Argo base
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-pull-'));
    const ran: string[] = [];
    const run = async (c: { command: string; args: readonly string[] }) => {
      ran.push(`${c.command} ${c.args.join(' ')}`);
      if (c.command !== 'git') return;
      const dest = c.args[c.args.length - 1];
      fs.mkdirSync(path.join(dest, 'base'), { recursive: true });
      if (dest.includes('pipelines'))
        fs.writeFileSync(
          path.join(dest, 'base', 'kustomization.yaml'),
          'resources:\n- https://github.com/argoproj/argo-workflows/manifests/base/workflow-controller?ref=v4.0.5&timeout=60s\n',
        );
    };
    // WHEN
    const count = await pullCharts('helm', cache, () => {}, run);
    // THEN
    expect(count).toBe(Object.keys(CHARTS).length + 2);
    expect(ran.slice(-2)).toEqual([
      `git clone --quiet --depth 1 --branch 2.17.0 https://github.com/kubeflow/pipelines.git ${cache}/kustomize/pipelines@2.17.0`,
      `git clone --quiet --depth 1 --branch v4.0.5 https://github.com/argoproj/argo-workflows.git ${cache}/kustomize/argo-workflows@v4.0.5`,
    ]);
    expect(remoteBases(path.join(cache, 'kustomize'))).toEqual([{ org: 'argoproj', repo: 'argo-workflows', ref: 'v4.0.5' }]);
  });

  it('says it needs the network when a pull fails', async () => {
    const { runCommand } = await import('../src/charts-pull');
    await expect(runCommand({ command: 'git', args: ['clone', '/nonexistent/aiready-repo', '/tmp/x'] })).rejects.toThrow(
      /git clone \/nonexistent\/aiready-repo \/tmp\/x failed \(it needs the network\):\n.+/,
    );
  });
});
