import { INSTALL_WAVE_ANNOTATION } from '@aiready/core';
import { KubeObject, layoutStages, planInstallStages } from '../src';

const obj = (kind: string, apiVersion: string, wave?: number): KubeObject =>
  ({
    apiVersion,
    kind,
    metadata: {
      name: kind.toLowerCase(),
      labels: { 'app.kubernetes.io/component': 'c' },
      ...(wave === undefined ? {} : { annotations: { [INSTALL_WAVE_ANNOTATION]: String(wave) } }),
    },
  }) as KubeObject;

describe('planInstallStages', () => {
  test('groups objects by wave, lowest first; a stated wave wins over the kind', () => {
    // GIVEN a NodePool (custom resource), a Namespace, a ConfigMap and a ConfigMap that states wave 3
    const objects = [
      obj('NodePool', 'karpenter.sh/v1'),
      obj('Namespace', 'v1'),
      obj('ConfigMap', 'v1'),
      { ...obj('ConfigMap', 'v1', 3), metadata: { ...obj('ConfigMap', 'v1', 3).metadata, name: 'late' } },
    ];
    // WHEN
    const stages = planInstallStages(objects);
    // THEN
    expect(stages.map((s) => [s.wave, s.folder, s.objects.map((o) => o.metadata?.name)])).toEqual([
      [-10, 'namespaces', ['namespace']],
      [-5, 'configuration', ['configmap']],
      [1, 'custom-resources', ['nodepool']],
      [3, 'releases-wave-3', ['late']],
    ]);
  });

  test('lays stages out as <stage>/<component>/<kind>.yaml', () => {
    const files = layoutStages(planInstallStages([obj('NodePool', 'karpenter.sh/v1'), obj('Namespace', 'v1')]));
    expect(files.map((f) => f.path)).toEqual(['custom-resources/c/nodepool.yaml', 'namespaces/c/namespace.yaml']);
  });
});
