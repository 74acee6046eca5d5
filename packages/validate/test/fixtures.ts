// Objects for the validator tests: a small CRD with CEL rules, and real aiready objects.
import type { CelRule, SchemaNode } from '../src';

/** A manifest the tests edit freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

/** A CustomResourceDefinition of `example.aiready.dev/v1` `Widget` with the given spec schema. */
export function widgetCrd(spec: SchemaNode, rules: CelRule[] = [], scope: 'Namespaced' | 'Cluster' = 'Namespaced') {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.aiready.dev' },
    spec: {
      group: 'example.aiready.dev',
      scope,
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: { ...spec, 'x-kubernetes-validations': rules },
                status: { type: 'object', properties: { ready: { type: 'boolean' } } },
              },
            },
          },
        },
      ],
    },
  };
}

export function widget(spec: unknown, name = 'w') {
  return { apiVersion: 'example.aiready.dev/v1', kind: 'Widget', metadata: { name, namespace: 'ns' }, spec };
}

/** An EC2NodeClass as aiready writes it. */
export function nodeClass(): Obj {
  return {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: 'l4' },
    spec: {
      amiSelectorTerms: [{ alias: 'al2023@v20250915' }],
      role: 'KarpenterNodeRole-c1',
      subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'c1' } }],
      securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'c1' } }],
      metadataOptions: { httpEndpoint: 'enabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
    },
  };
}

/** A Deployment as a team would write it. */
export function deployment(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team-a', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { limits: { cpu: 1 } } }],
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        },
      },
    },
  };
}
