import { GpuPoolSpec, normalizeGpuPool } from '@aiready/core';
import { App, Testing } from 'cdk8s';
import { AiPlatform, ClusterAutoscaler, GpuNodePool, planExpanderPriorities } from '../src';
import { releaseValues, synth } from './util';

const MNG: GpuPoolSpec = { name: 'l40s', instanceTypes: ['g6e.xlarge'], provisioner: 'managed-node-group' };

describe('ClusterAutoscaler', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    const pool = GpuNodePool.fromManagedNodeGroup(chart, 'p', MNG);
    new ClusterAutoscaler(chart, 'ca', { clusterName: 'c1', region: 'us-east-1', pools: [pool] });
    const values = releaseValues(synth(chart), 'cluster-autoscaler');
    expect(values).toMatchSnapshot();
    expect(values.image.tag).toBe('v1.36.1');
    expect(values.extraArgs.expander).toBe('priority,least-waste');
  });

  test.each([
    ['1.34', 'v1.34.5'],
    ['1.35', 'v1.35.2'],
  ] as const)('the image matches Kubernetes %s', (version, tag) => {
    const chart = Testing.chart();
    new ClusterAutoscaler(chart, 'ca', { clusterName: 'c1', region: 'us-east-1', pools: [], kubernetesVersion: version });
    expect(releaseValues(synth(chart), 'cluster-autoscaler').image.tag).toBe(tag);
  });

  test('priorities: reservations, then spot, then on-demand; pool weight wins', () => {
    const pools = [
      { ...MNG, name: 'od' },
      { ...MNG, name: 'sp', capacityType: 'spot' as const },
      { ...MNG, name: 'rs', capacityType: 'reserved' as const, capacityReservation: { ids: ['cr-0123456789abcdef0'] } },
      { ...MNG, name: 'w', weight: 90 },
    ].map((s) => normalizeGpuPool(s));
    expect(planExpanderPriorities(pools)).toEqual({
      1: ['.*'],
      10: ['^eks-od-.*'],
      20: ['^eks-sp-.*'],
      50: ['^eks-rs-.*'],
      90: ['^eks-w-.*'],
    });
  });

  test.each([
    ['a Karpenter pool is given', { pools: 'karpenter' }, /pools = "k".*claim it too/],
    ['the region is malformed', { region: 'virginia' }, /region = "virginia"/],
    ['the threshold is not a ratio', { scaleDownGpuUtilizationThreshold: 50 }, /scaleDownGpuUtilizationThreshold/],
    ['the Kubernetes version is unsupported', { kubernetesVersion: '1.30' }, /kubernetesVersion/],
  ])('throws when %s', (_why, props, message) => {
    const chart = Testing.chart();
    const pools =
      (props as { pools?: string }).pools === 'karpenter'
        ? [new GpuNodePool(chart, 'k', { name: 'k', instanceTypes: ['g6.xlarge'], clusterName: 'c1' })]
        : [];
    const rest = { ...props } as Record<string, unknown>;
    delete rest.pools;
    expect(() => new ClusterAutoscaler(chart, 'ca', { clusterName: 'c1', region: 'us-east-1', ...rest, pools })).toThrow(message);
  });

  test('a platform with managed node group pools warns when no autoscaler is configured', () => {
    const without = new AiPlatform(new App(), 'p', { clusterName: 'c1', pools: [MNG] });
    expect(without.warnings.map((w) => w.path)).toContain('clusterAutoscaler');
    const withCa = new AiPlatform(new App(), 'p', {
      clusterName: 'c1',
      pools: [MNG],
      clusterAutoscaler: { region: 'us-east-1' },
    });
    expect(withCa.warnings.map((w) => w.path)).not.toContain('clusterAutoscaler');
    expect(withCa.releases.map((r) => r.spec.releaseName)).toContain('cluster-autoscaler');
  });
});
