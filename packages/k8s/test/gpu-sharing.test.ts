import { GpuPoolSpec, normalizeGpuPool, Sharing } from '@aiready/core';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  GpuNodePool,
  NvidiaGpuOperator,
  planDevicePluginConfigMap,
  planMigPartedConfig,
  planNodeClass,
  planNodePool,
} from '../src';
import { only, releaseValues, synth } from './util';

const TS: GpuPoolSpec = { name: 'l4', instanceTypes: ['g6.xlarge'], sharing: Sharing.timeSlicing(4) };
const MIG: GpuPoolSpec = { name: 'h100', instanceTypes: ['p5.48xlarge'], efa: false, sharing: Sharing.mig('all-balanced') };
const PLAIN: GpuPoolSpec = { name: 'l40s', instanceTypes: ['g6e.xlarge'] };

describe('sharing plan', () => {
  test('the device-plugin config has the default entry and one per sharing pool, nothing else', () => {
    const data = planDevicePluginConfigMap([TS, MIG, PLAIN].map((s) => normalizeGpuPool(s)))!;
    expect(Object.keys(data).sort()).toEqual(['default', 'h100', 'l4']);
    expect(YAML.parse(data.l4)).toEqual({
      version: 'v1',
      flags: { migStrategy: 'none' },
      sharing: {
        timeSlicing: {
          renameByDefault: true,
          failRequestsGreaterThanOne: true,
          resources: [{ name: 'nvidia.com/gpu', replicas: 4 }],
        },
      },
    });
    expect(YAML.parse(data.h100)).toEqual({ version: 'v1', flags: { migStrategy: 'mixed' } });
  });

  test('MPS entries', () => {
    const data = planDevicePluginConfigMap([normalizeGpuPool({ ...TS, sharing: Sharing.mps(2, false) })])!;
    expect(YAML.parse(data.l4).sharing).toEqual({
      mps: { renameByDefault: false, resources: [{ name: 'nvidia.com/gpu', replicas: 2 }] },
    });
  });

  test('no sharing, no config map', () => {
    expect(planDevicePluginConfigMap([normalizeGpuPool(PLAIN)])).toBeUndefined();
    expect(planMigPartedConfig([normalizeGpuPool(PLAIN)])).toBeUndefined();
  });

  test('every label a pool sets names an entry that exists', () => {
    const pools = [TS, MIG, PLAIN, { name: 'a100', instanceTypes: ['p4d.24xlarge'], efa: false }].map((s) => normalizeGpuPool(s));
    const devicePlugin = planDevicePluginConfigMap(pools)!;
    const mig = YAML.parse(planMigPartedConfig(pools)!)['mig-configs'];
    for (const p of pools) {
      const dp = p.nodeLabels['nvidia.com/device-plugin.config'];
      if (dp) expect(devicePlugin[dp]).toBeDefined();
      const layout = p.nodeLabels['nvidia.com/mig.config'];
      if (layout) expect(mig[layout]).toBeDefined();
    }
    expect(Object.keys(mig).sort()).toEqual(['aiready-h100-balanced', 'all-disabled']);
    expect(mig['aiready-h100-balanced']).toEqual([
      { devices: 'all', 'mig-enabled': true, 'mig-devices': { '1g.10gb': 2, '2g.20gb': 1, '3g.40gb': 1 } },
    ]);
  });
});

describe('NvidiaGpuOperator with sharing', () => {
  function operator(specs: GpuPoolSpec[], values?: Record<string, unknown>) {
    const chart = Testing.chart();
    const pools = specs.map((s, i) => new GpuNodePool(chart, `p${i}`, { ...s, clusterName: 'c1' }));
    new NvidiaGpuOperator(chart, 'op', { pools, values });
    return synth(chart);
  }

  test('points the device plugin and MIG manager at aiready config maps by name', () => {
    const objs = operator([TS, MIG]);
    const values = releaseValues(objs, 'gpu-operator');
    expect(values.devicePlugin.config).toEqual({ name: 'aiready-device-plugin-config', default: 'default', create: false });
    expect(values.migManager.config).toEqual({ name: 'aiready-mig-parted-config', default: 'all-disabled', create: false });
    expect(values.mig.strategy).toBe('mixed');
    expect(only(objs, 'ConfigMap', 'aiready-mig-parted-config').data['config.yaml']).toContain('aiready-h100-balanced');
    expect(only(objs, 'ConfigMap', 'aiready-device-plugin-config').metadata.namespace).toBe('gpu-operator');
  });

  test('throws when time-slicing is asked while the device plugin is disabled', () => {
    expect(() => operator([TS], { devicePlugin: { enabled: false } })).toThrow(/values\.devicePlugin\.enabled.*l4 share GPUs/);
  });
});

