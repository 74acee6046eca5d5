import { checkAdmission } from '../src';
import { planResource } from './fixtures/target';
import { broken, problems, refusal } from './support';

const kueueValues = (t: ReturnType<typeof broken>) =>
  planResource(t, 'kubernetes:helm.sh/v3:Release', 'platform-kueue').inputs.values;

describe('offline admission: webhooks', () => {
  test('admits the valid target (Kueue scoped to the team namespaces)', () => {
    expect(
      problems(
        broken(() => {}),
        'webhooks',
      ),
    ).toEqual([]);
  });

  test('throws when Kueue keeps its default namespace selector and fails closed cluster-wide (issue 13 item 12)', () => {
    const message = refusal(broken((t) => delete kueueValues(t).managerConfig));
    expect(message).toContain(
      'failurePolicy Fail on batch/jobs, jobset.x-k8s.io/jobsets, trainer.kubeflow.org/trainjobs, pods, apps/deployments, apps/statefulsets in every namespace but those it excludes',
    );
    expect(message).toContain('set managedJobsNamespaceSelector');
  });

  test('throws when a rendered webhook configuration intercepts pods everywhere', () => {
    // GIVEN a rendered release with a fail-closed pod webhook and no selectors
    const t = broken((x) => {
      x.rendered = [
        {
          release: 'policy',
          namespace: 'policy',
          objects: [
            {
              apiVersion: 'admissionregistration.k8s.io/v1',
              kind: 'ValidatingWebhookConfiguration',
              metadata: { name: 'policy' },
              webhooks: [
                {
                  name: 'pods.policy.io',
                  rules: [{ apiGroups: [''], resources: ['pods'] }],
                  clientConfig: { service: { namespace: 'policy', name: 'policy' } },
                },
              ],
            },
          ],
        },
      ];
    });
    expect(refusal(t)).toContain(
      'ValidatingWebhookConfiguration policy webhooks[0] pods.policy.io = "(every namespace)": failurePolicy Fail on pods in every namespace including kube-system',
    );
  });

  test.each([
    ['Ignore', { failurePolicy: 'Ignore' }],
    ['an objectSelector', { objectSelector: { matchLabels: { 'policy.io/enforce': 'true' } } }],
    ['a namespaceSelector that names namespaces', { namespaceSelector: { matchLabels: { team: 'ml' } } }],
  ])('a webhook scoped by %s is fine', (_, scope) => {
    const t = broken((x) => {
      x.rendered = [
        {
          release: 'policy',
          namespace: 'policy',
          objects: [
            {
              apiVersion: 'admissionregistration.k8s.io/v1',
              kind: 'MutatingWebhookConfiguration',
              metadata: { name: 'policy' },
              webhooks: [{ name: 'pods.policy.io', rules: [{ apiGroups: [''], resources: ['pods'] }], ...scope }],
            },
          ],
        },
      ];
    });
    expect(checkAdmission(t).problems.filter((p) => p.check === 'webhooks')).toEqual([]);
  });
});
