import { checkAdmission } from '../src';
import { allows, cidrContains, Policy } from '../src/model/network-policy';
import { planResource } from './fixtures/target';
import { broken, problems, refusal, Target } from './support';

const drop = (namespace: string, name: string) => (t: Target) =>
  t.objects.splice(
    t.objects.findIndex((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === name && o.metadata?.namespace === namespace),
    1,
  );

describe('offline admission: network policy', () => {
  test('admits the valid target', () => {
    expect(
      problems(
        broken(() => {}),
        'network-policy',
      ),
    ).toEqual([]);
  });

  test.each<[string, (t: Target) => void, string]>([
    [
      'the workflow pods cannot reach the Pod Identity agent (issue 13 item 6)',
      drop('research', 'allow-pod-identity'),
      'cannot reach the EKS Pod Identity agent (169.254.170.23:80)',
    ],
    [
      'pods cannot resolve names',
      drop('serving', 'allow-dns'),
      'Deployment serving/llm spec.template.spec = "egress kube-system/k8s-app=kube-dns:53/UDP": cannot reach DNS (kube-dns, UDP 53)',
    ],
    [
      "Argo's wait container cannot reach the API server",
      drop('research', 'allow-https-egress'),
      'WorkflowTemplate research/evaluate spec.templates[1] = "egress 10.0.0.10:443/TCP": cannot reach the API server (TCP 443)',
    ],
    [
      'Prometheus cannot scrape the inference server',
      drop('serving', 'allow-prometheus'),
      'cannot be reached by Prometheus scraping port 8000',
    ],
    [
      'the pods of a multi-node job cannot talk to each other',
      drop('research', 'allow-same-namespace'),
      'cannot reach the other pods of its multi-node job',
    ],
  ])('throws when %s', (_, mutate, expected) => {
    expect(refusal(broken(mutate))).toContain(expected);
  });

  test('without enforcement, written policies are a warning and flows are not checked', () => {
    // GIVEN the VPC CNI without network policy, and a policy set that would block DNS
    const t = broken((x) => {
      planResource(x, 'aws:eks/addon:Addon', 'addons-vpc-cni').inputs.configurationValues = '{}';
      drop('serving', 'allow-dns')(x);
    });
    const report = checkAdmission(t);
    expect(report.problems.filter((p) => p.check === 'network-policy')).toEqual([]);
    expect(report.warnings.map((w) => w.message)).toContain(
      '5 NetworkPolicies written but not enforced: the VPC CNI add-on runs without network policy (configurationValues enableNetworkPolicy: "true")',
    );
  });

  test.each<[string, string, boolean]>([
    ['169.254.170.23/32', '169.254.170.23', true],
    ['10.0.0.0/16', '10.0.255.1', true],
    ['10.0.0.0/16', '10.1.0.1', false],
    ['0.0.0.0/0', '52.1.2.3', true],
  ])('cidr %s contains %s: %s', (cidr, ip, expected) => expect(cidrContains(cidr, ip)).toBe(expected));

  test('an ipBlock except carves addresses out', () => {
    const policy: Policy = {
      name: 'p',
      namespace: 'a',
      podSelector: {},
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16'] } }] }],
    };
    const result = allows(
      [policy],
      { namespace: 'a', labels: {} },
      'egress',
      { ip: '169.254.170.23' },
      { protocol: 'TCP', port: 80 },
      () => ({}),
    );
    expect(result.allowed).toBe(false);
  });
});
