// Airflow's KubernetesExecutor creates every task pod in its own namespace, whatever the pod template
// says (the namespace a template names loses to the executor's). aiready's templates run GPU tasks in
// the teams' namespaces, under their quotas, Kueue queues and network policies, so Airflow gets a
// `pod_mutation_hook` (in airflow_local_settings.py) that moves a pod into the namespace its template
// names, for the known team namespaces only.
import { AIREADY_PREFIX } from '@aiready/core';

/** Pod annotation of aiready's templates: the team namespace the task pod runs in. */
export const TASK_NAMESPACE_ANNOTATION = `${AIREADY_PREFIX}/task-namespace`;

/** A Python string literal (JSON's escaping is valid Python for these names). */
const py = (s: string) => JSON.stringify(s);

/**
 * The `airflow_local_settings.py` of a platform whose teams run GPU tasks in `namespaces`. The hook
 * only ever moves a pod into one of these, so a DAG cannot use the annotation to reach any other.
 */
export function airflowLocalSettings(namespaces: readonly string[]): string {
  const list = [...namespaces].sort().map(py).join(', ');
  return [
    '# Written by aiready. KubernetesExecutor creates task pods in its own namespace; aiready pod',
    '# templates name a team namespace in an annotation, and this hook moves the pod there.',
    `TASK_NAMESPACE_ANNOTATION = ${py(TASK_NAMESPACE_ANNOTATION)}`,
    `TEAM_NAMESPACES = frozenset([${list}])`,
    '',
    '',
    'def pod_mutation_hook(pod):',
    '    annotations = pod.metadata.annotations or {}',
    '    namespace = annotations.get(TASK_NAMESPACE_ANNOTATION)',
    '    if namespace in TEAM_NAMESPACES:',
    '        pod.metadata.namespace = namespace',
    '',
  ].join('\n');
}
