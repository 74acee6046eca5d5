// Admission webhooks as the API server will call them, from rendered configurations or chart facts.
import { asArray, asObject, asString, describe, KubeObject } from './kube';

/** One rule of a webhook: which groups and resources it intercepts. */
export interface WebhookRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
}

/** One webhook of a Mutating/ValidatingWebhookConfiguration. */
export interface WebhookModel {
  /** What declares it: `ValidatingWebhookConfiguration kueue-validating-webhook-configuration`, or a release. */
  readonly source: string;
  /** Field path of the webhook in its source. */
  readonly path: string;
  readonly name: string;
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly rules: readonly WebhookRule[];
  /** `undefined` selects every namespace. */
  readonly namespaceSelector?: unknown;
  /** `undefined` selects every object. */
  readonly objectSelector?: unknown;
  /** The Service the API server calls. */
  readonly service?: { readonly namespace: string; readonly name: string; readonly port: number };
  /** The release that installs it, if any. */
  readonly release?: string;
}

/** The webhooks of a rendered Mutating/ValidatingWebhookConfiguration. */
export function webhooksOf(o: KubeObject, release?: string): WebhookModel[] {
  return asArray(o.webhooks).flatMap((w, i) => {
    const hook = asObject(w);
    if (!hook) return [];
    const svc = asObject(asObject(hook.clientConfig)?.service);
    return [
      {
        source: describe(o),
        path: `webhooks[${i}]`,
        name: asString(hook.name) ?? `#${i}`,
        failurePolicy: hook.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
        rules: asArray(hook.rules).map((r) => ({
          apiGroups: asArray(asObject(r)?.apiGroups).map(String),
          resources: asArray(asObject(r)?.resources).map(String),
        })),
        namespaceSelector: hook.namespaceSelector,
        objectSelector: hook.objectSelector,
        ...(svc
          ? {
              service: {
                namespace: asString(svc.namespace) ?? 'default',
                name: asString(svc.name) ?? '',
                port: typeof svc.port === 'number' ? svc.port : 443,
              },
            }
          : {}),
        ...(release ? { release } : {}),
      },
    ];
  });
}
