// The Alertmanager configuration aiready gives kube-prometheus-stack: receivers whose credentials are
// mounted Secret files, routes by severity and team, merged with the chart's own defaults. Helm
// replaces lists instead of merging them, so setting `route.routes` or `receivers` would drop the
// chart's `Watchdog → null` route and its `null` receiver: the always-firing Watchdog (and
// InfoInhibitor) would page. They are restated here, first.
import { AlertReceiver, AlertRoute, isDnsLabel, SecretKeyRef, ValidationProblem } from '@aiready/core';
import { Values } from '../private/merge';

export type { AlertReceiver, AlertRoute, SecretKeyRef } from '@aiready/core';

const SECRETS_DIR = '/etc/alertmanager/secrets';
/** The chart's receiver that drops what it gets. */
export const NULL_RECEIVER = 'null';
/** Alerts that fire on purpose and must never notify anyone (kube-prometheus' Watchdog and InfoInhibitor). */
export const SILENT_ALERTS = ['Watchdog', 'InfoInhibitor'] as const;

function secretFile(ref: SecretKeyRef): string {
  return `${SECRETS_DIR}/${ref.name}/${ref.key}`;
}

/** The Secret keys a receiver reads. */
export function secretRefs(r: AlertReceiver): SecretKeyRef[] {
  if ('slack' in r) return [r.slack.apiUrl];
  if ('pagerDuty' in r) return [r.pagerDuty.routingKey];
  if ('webhook' in r) return [r.webhook.url];
  return [r.email.password];
}

function alertmanagerReceiver(r: AlertReceiver): Values {
  if ('slack' in r)
    return {
      name: r.name,
      slack_configs: [{ api_url_file: secretFile(r.slack.apiUrl), channel: r.slack.channel, send_resolved: true }],
    };
  if ('pagerDuty' in r) return { name: r.name, pagerduty_configs: [{ routing_key_file: secretFile(r.pagerDuty.routingKey) }] };
  if ('webhook' in r) return { name: r.name, webhook_configs: [{ url_file: secretFile(r.webhook.url) }] };
  return {
    name: r.name,
    email_configs: [
      {
        to: r.email.to,
        from: r.email.from,
        smarthost: r.email.smarthost,
        auth_username: r.email.username,
        auth_password_file: secretFile(r.email.password),
      },
    ],
  };
}

/**
 * Validates and renders the Alertmanager config (the chart's `alertmanager.config`): silent alerts to
 * `null` first, then the routes by severity and team, unmatched alerts to the first receiver.
 */
export function planAlertmanager(
  receivers: readonly AlertReceiver[],
  routes: readonly AlertRoute[],
  problems: ValidationProblem[],
): Values | undefined {
  const names = receivers.map((r) => r.name);
  receivers.forEach((r, i) => {
    if (!r?.name || names.indexOf(r.name) !== i || r.name === NULL_RECEIVER) {
      problems.push({
        path: `receivers[${i}].name`,
        value: r?.name,
        problem: r?.name === NULL_RECEIVER ? "is the chart's receiver that drops alerts" : 'missing or not unique',
        fix: 'give every receiver a unique name other than null',
      });
    }
    for (const ref of secretRefs(r)) {
      if (typeof ref !== 'object' || ref === null || !isDnsLabel(String(ref.name ?? ''), 253) || !ref.key) {
        problems.push({
          path: `receivers[${i}]`,
          value: typeof ref === 'string' ? '[a literal value, not shown]' : ref,
          problem:
            typeof ref === 'string'
              ? 'a credential given as a value; aiready never writes credentials into manifests'
              : 'not a Secret reference',
          fix: "give { name: '<secret>', key: '<key>' } of a Secret in the monitoring namespace",
        });
      }
    }
  });
  routes.forEach((r, i) => {
    if (!names.includes(r.receiver)) {
      problems.push({
        path: `routes[${i}].receiver`,
        value: r.receiver,
        problem: 'no receiver has this name',
        fix: `use one of ${names.join(', ') || '(define receivers first)'}`,
      });
    }
  });
  if (receivers.length === 0) return undefined;
  return {
    route: {
      receiver: names[0],
      group_by: ['alertname', 'namespace'],
      routes: [
        ...SILENT_ALERTS.map((a) => ({ receiver: NULL_RECEIVER, matchers: [`alertname="${a}"`] })),
        ...routes.map((r) => ({
          receiver: r.receiver,
          matchers: [...(r.severity ? [`severity="${r.severity}"`] : []), ...(r.team ? [`team="${r.team}"`] : [])],
        })),
      ],
    },
    receivers: [{ name: NULL_RECEIVER }, ...receivers.map(alertmanagerReceiver)],
  };
}
