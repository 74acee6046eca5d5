// The options of the Flux materialiser and their checks: every bad option is reported at once, with
// the pattern Flux's CRDs would reject it by.
import { ValidationProblem } from '@aiready/core';
import { Values } from '../private/merge';
import type { FluxObjectRef } from './flux-objects';
import { normalizeGitPath } from './flux-plan';

/** Values Flux merges into a release from a Secret (`valuesFrom`), so no credential is in Git. */
export interface FluxSecretValues {
  /** The Secret, in the namespace of the Flux objects (`flux-system` by default). */
  readonly secretName: string;
  /**
   * The key in the Secret.
   * @default 'values.yaml' (a values document, merged at the top)
   */
  readonly valuesKey?: string;
  /**
   * Where the key's value goes in the release's values, in Helm `--set` notation
   * (`grafana.adminPassword`); the key then holds that one value.
   * @default - the key holds a values document merged at the top
   */
  readonly targetPath?: string;
  /**
   * Install even while the Secret is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** Options of the Flux materialiser. */
export interface FluxMaterializerOptions {
  /**
   * Where the synthesized target sits in the Git repository Flux reconciles, relative to its root
   * (`./clusters/prod/ai-platform`): `aiready synth` writes `manifests/` into it, and each install stage
   * is a Flux Kustomization of `<path>/manifests/<stage>`.
   */
  readonly path: string;
  /**
   * Namespace of the Flux objects aiready writes (sources, HelmReleases, Kustomizations).
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * The GitRepository holding `path`.
   * @default - `flux-system` in namespace `flux-system`, the one `flux bootstrap` creates
   */
  readonly gitRepository?: FluxObjectRef;
  /**
   * Prefix of the stage Kustomizations' names (`aiready-namespaces`, `aiready-releases`...).
   * @default 'aiready'
   */
  readonly name?: string;
  /**
   * How often HelmReleases and Kustomizations reconcile; drift is corrected at this rate.
   * @default '10m'
   */
  readonly interval?: string;
  /**
   * How often sources are checked; versions are pinned, so this only notices a moved tag.
   * @default '1h'
   */
  readonly sourceInterval?: string;
  /**
   * Time for one Helm action (hook Jobs included) and for a stage to become ready.
   * @default '10m'
   */
  readonly timeout?: string;
  /**
   * Failed installs and upgrades are retried this often, remediated in between (uninstall after a
   * failed install, rollback after a failed upgrade).
   * @default 3
   */
  readonly retries?: number;
  /**
   * Values from Secrets, by release name: how credentials reach a chart under Flux.
   * @default - none
   */
  readonly valuesFrom?: Readonly<Record<string, readonly FluxSecretValues[]>>;
}

/** What the Flux layout needs to write the stage Kustomizations. */
export interface FluxLayoutOptions {
  readonly namespace: string;
  readonly gitRepository: Required<FluxObjectRef>;
  readonly path: string;
  readonly name: string;
  readonly interval: string;
  readonly timeout: string;
}

const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// The patterns helm-controller's CRD enforces on valuesFrom.
const VALUES_KEY = /^[-._a-zA-Z0-9]+$/;
const TARGET_PATH = /^([a-zA-Z0-9_\-.\\/]|\[[0-9]{1,5}\])+$/;

/** Splits a Helm `--set` path (`a.b[0].c`, `a\.b` for a dotted key) into keys and indexes. */
export function splitTargetPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  let key = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && i + 1 < path.length) key += path[++i];
    else if (c === '.') {
      if (key) out.push(key);
      key = '';
    } else if (c === '[') {
      if (key) out.push(key);
      key = '';
      const end = path.indexOf(']', i);
      out.push(Number(path.slice(i + 1, end)));
      i = end;
    } else key += c;
  }
  if (key) out.push(key);
  return out;
}

/** True when `path` (dotted, `[i]` for list items, `\.` for a dot in a key) names a key present in `values`. */
export function hasValuesPath(values: Values, path: string): boolean {
  let v: unknown = values;
  for (const k of splitTargetPath(path)) {
    if (typeof v !== 'object' || v === null || !(k in (v as object))) return false;
    v = (v as Record<string | number, unknown>)[k];
  }
  return true;
}

/** Problems in the options of `ReleaseMaterializer.flux`, all at once. */
export function fluxOptionProblems(o: FluxMaterializerOptions): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if (typeof o.path !== 'string' || normalizeGitPath(o.path) === undefined) {
    problems.push({
      path: 'path',
      value: o.path,
      problem: 'is not a folder inside the Git repository Flux reconciles',
      fix: "give the folder of the synthesized target relative to the repository root, e.g. './clusters/prod/ai-platform'",
    });
  }
  for (const [key, value] of [
    ['namespace', o.namespace],
    ['gitRepository.namespace', o.gitRepository?.namespace],
    ['name', o.name],
  ] as const) {
    if (value !== undefined && !DNS_LABEL.test(value))
      problems.push({
        path: key,
        value,
        problem: 'is not a DNS-1123 label',
        fix: "use lower-case letters, digits and '-', e.g. 'flux-system'",
      });
  }
  if (o.gitRepository && !DNS_SUBDOMAIN.test(o.gitRepository.name)) {
    problems.push({
      path: 'gitRepository.name',
      value: o.gitRepository.name,
      problem: 'is not a valid object name',
      fix: "name the GitRepository Flux reconciles, e.g. 'flux-system'",
    });
  }
  for (const [key, value] of [
    ['interval', o.interval],
    ['sourceInterval', o.sourceInterval],
    ['timeout', o.timeout],
  ] as const) {
    if (value !== undefined && !DURATION.test(value))
      problems.push({ path: key, value, problem: 'is not a Go duration', fix: "write it like '10m', '1h' or '90s'" });
  }
  if (o.retries !== undefined && (!Number.isInteger(o.retries) || o.retries < 0))
    problems.push({
      path: 'retries',
      value: o.retries,
      problem: 'is not a whole number of retries',
      fix: 'use 0 or more, e.g. 3',
    });
  for (const [release, refs] of Object.entries(o.valuesFrom ?? {})) {
    refs.forEach((ref, i) => {
      const at = `valuesFrom["${release}"][${i}]`;
      if (!DNS_SUBDOMAIN.test(ref.secretName ?? ''))
        problems.push({
          path: `${at}.secretName`,
          value: ref.secretName,
          problem: 'is not a Secret name',
          fix: "name the Secret, e.g. 'grafana-admin'",
        });
      if (ref.valuesKey !== undefined && !VALUES_KEY.test(ref.valuesKey))
        problems.push({
          path: `${at}.valuesKey`,
          value: ref.valuesKey,
          problem: 'is not a Secret key',
          fix: "use letters, digits, '-', '_' and '.', e.g. 'admin-password'",
        });
      if (ref.targetPath !== undefined && !TARGET_PATH.test(ref.targetPath))
        problems.push({
          path: `${at}.targetPath`,
          value: ref.targetPath,
          problem: 'is not a values path Flux accepts',
          fix: "write it in Helm --set notation, e.g. 'grafana.adminPassword' or 'env[0].value'",
        });
    });
  }
  return problems;
}
