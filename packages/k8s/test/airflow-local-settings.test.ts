import { execFileSync } from 'child_process';
import { airflowLocalSettings, TASK_NAMESPACE_ANNOTATION } from '../src';

/** python3, when the machine has it: the hook is run for real, on a stand-in for the Kubernetes client's V1Pod. */
function python(): string | undefined {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return 'python3';
  } catch {
    return undefined;
  }
}
const py = python();
if (!py) process.stderr.write('SKIPPED: running the Airflow pod_mutation_hook, python3 not found\n');

/** The namespace the hook leaves each pod in, given its annotations: one Python process for all of them. */
function mutate(settings: string, pods: readonly (Record<string, string> | null)[]): string[] {
  const program = [
    settings,
    'import json, sys, types',
    'for annotations in json.loads(sys.argv[1]):',
    '    meta = types.SimpleNamespace(namespace="airflow", annotations=annotations)',
    '    pod = types.SimpleNamespace(metadata=meta)',
    '    pod_mutation_hook(pod)',
    '    print(pod.metadata.namespace)',
  ].join('\n');
  return execFileSync(py!, ['-c', program, JSON.stringify(pods)], { encoding: 'utf8' })
    .trim()
    .split('\n');
}

describe('airflowLocalSettings', () => {
  test('lists the team namespaces in a stable order', () => {
    // GIVEN teams in any order WHEN the settings are written THEN the allow list is sorted
    expect(airflowLocalSettings(['vision', 'research'])).toContain('TEAM_NAMESPACES = frozenset(["research", "vision"])');
  });

  const cases: [string, Record<string, string> | null, string][] = [
    ['a pod whose template names a team', { [TASK_NAMESPACE_ANNOTATION]: 'research' }, 'research'],
    ['a pod naming a namespace that is not a team', { [TASK_NAMESPACE_ANNOTATION]: 'kube-system' }, 'airflow'],
    ['a pod without the annotation', { other: 'x' }, 'airflow'],
    ['a pod without annotations', null, 'airflow'],
  ];
  // The hook runs once over every case's pod (a Python process starts in about 0.4 s here).
  let moved: string[] = [];
  beforeAll(() => {
    if (py)
      moved = mutate(
        airflowLocalSettings(['research', 'vision']),
        cases.map(([, annotations]) => annotations),
      );
  });

  (py ? test.each : test.skip.each)(cases)('the hook keeps or moves %s', (what, _annotations, namespace) => {
    // GIVEN a task pod in Airflow's namespace WHEN the hook runs THEN it lands where its template said, teams only
    expect(moved[cases.findIndex(([w]) => w === what)]).toBe(namespace);
  });
});
