// Webhooks: a webhook with `failurePolicy: Fail` blocks every request it intercepts while its server is
// down (starting, upgrading, out of capacity). It must be scoped so it cannot block unrelated namespaces.
import { NAMESPACE_NAME_LABEL } from '@aiready/core';
import { chartFacts, crdsOf } from '../model/chart-facts';
import { Findings } from '../model/findings';
import { ObjectIndex } from '../model/object-index';
import { Release } from '../model/releases';
import { matchesSelector } from '../model/selectors';
import { WebhookModel, webhooksOf } from '../model/webhook';

/** A namespace nothing about the webhook's owner knows: if the webhook intercepts there, it is unscoped. */
const PROBE_NAMESPACE = 'aiready-unrelated-namespace';

/** Every webhook of the target: rendered configurations, own objects, and chart facts for unrendered releases. */
export function webhooksOfTarget(
  index: ObjectIndex,
  releases: readonly Release[],
  rendered: ReadonlySet<string>,
): WebhookModel[] {
  const out: WebhookModel[] = [];
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'])
    for (const t of index.ofKind(kind)) out.push(...webhooksOf(t.object, t.origin.release));
  for (const r of releases) if (!rendered.has(r.name)) out.push(...(chartFacts(r)?.webhooks?.(r) ?? []));
  return out;
}

/** Checks that fail-closed webhooks cannot block namespaces unrelated to their owner. */
export function checkWebhooks(webhooks: readonly WebhookModel[], releases: readonly Release[], findings: Findings): void {
  const ownGroups = new Map<string, Set<string>>(
    releases.map((r) => [r.name, new Set(crdsOf(r).map((c) => c.slice(0, c.lastIndexOf('/'))))]),
  );
  const unscoped = new Map<string, { hooks: WebhookModel[]; what: string[]; kubeSystem: boolean }>();
  for (const w of webhooks) {
    if (w.failurePolicy !== 'Fail') continue;
    const own = (w.release && ownGroups.get(w.release)) || new Set<string>();
    const foreign = w.rules.filter((r) => r.apiGroups.some((g) => g === '*' || !own.has(g)));
    if (!foreign.length) continue;
    const probe = { [NAMESPACE_NAME_LABEL]: PROBE_NAMESPACE };
    const kubeSystem = { [NAMESPACE_NAME_LABEL]: 'kube-system' };
    const selects = (ns: Record<string, string>) => w.namespaceSelector === undefined || matchesSelector(w.namespaceSelector, ns);
    const objects = w.objectSelector === undefined || matchesSelector(w.objectSelector, {});
    if (!objects || (!selects(probe) && !selects(kubeSystem))) continue;
    const entry = unscoped.get(w.source) ?? { hooks: [], what: [], kubeSystem: false };
    entry.hooks.push(w);
    entry.what.push(...foreign.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0] ? `${r.apiGroups[0]}/` : ''}${res}`)));
    entry.kubeSystem ||= selects(kubeSystem);
    unscoped.set(w.source, entry);
  }
  for (const [source, { hooks, what, kubeSystem }] of unscoped) {
    const kueue = releases.find((r) => r.name === hooks[0].release)?.chart === 'kueue';
    findings.error(
      'webhooks',
      source,
      hooks.map((w) => `${w.path} ${w.name}`).join(', '),
      hooks[0].namespaceSelector ?? '(every namespace)',
      `failurePolicy Fail on ${[...new Set(what)].join(', ')} in every namespace${kubeSystem ? ' including kube-system' : ' but those it excludes'}: while the webhook is down (starting, upgrading), unrelated namespaces cannot create them`,
      kueue
        ? 'scope Kueue to the namespaces it manages: set managedJobsNamespaceSelector (managerConfig.controllerManagerConfigYaml) to select only the team namespaces, e.g. by a label aiready puts on them'
        : 'add a namespaceSelector or objectSelector that matches only what the webhook owns, or use failurePolicy: Ignore',
    );
  }
}
