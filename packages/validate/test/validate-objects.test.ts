import { validateObjects } from '../src';
import { deployment, nodeClass, widget, widgetCrd, Obj } from './fixtures';

const lines = (r: ReturnType<typeof validateObjects>) => r.problems.map((p) => `${p.object} ${p.path}: ${p.message}`);

describe('validateObjects', () => {
  test('accepts valid built-in and custom objects, reporting the schema of each kind', () => {
    // GIVEN a Deployment and an EC2NodeClass as written WHEN validated THEN nothing is wrong
    const report = validateObjects([{ object: deployment() }, { object: nodeClass() }]);
    expect(lines(report)).toEqual([]);
    expect(report.checked).toBe(2);
    expect([...report.schemas]).toEqual([
      ['apps/v1/Deployment', 'schemas/kubernetes-1.36.json'],
      ['karpenter.k8s.aws/v1/EC2NodeClass', 'schemas/crds/karpenter.k8s.aws_ec2nodeclasses.json'],
    ]);
  });

  const edit = (change: (d: Obj) => void) => {
    const d = deployment();
    change(d);
    return d;
  };
  it.each([
    [
      'an unknown field',
      edit((d) => (d.spec.template.spec.containers[0].imagePullSecret = 'x')),
      'spec.template.spec.containers[0].imagePullSecret: unknown field "spec.template.spec.containers[0].imagePullSecret"',
    ],
    ['an unknown metadata field', edit((d) => (d.metadata.label = {})), 'metadata.label: unknown field "metadata.label"'],
    [
      'a bad toleration effect',
      edit((d) => (d.spec.template.spec.tolerations[0].effect = 'NoScheduling')),
      /tolerations\[0\].effect: Unsupported value: "NoScheduling"/,
    ],
    ['a missing selector', edit((d) => delete d.spec.selector), 'spec.selector: Required value'],
    ['a string replica count', edit((d) => (d.spec.replicas = '2')), 'spec.replicas: must be of type integer, got string "2"'],
    [
      'a bad quantity',
      edit((d) => (d.spec.template.spec.containers[0].resources.limits.cpu = 'one')),
      /limits.cpu: "one": must be a quantity/,
    ],
    [
      'two containers with one name',
      edit((d) => d.spec.template.spec.containers.push({ name: 'web', image: 'x' })),
      /containers\[1\]: Duplicate value: \["web"\]/,
    ],
  ])('throws when a Deployment has %s', (_what, object, expected) => {
    const report = validateObjects([{ object, source: 'web.yaml' }]);
    expect(report.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      typeof expected === 'string' ? expected : expect.stringMatching(expected),
    ]);
    expect(report.problems[0]).toEqual(expect.objectContaining({ object: 'Deployment team-a/web', source: 'web.yaml' }));
  });

  test('throws when an object appears twice in one target, naming both files', () => {
    const report = validateObjects([
      { object: deployment(), source: 'a.yaml' },
      { object: deployment(), source: 'b.yaml' },
    ]);
    expect(report.problems).toEqual([
      {
        object: 'Deployment team-a/web',
        source: 'b.yaml',
        path: '<object>',
        message: 'duplicate object: also defined in a.yaml',
      },
    ]);
  });

  test('throws when a kind has no schema, unless told to skip it', () => {
    const cert = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c' } };
    expect(lines(validateObjects([{ object: cert }]))).toEqual([
      expect.stringMatching(/^Certificate c <object>: no schema for cert-manager.io\/v1\/Certificate/),
    ]);
    const skipped = validateObjects([{ object: cert }], { unknownKinds: 'skip' });
    expect(skipped.problems).toEqual([]);
    expect(skipped.skipped).toEqual([{ object: 'Certificate c', apiVersion: 'cert-manager.io/v1' }]);
  });

  test('uses a CRD found among the objects, drops status under the status subresource', () => {
    const crd = widgetCrd({ type: 'object', properties: { size: { type: 'integer', maximum: 3 } } });
    const ok = { ...widget({ size: 1 }), status: { anything: true } };
    expect(lines(validateObjects([{ object: crd }, { object: ok }]))).toEqual([]);
    expect(lines(validateObjects([{ object: crd }, { object: widget({ size: 4 }) }]))).toEqual([
      'Widget ns/w spec.size: 4: must be less than or equal to 3',
    ]);
    expect(lines(validateObjects([{ object: widget({ size: 1 }) }]))[0]).toMatch(/no schema for example.aiready.dev\/v1\/Widget/);
  });

  test('throws when a document is not an object or has no apiVersion and kind', () => {
    expect(lines(validateObjects([{ object: 'text' }, { object: { metadata: { name: 'x' } } }]))).toEqual([
      '<not an object> <object>: a manifest must be a YAML mapping',
      '<no kind> x <object>: apiVersion and kind are required strings',
    ]);
  });

  test('can leave CEL rules out', () => {
    const broken = { ...nodeClass(), spec: { ...nodeClass().spec, instanceProfile: 'p' } };
    expect(validateObjects([{ object: broken }], { cel: false }).problems).toEqual([]);
    expect(validateObjects([{ object: broken }]).problems).toHaveLength(1);
  });
});
