import { GpuPoolSpec } from '@aiready/core';
import { Testing } from 'cdk8s';
import { GpuNodePool, NvidiaGpuOperator, ReleaseMaterializer } from '../src';
import { only, releaseValues, synth } from './util';

function operatorFor(specs: GpuPoolSpec[], values?: Record<string, unknown>) {
  const chart = Testing.chart();
  const pools = specs.map((s, i) => new GpuNodePool(chart, `p${i}`, { ...s, clusterName: 'c1' }));
  new NvidiaGpuOperator(chart, 'op', { pools, values });
  return synth(chart);
}

describe('NvidiaGpuOperator', () => {
  test.each([['al2023'], ['bottlerocket']] as const)('values for %s pools (snapshot)', (amiFamily) => {
    expect(
      releaseValues(operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'], amiFamily }]), 'gpu-operator'),
    ).toMatchSnapshot();
  });

  test('driver and toolkit are off when the AMIs ship them', () => {
    const values = releaseValues(operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'] }]), 'gpu-operator');
    expect(values.driver.enabled).toBe(false);
    expect(values.toolkit.enabled).toBe(false);
    expect(values.devicePlugin.enabled).toBe(true);
  });

  test('every GPU DaemonSet and the NFD worker tolerate every pool taint, derived from the pools', () => {
    const values = releaseValues(
      operatorFor([
        { name: 'a', instanceTypes: ['g6.xlarge'] },
        { name: 'b', instanceTypes: ['g6e.xlarge'], taints: [{ key: 'example.com/team', value: 'ml', effect: 'NoSchedule' }] },
      ]),
      'gpu-operator',
    );
    const expected = [
      { key: 'example.com/team', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ];
    expect(values.daemonsets.tolerations).toEqual(expected);
    expect(values['node-feature-discovery'].worker.tolerations).toEqual(expected);
  });

  test('the namespace is privileged, as the operator needs, and warns at restricted', () => {
    const ns = only(operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'] }]), 'Namespace', 'gpu-operator');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('raw values are merged last', () => {
    const values = releaseValues(
      operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'] }], { driver: { enabled: true, version: '595.91.07' } }),
      'gpu-operator',
    );
    expect(values.driver).toEqual({ enabled: true, version: '595.91.07' });
    expect(values.toolkit.enabled).toBe(false);
  });

  test('the release is pinned and installed through Argo CD by default', () => {
    const app = only(operatorFor([{ name: 'g', instanceTypes: ['g6.xlarge'] }]), 'Application', 'gpu-operator');
    expect(app.spec.source).toMatchObject({
      repoURL: 'https://helm.ngc.nvidia.com/nvidia',
      chart: 'gpu-operator',
      targetRevision: 'v26.7.0',
    });
    expect(app.spec.destination.namespace).toBe('gpu-operator');
  });

  test('with an external materialiser only the namespace is emitted', () => {
    const chart = Testing.chart();
    const pool = new GpuNodePool(chart, 'p', { name: 'g', instanceTypes: ['g6.xlarge'], clusterName: 'c1' });
    const op = new NvidiaGpuOperator(chart, 'op', { pools: [pool], releaseMaterializer: ReleaseMaterializer.external() });
    expect(
      synth(chart)
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['EC2NodeClass', 'Namespace', 'NodePool']);
    expect(op.release.spec.values).toMatchObject({ driver: { enabled: false } });
  });

  test('throws when it serves no pool', () => {
    expect(() => new NvidiaGpuOperator(Testing.chart(), 'op', { pools: [] })).toThrow(/pass the GpuNodePools/);
  });
});
