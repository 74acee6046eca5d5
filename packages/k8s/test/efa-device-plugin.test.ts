import { Sharing } from '@aiready/core';
import { App } from 'cdk8s';
import { AiPlatform } from '../src';
import { Obj, only, releaseValues } from './util';

describe('EfaDevicePlugin', () => {
  test('installed with a pool that has EFA, tolerating every taint of the EFA pools', () => {
    // GIVEN an EFA training pool with an extra taint, and a pool without EFA
    const p = new AiPlatform(new App(), 'p', {
      clusterName: 'c1',
      pools: [
        {
          name: 'h100',
          instanceTypes: ['p5.48xlarge'],
          purpose: 'training',
          zones: ['us-east-1a'],
          taints: [{ key: 'example.com/training', effect: 'NoSchedule' }],
        },
        { name: 'l4', instanceTypes: ['g6.xlarge'], sharing: Sharing.timeSlicing(2) },
      ],
    });
    const objs = p.toJson() as Obj[];
    // THEN the plugin's chart is pinned and reaches the tainted GPU nodes
    const app = only(objs, 'Application', 'aws-efa-k8s-device-plugin');
    expect(app.spec.source).toMatchObject({ repoURL: 'https://aws.github.io/eks-charts', targetRevision: 'v0.5.30' });
    expect(app.spec.destination.namespace).toBe('kube-system');
    expect(releaseValues(objs, 'aws-efa-k8s-device-plugin')).toEqual({
      tolerations: [
        { key: 'example.com/training', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
    });
  });

  test.each([
    ['replace them with unrelated ones', [{ key: 'example.com/x', operator: 'Exists' }]],
    ['are not a list', { key: 'nvidia.com/gpu' }],
  ])('throws when raw tolerations %s, dropping the GPU taint', (_why, tolerations) => {
    // GIVEN an EFA pool and raw values replacing the plugin's tolerations
    const build = () =>
      new AiPlatform(new App(), 'p', {
        clusterName: 'c1',
        pools: [{ name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'] }],
        values: { efaDevicePlugin: { tolerations } },
      }).toJson();
    // THEN the override is refused with the tolerations to keep
    expect(build).toThrow(
      /values\.tolerations = .*does not tolerate nvidia\.com\/gpu=true:NoSchedule \(pools h100\).*Fix: keep aiready's tolerations and add yours to them: \[\{"key":"nvidia.com\/gpu","operator":"Exists","effect":"NoSchedule"\}\]/,
    );
  });

  test('raw tolerations that keep the GPU taint are taken', () => {
    const p = new AiPlatform(new App(), 'p', {
      clusterName: 'c1',
      pools: [{ name: 'h100', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'] }],
      values: { efaDevicePlugin: { tolerations: [{ operator: 'Exists' }] } },
    });
    expect(releaseValues(p.toJson() as Obj[], 'aws-efa-k8s-device-plugin').tolerations).toEqual([{ operator: 'Exists' }]);
  });

  test('not installed when no pool has EFA', () => {
    const p = new AiPlatform(new App(), 'p', { clusterName: 'c1', pools: [{ name: 'l4', instanceTypes: ['g6.xlarge'] }] });
    expect(p.efaDevicePlugin).toBeUndefined();
    expect((p.toJson() as Obj[]).some((o) => o.metadata.name === 'aws-efa-k8s-device-plugin')).toBe(false);
  });
});
