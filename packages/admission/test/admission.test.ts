import * as fc from 'fast-check';
import { AireadyValidationError } from '@aiready/core';
import { assertAdmitted, checkAdmission } from '../src';
import { DEFAULT_PARAMS, validTarget } from './fixtures/target';
import { broken, server } from './support';

describe('checkAdmission', () => {
  test('the valid target passes every check', () => {
    // GIVEN the minimal valid target WHEN checked THEN nothing is refused
    const report = checkAdmission(validTarget());
    expect(report.problems).toEqual([]);
    expect(report.staleAcknowledgements).toEqual([]);
  });

  test('random valid platforms pass', () => {
    fc.assert(
      fc.property(
        fc.record({
          team: fc.constantFrom('research', 'vision', 'nlp-team', 'a'),
          nodes: fc.integer({ min: 1, max: 4 }),
          gpusPerNode: fc.integer({ min: 1, max: 8 }),
          sharedReplicas: fc.integer({ min: 2, max: 8 }),
          inferenceReplicas: fc.integer({ min: 1, max: 4 }),
          kubernetesVersion: fc.constantFrom('1.34' as const, '1.35' as const, '1.36' as const),
          spot: fc.boolean(),
        }),
        (params) => {
          expect(checkAdmission(validTarget(params)).problems).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('the same input gives the same report', () => {
    const t = broken((x) => delete server(x).securityContext);
    expect(JSON.stringify(checkAdmission(t))).toEqual(JSON.stringify(checkAdmission(JSON.parse(JSON.stringify(t)))));
  });

  test('assertAdmitted throws every problem at once, in the one validation format', () => {
    // GIVEN two problems in different checks
    const t = broken((x) => {
      delete server(x).securityContext.seccompProfile;
      x.prerequisites = [];
    });
    // WHEN asserted THEN one AireadyValidationError lists both with object, field, value and fix
    let error: AireadyValidationError | undefined;
    try {
      assertAdmitted('ai-platform-prod', checkAdmission(t));
    } catch (err) {
      error = err as AireadyValidationError;
    }
    expect(error).toBeInstanceOf(AireadyValidationError);
    expect(error!.scope).toBe('ai-platform-prod: offline admission');
    expect(error!.problems).toHaveLength(2);
    expect(error!.message).toContain(
      '- Deployment serving/llm spec.template.spec.containers[0].securityContext.seccompProfile = undefined: violates PodSecurity "restricted:v1.35" (namespace serving)',
    );
    expect(error!.message).toContain('Fix: create it in the target, or declare it a prerequisite');
  });

  test('an acknowledged problem becomes a warning with its reason, and a stale one is reported', () => {
    // GIVEN the missing Grafana Secret acknowledged, and an acknowledgement that matches nothing
    const t = broken((x) => {
      x.prerequisites = [];
      x.acknowledged = [
        {
          check: 'references',
          object: 'release platform-kube-prometheus-stack',
          contains: 'grafana-admin',
          reason: 'KNOWN(issue 13) item 4',
        },
        { check: 'iam', object: 'plan nothing', reason: 'fixed long ago' },
      ];
    });
    const report = checkAdmission(t);
    expect(report.problems).toEqual([]);
    expect(report.acknowledged.map((a) => a.reason)).toEqual(['KNOWN(issue 13) item 4']);
    expect(report.acknowledged[0].problem.problem).toContain('names Secret monitoring/grafana-admin');
    expect(report.staleAcknowledgements.map((a) => a.object)).toEqual(['plan nothing']);
  });

  test('rendered objects are checked like the target’s own, in their release namespace', () => {
    // GIVEN a rendered release whose Deployment runs privileged in a restricted namespace
    const t = broken((x) => {
      x.rendered = [
        {
          release: 'agent',
          namespace: 'serving',
          objects: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata: { name: 'agent' },
              spec: {
                template: { spec: { containers: [{ name: 'agent', image: 'agent:1', securityContext: { privileged: true } }] } },
              },
            },
          ],
        },
      ];
    });
    const found = checkAdmission(t).problems.filter((p) => p.check === 'pod-security');
    expect(found.map((p) => p.object)).toContain('Deployment serving/agent');
    expect(found.map((p) => p.problem).join('\n')).toContain(
      'privileged (container "agent" must not set securityContext.privileged=true)',
    );
  });

  test('a rendered pod naming a Secret the chart does not render is a warning (created at runtime or beforehand)', () => {
    const t = broken((x) => {
      x.rendered = [
        {
          release: 'agent',
          namespace: 'monitoring',
          objects: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              metadata: { name: 'agent' },
              spec: {
                template: {
                  spec: {
                    containers: [{ name: 'agent', image: 'agent:1' }],
                    volumes: [{ name: 'tls', secret: { secretName: 'agent-tls' } }],
                  },
                },
              },
            },
          ],
        },
      ];
    });
    const report = checkAdmission(t);
    expect(report.problems.filter((p) => p.check === 'references')).toEqual([]);
    expect(report.warnings.map((w) => w.message).join('\n')).toContain(
      'Secret monitoring/agent-tls is not in the rendered output',
    );
  });

  test('defaults: the Kubernetes version comes from the plan, else aiready’s default', () => {
    const t = broken((x) => delete server(x).securityContext.seccompProfile, { ...DEFAULT_PARAMS, kubernetesVersion: '1.34' });
    expect(checkAdmission(t).problems[0].problem).toContain('restricted:v1.34');
    t.plan = { resources: t.plan.resources.filter((r) => r.type !== 'aws:eks/cluster:Cluster') };
    expect(
      checkAdmission(t)
        .problems.map((p) => p.problem)
        .join('\n'),
    ).toContain('restricted:v1.36');
  });
});
