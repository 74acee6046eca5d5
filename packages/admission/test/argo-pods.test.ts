import { argoPodTemplates } from '../src/model/argo-pods';
import { TargetObject } from '../src/model/object-index';

const template = (templates: unknown[], spec: Record<string, unknown> = {}): TargetObject => ({
  object: {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name: 'w', namespace: 't' },
    spec: { templates, ...spec },
  },
  origin: {},
  namespace: 't',
});
const names = (list: unknown) => (list as { name: string }[]).map((c) => c.name);

describe('Argo workflow pods', () => {
  test('a container template runs init, wait and main with the executor settings', () => {
    // GIVEN a controller whose executor has a security context
    const sc = { runAsNonRoot: true };
    const [pod] = argoPodTemplates(template([{ name: 'a', container: { image: 'x' } }]), [
      { source: 's', executor: { securityContext: sc }, mainContainer: {}, workflowDefaults: {} },
    ]);
    // THEN the executor's containers carry it, main does not
    expect(names(pod.spec.initContainers)).toEqual(['init']);
    expect(names(pod.spec.containers)).toEqual(['wait', 'main']);
    expect((pod.spec.containers as Record<string, unknown>[])[0].securityContext).toEqual(sc);
    expect((pod.spec.containers as Record<string, unknown>[])[1].securityContext).toBeUndefined();
  });

  test('a resource template runs no wait container and locks its executor down by default', () => {
    const [pod] = argoPodTemplates(template([{ name: 'r', resource: { action: 'create' } }]), []);
    expect(names(pod.spec.containers)).toEqual(['main']);
    expect((pod.spec.containers as Record<string, Record<string, unknown>>[])[0].securityContext.allowPrivilegeEscalation).toBe(
      false,
    );
  });

  test('steps and DAGs create no pods; workflowDefaults sit under the workflow spec', () => {
    const pods = argoPodTemplates(
      template(
        [
          { name: 'm', dag: { tasks: [] } },
          { name: 's', script: { image: 'x', source: 'echo' } },
        ],
        { nodeSelector: { own: 'yes' } },
      ),
      [
        {
          source: 's',
          executor: {},
          mainContainer: {},
          workflowDefaults: { nodeSelector: { d: 'x' }, tolerations: [{ key: 'k', operator: 'Exists' }] },
        },
      ],
    );
    expect(pods).toHaveLength(1);
    expect(pods[0].spec.nodeSelector).toEqual({ d: 'x', own: 'yes' });
    expect(pods[0].spec.tolerations).toEqual([{ key: 'k', operator: 'Exists' }]);
  });

  test('a template picks the controller of its instance ID', () => {
    const t = template([{ name: 'a', container: { image: 'x' } }]);
    t.object.metadata!.labels = { 'workflows.argoproj.io/controller-instanceid': 'kfp' };
    const [pod] = argoPodTemplates(t, [
      { source: 'platform', executor: { securityContext: { a: 1 } }, mainContainer: {}, workflowDefaults: {} },
      { source: 'kfp', instanceId: 'kfp', executor: {}, mainContainer: {}, workflowDefaults: {} },
    ]);
    expect(pod.injected?.wait).toBe('kfp');
  });
});
