// Every object of a target, indexed once by kind, namespace and name, so each check is linear.
import { NAMESPACE_NAME_LABEL, POD_SECURITY_LABELS } from '@aiready/core';
import { apiGroup, KubeObject, labelsOf } from './kube';

/** Where an object comes from: aiready's own output, or a chart/kustomize base rendered for the target. */
export interface ObjectOrigin {
  /** The release (or kustomization) that renders it; undefined for aiready's own objects. */
  readonly release?: string;
  /** Created at runtime by the release's operator (known from chart facts, not rendered). */
  readonly provided?: boolean;
}

/** An object of the target with where it came from. */
export interface TargetObject {
  readonly object: KubeObject;
  readonly origin: ObjectOrigin;
  /** The effective namespace: the object's own, or its release's for namespaced rendered objects. */
  readonly namespace?: string;
}

/** Kinds that are never namespaced, for rendered objects that carry no namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'RuntimeClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CSIDriver',
  'IngressClass',
  'NodePool',
  'EC2NodeClass',
  'NodeClaim',
  'NodeOverlay',
  'ClusterQueue',
  'ResourceFlavor',
  'WorkloadPriorityClass',
  'Cohort',
  'ClusterTrainingRuntime',
  'ClusterWorkflowTemplate',
  'ClusterServingRuntime',
  'ClusterStorageContainer',
  'ClusterPolicy',
  'NVIDIADriver',
  'ClusterTriggerAuthentication',
  'NodeFeatureRule',
  'ClusterIssuer',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** Namespaces every EKS cluster has before anything is applied. */
export const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** A namespace as the checker sees it: its labels (with the name label the API server adds). */
export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The Namespace object, when the target creates it. */
  readonly object?: KubeObject;
}

/** A target's objects, indexed once by kind, by name and by namespace. */
export class ObjectIndex {
  public readonly all: readonly TargetObject[];
  private readonly byKind = new Map<string, TargetObject[]>();
  private readonly byName = new Map<string, TargetObject>();
  private readonly byNamespace = new Map<string, TargetObject[]>();
  private readonly namespaceInfo = new Map<string, NamespaceInfo>();

  constructor(objects: readonly TargetObject[]) {
    this.all = [...objects];
    for (const t of objects) {
      const list = this.byKind.get(t.object.kind) ?? [];
      list.push(t);
      this.byKind.set(t.object.kind, list);
      this.byName.set(nameKey(t.object.kind, t.namespace, t.object.metadata?.name), t);
      this.indexNamespace(t);
    }
    for (const name of BUILT_IN_NAMESPACES) this.namespaceInfo.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name } });
    for (const t of this.ofKind('Namespace')) {
      const name = t.object.metadata?.name;
      if (!name) continue;
      this.namespaceInfo.set(name, { name, labels: { ...labelsOf(t.object), [NAMESPACE_NAME_LABEL]: name }, object: t.object });
    }
  }

  /** Every object of a kind (any group), in input order. */
  public ofKind(kind: string): readonly TargetObject[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The object of `kind` named `name` in `namespace` (undefined namespace for cluster-scoped kinds). */
  public find(kind: string, namespace: string | undefined, name: string | undefined): TargetObject | undefined {
    return this.byName.get(nameKey(kind, namespace, name));
  }

  /** The namespaces the target creates plus the ones every cluster has. */
  public namespaces(): readonly NamespaceInfo[] {
    return [...this.namespaceInfo.values()];
  }

  /** The namespace `name`: created by the target, or built into every cluster; undefined otherwise. */
  public namespace(name: string | undefined): NamespaceInfo | undefined {
    return name === undefined ? undefined : this.namespaceInfo.get(name);
  }

  /** Whether a namespace will exist: created by the target, built in, or created by a release. */
  public hasNamespace(name: string): boolean {
    return this.namespaceInfo.has(name);
  }

  /** Adds an object a release's operator creates at runtime. */
  public add(t: TargetObject): void {
    (this.all as TargetObject[]).push(t);
    this.byKind.set(t.object.kind, [...this.ofKind(t.object.kind), t]);
    this.byName.set(nameKey(t.object.kind, t.namespace, t.object.metadata?.name), t);
    this.indexNamespace(t);
  }

  /** Every object of a kind in one namespace. */
  public inNamespace(kind: string, namespace: string | undefined): readonly TargetObject[] {
    return this.byNamespace.get(`${kind}\u0000${namespace ?? ''}`) ?? [];
  }

  private indexNamespace(t: TargetObject): void {
    const key = `${t.object.kind}\u0000${t.namespace ?? ''}`;
    const list = this.byNamespace.get(key) ?? [];
    list.push(t);
    this.byNamespace.set(key, list);
  }

  /** Adds a namespace something other than a Namespace object creates (a Helm release's `createNamespace`). */
  public addNamespace(name: string): void {
    if (!this.namespaceInfo.has(name)) this.namespaceInfo.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name } });
  }
}

function nameKey(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name ?? ''}`;
}

/** The Pod Security `enforce` level and version of a namespace (`privileged` when unlabelled, like the default configuration). */
export function podSecurityOf(ns: NamespaceInfo | undefined): { level: string; version: string } {
  const labels = ns?.labels ?? {};
  return {
    level: labels[POD_SECURITY_LABELS.enforce] ?? 'privileged',
    version: labels[`${POD_SECURITY_LABELS.enforce}-version`] ?? 'latest',
  };
}

/** The group of a target object, for CRD lookups. */
export function groupOf(t: TargetObject): string {
  return apiGroup(t.object.apiVersion);
}
