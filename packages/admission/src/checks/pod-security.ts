// Pod Security admission: every pod the target makes the cluster create must pass the `enforce`
// level of its namespace, at the version the namespace pins (or the cluster's, for `latest`).
import { POD_SECURITY_LABELS } from '@aiready/core';
import { asString } from '../model/kube';
import { Findings } from '../model/findings';
import { NamespaceInfo, ObjectIndex, podSecurityOf } from '../model/object-index';
import { containerPath, containersOf, PodTemplate } from '../model/pod-templates';
import { evaluatePodSecurity, Minor, minorOf, PodSecurityLevel } from './pod-security-rules';
import { chartFacts } from '../model/chart-facts';
import { Release } from '../model/releases';

const LEVELS: readonly PodSecurityLevel[] = ['privileged', 'baseline', 'restricted'];
const rank = (l: string) => Math.max(0, LEVELS.indexOf(l as PodSecurityLevel));

/**
 * The namespace a cluster-scoped template (a ClusterTrainingRuntime) is judged in while nothing uses it
 * yet: the strictest of the namespaces that run workloads (those with a quota or a Kueue queue), else of all.
 */
function strictest(index: ObjectIndex): NamespaceInfo | undefined {
  const tenants = new Set([...index.ofKind('ResourceQuota'), ...index.ofKind('LocalQueue')].map((t) => t.namespace));
  let best: NamespaceInfo | undefined;
  for (const ns of index.namespaces()) {
    if (!ns.object) continue;
    const better = (a: NamespaceInfo, b: NamespaceInfo) =>
      rank(podSecurityOf(a).level) > rank(podSecurityOf(b).level) ||
      (rank(podSecurityOf(a).level) === rank(podSecurityOf(b).level) && tenants.has(a.name) && !tenants.has(b.name));
    if (!best || better(ns, best)) best = ns;
  }
  return best;
}

function versionOf(label: string, cluster: Minor): Minor {
  return label === 'latest' ? cluster : (minorOf(label) ?? cluster);
}

/** Checks every pod template against its namespace's Pod Security level. */
export function checkPodSecurity(pods: readonly PodTemplate[], index: ObjectIndex, cluster: Minor, findings: Findings): void {
  const anyNamespace = strictest(index);
  for (const pod of pods) {
    const ns = pod.namespace === undefined ? anyNamespace : index.namespace(pod.namespace);
    const { level, version } = podSecurityOf(ns);
    if (level === 'privileged') continue;
    const v = versionOf(version, cluster);
    const where =
      pod.namespace === undefined ? `used from any namespace, e.g. ${ns?.name} at ${level}` : `namespace ${pod.namespace}`;
    const violations = evaluatePodSecurity(level as PodSecurityLevel, v, pod.metadata, pod.spec);
    for (const x of violations) {
      const entry =
        x.container === undefined ? undefined : containersOf(pod.spec).find((c) => asString(c.container.name) === x.container);
      const field = entry ? `${containerPath(pod, entry.list, entry.index, x.container)}.${x.field}` : `${pod.path}.${x.field}`;
      const injectedBy = x.container ? pod.injected?.[x.container] : undefined;
      const fix = injectedBy
        ? `the container "${x.container}" is injected by its controller: ${x.fix} in ${injectedBy}`
        : `${x.fix}, or run ${pod.namespace ?? 'the namespace'} at a looser Pod Security level with the reason stated`;
      findings.error(
        'pod-security',
        pod.ownerName,
        field,
        x.value,
        `violates PodSecurity "${level}:v1.${v - 100}" (${where}): ${x.reason} (${x.detail})`,
        fix,
      );
    }
  }
}

/** Releases whose pods need a looser level than their namespace enforces (checked when not rendered). */
export function checkReleasePodSecurity(
  releases: readonly Release[],
  index: ObjectIndex,
  rendered: ReadonlySet<string>,
  findings: Findings,
): void {
  for (const r of releases) {
    if (rendered.has(r.name)) continue;
    const need = chartFacts(r)?.podSecurity;
    if (!need) continue;
    const ns = index.namespace(r.namespace);
    const { level } = podSecurityOf(ns);
    if (rank(level) <= rank(need.level)) continue;
    findings.error(
      'pod-security',
      ns?.object ? `Namespace ${r.namespace}` : r.installer,
      ns?.object ? `metadata.labels.${POD_SECURITY_LABELS.enforce}` : 'namespace',
      level,
      `Pod Security "${level}" refuses the pods of ${r.installer} (chart ${r.chart}): ${need.why}`,
      `label namespace ${r.namespace} ${POD_SECURITY_LABELS.enforce}=${need.level} (warn/audit may stay stricter), or install the chart into a namespace that allows it`,
    );
  }
}
