import { AireadyValidationError } from '@aiready/core';
import { FluxMaterializer, fluxOptionProblems, hasValuesPath, ReleaseMaterializer, splitTargetPath } from '../src';

describe('ReleaseMaterializer.flux options', () => {
  test('defaults: flux-system, the bootstrap GitRepository, 10m reconcile and timeout', () => {
    // GIVEN only the path
    const m = ReleaseMaterializer.flux({ path: 'clusters/prod/ai/' });
    // THEN
    expect(m.layout).toEqual({
      namespace: 'flux-system',
      gitRepository: { name: 'flux-system', namespace: 'flux-system' },
      path: './clusters/prod/ai',
      name: 'aiready',
      interval: '10m',
      timeout: '10m',
    });
    expect(FluxMaterializer.isFluxMaterializer(m)).toBe(true);
    expect(FluxMaterializer.isFluxMaterializer(ReleaseMaterializer.argoCd())).toBe(false);
  });

  it.each([
    ['path', { path: '../elsewhere' }, 'is not a folder inside the Git repository Flux reconciles'],
    ['path', { path: '/abs' }, 'is not a folder inside the Git repository Flux reconciles'],
    ['namespace', { namespace: 'Flux_System' }, 'is not a DNS-1123 label'],
    ['gitRepository.name', { gitRepository: { name: 'My Repo' } }, 'is not a valid object name'],
    ['interval', { interval: '10 minutes' }, 'is not a Go duration'],
    ['timeout', { timeout: '5' }, 'is not a Go duration'],
    ['retries', { retries: -1 }, 'is not a whole number of retries'],
    [
      'valuesFrom["kube-prometheus-stack"][0].secretName',
      { valuesFrom: { 'kube-prometheus-stack': [{ secretName: 'Grafana Admin' }] } },
      'is not a Secret name',
    ],
    ['valuesFrom["a"][0].valuesKey', { valuesFrom: { a: [{ secretName: 's', valuesKey: 'a key' }] } }, 'is not a Secret key'],
    [
      'valuesFrom["a"][0].targetPath',
      { valuesFrom: { a: [{ secretName: 's', targetPath: 'a b' }] } },
      'is not a values path Flux accepts',
    ],
  ])('throws when %s is bad', (path, options, problem) => {
    // GIVEN a path that is valid unless the case replaces it
    const all = { path: './ok', ...options };
    // WHEN / THEN
    expect(fluxOptionProblems(all).map((p) => [p.path, p.problem])).toEqual([[path, problem]]);
    expect(() => ReleaseMaterializer.flux(all)).toThrow(AireadyValidationError);
  });

  test('every bad option is reported at once', () => {
    expect(fluxOptionProblems({ path: '/x', interval: 'soon', retries: 1.5 }).map((p) => p.path)).toEqual([
      'path',
      'interval',
      'retries',
    ]);
  });
});

describe('splitTargetPath', () => {
  it.each([
    ['grafana.adminPassword', ['grafana', 'adminPassword']],
    ['env[0].value', ['env', 0, 'value']],
    ['podAnnotations.prometheus\\.io/scrape', ['podAnnotations', 'prometheus.io/scrape']],
  ])('%s', (path, keys) => {
    expect(splitTargetPath(path)).toEqual(keys);
  });

  test('hasValuesPath follows it', () => {
    const values = { grafana: { adminPassword: 'x' }, env: [{ value: 1 }] };
    expect(hasValuesPath(values, 'grafana.adminPassword')).toBe(true);
    expect(hasValuesPath(values, 'env[0].value')).toBe(true);
    expect(hasValuesPath(values, 'grafana.adminUser')).toBe(false);
  });
});
