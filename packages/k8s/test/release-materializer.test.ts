import { CHARTS } from '@aiready/core';
import { Testing } from 'cdk8s';
import { FluxMaterializer, HelmRelease, ReleaseMaterializer } from '../src';
import { only, synth } from './util';

describe('ReleaseMaterializer', () => {
  it.each([
    ['argoCd()', () => ReleaseMaterializer.argoCd(), 'argocd'],
    ['flux({ path })', () => ReleaseMaterializer.flux({ path: './ai' }), 'flux'],
    ['external()', () => ReleaseMaterializer.external(), 'external'],
  ])('%s is %s', (_name, make, kind) => {
    expect(make().kind).toBe(kind);
  });

  test('flux() is a FluxMaterializer, with the layout synth needs', () => {
    expect(ReleaseMaterializer.flux({ path: './ai' })).toBeInstanceOf(FluxMaterializer);
  });

  test('rendered() emits nothing for a release: it stays data, and synth --render renders its chart', () => {
    // GIVEN a release under the rendered materialiser; WHEN synthesized; THEN no object, one release
    const chart = Testing.chart();
    const m = ReleaseMaterializer.rendered();
    new HelmRelease(chart, 'k', { pin: CHARTS.karpenter, component: 'karpenter', values: {}, materializer: m });
    expect([m.kind, synth(chart), HelmRelease.all(chart).map((r) => r.spec.releaseName)]).toEqual([
      'rendered',
      [],
      ['karpenter'],
    ]);
  });

  test("Argo CD leaves out a chart's crds/ folder when another release owns those CRDs", () => {
    const chart = Testing.chart();
    const m = ReleaseMaterializer.argoCd();
    new HelmRelease(chart, 'k', { pin: CHARTS.karpenter, component: 'karpenter', values: {}, materializer: m, skipCrds: true });
    expect(only(synth(chart), 'Application').spec.source.helm.skipCrds).toBe(true);
  });
});