describe('Karpenter plan for capacity features', () => {
  const target = { clusterName: 'c1', nodeRole: 'role' };

  test('EFA: primary interface, one EFA-only interface per card, the placement group, one zone', () => {
    const pool = normalizeGpuPool({ name: 'p5', instanceTypes: ['p5.48xlarge'], purpose: 'training', zones: ['us-east-1a'] });
    const nc = planNodeClass(pool, target);
    expect(nc.networkInterfaces).toHaveLength(33);
    expect(nc.networkInterfaces![0]).toEqual({ networkCardIndex: 0, deviceIndex: 0, interfaceType: 'interface' });
    expect(nc.networkInterfaces!.filter((i) => i.interfaceType === 'efa-only').map((i) => i.networkCardIndex)).toEqual([
      ...Array(32).keys(),
    ]);
    expect(nc.placementGroupSelector).toEqual({ name: 'c1-p5' });
    expect(planNodePool(pool).template.spec.requirements).toContainEqual({
      key: 'topology.kubernetes.io/zone',
      operator: 'In',
      values: ['us-east-1a'],
    });
  });

  test('reserved pools select their reservations and are preferred', () => {
    const byId = normalizeGpuPool({
      name: 'r',
      instanceTypes: ['g6.xlarge'],
      capacityType: 'reserved',
      capacityReservation: { ids: ['cr-0123456789abcdef0'] },
    });
    expect(planNodeClass(byId, target).capacityReservationSelectorTerms).toEqual([{ id: 'cr-0123456789abcdef0' }]);
    expect(planNodePool(byId).weight).toBe(50);
    expect(planNodePool(byId).template.spec.requirements).toContainEqual({
      key: 'karpenter.sh/capacity-type',
      operator: 'In',
      values: ['reserved'],
    });
    const byTag = normalizeGpuPool({
      name: 'r',
      instanceTypes: ['g6.xlarge'],
      capacityType: 'reserved',
      capacityReservation: { tags: { team: 'ml' } },
    });
    expect(planNodeClass(byTag, target).capacityReservationSelectorTerms).toEqual([{ tags: { team: 'ml' } }]);
  });

  test('volume size and throughput reach the node class', () => {
    const pool = normalizeGpuPool({ name: 'v', instanceTypes: ['g6.xlarge'], imageVolumeGiB: 500, volumeThroughputMiBps: 1000 });
    expect(planNodeClass(pool, target).blockDeviceMappings![0].ebs).toMatchObject({ volumeSize: '500Gi', throughput: 1000 });
  });

  test('EFA in a Capacity Block: the interfaces, but no placement group (the block is co-located already)', () => {
    // GIVEN an EFA training pool launched into a Capacity Block
    const pool = normalizeGpuPool({
      name: 'cb',
      instanceTypes: ['p5.48xlarge'],
      purpose: 'training',
      zones: ['us-east-1a'],
      capacityType: 'reserved',
      capacityReservation: { ids: ['cr-0a1b2c3d4e5f60718'], capacityBlock: true },
    });
    // WHEN its node class is planned
    const nc = planNodeClass(pool, target);
    // THEN EFA interfaces are there and no placement group is selected
    expect(nc.networkInterfaces).toHaveLength(33);
    expect(nc.placementGroupSelector).toBeUndefined();
  });

  test('no EFA, no interfaces or placement group', () => {
    const nc = planNodeClass(normalizeGpuPool(PLAIN), target);
    expect(nc.networkInterfaces).toBeUndefined();
    expect(nc.placementGroupSelector).toBeUndefined();
    expect(nc.capacityReservationSelectorTerms).toBeUndefined();
  });
});
