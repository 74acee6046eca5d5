// CRD CEL rules (`x-kubernetes-validations`), run as the API server runs them on create: on the
// defaulted object, `self` bound at the rule's schema node, integers as CEL ints, only
// `metadata.name`/`generateName` visible at a resource root. A rule that is false, or that fails at
// run time as it would on the server (`no such key`), is a problem. Rules that cannot be run here are
// counted as unchecked with the reason: transition rules (`oldSelf`, update only), functions outside
// standard CEL plus Kubernetes' `find`/`findAll`, and regexes with Go-only syntax.
import { Environment, Optional } from '@marcbachmann/cel-js';
import { goRegex } from './go-regex';
import type { CelRule, SchemaNode } from './schema-bundle';
import type { CelSite, Problem } from './schema-check';

/** What happened to the CEL rules of one validation run. */
export interface CelCounts {
  evaluated: number;
  failed: number;
  /** Transition rules: the API server runs them on update only. */
  updateOnly: number;
  /** Rules that could not be run here, with why. */
  readonly unchecked: Map<string, string>;
}

type Compiled = { readonly run: (context: Record<string, unknown>) => unknown } | { readonly unchecked: string };

let environment: Environment | undefined;
const compiled = new Map<string, Compiled>();

function env(): Environment {
  if (!environment) {
    environment = new Environment({
      unlistedVariablesAreDyn: true,
      enableOptionalTypes: true,
      homogeneousAggregateLiterals: false,
    })
      // Only optionalOldSelf rules run on create; there oldSelf is an optional with no value.
      .registerVariable('oldSelf', 'optional<dyn>')
      .registerFunction('string.find(string): string', (s: string, re: string) => {
        const c = goRegex(re);
        if (!('regex' in c)) throw new Error(c.unchecked);
        return c.regex.exec(s)?.[0] ?? '';
      })
      .registerFunction('string.findAll(string): list<string>', (s: string, re: string) => {
        const c = goRegex(re);
        if (!('regex' in c)) throw new Error(c.unchecked);
        return [...s.matchAll(new RegExp(c.regex.source, `${c.regex.flags}g`))].map((m) => m[0]);
      });
  }
  return environment;
}

/** Literal patterns given to `matches`/`find`/`findAll` must mean the same in JavaScript. */
function regexProblem(rule: string): string | undefined {
  for (const m of rule.matchAll(/\.(?:matches|find|findAll)\(\s*(?:r?)(['"])((?:\\.|(?!\1).)*)\1/g)) {
    const pattern = m[2].replace(/\\\\/g, '\\');
    const c = goRegex(pattern);
    if (!('regex' in c)) return `regex ${pattern}: ${c.unchecked}`;
    if (c.regex.source !== pattern || c.regex.flags) return `regex ${pattern} uses Go syntax`;
  }
  return undefined;
}

function compile(expression: string): Compiled {
  let c = compiled.get(expression);
  if (!c) {
    const regex = regexProblem(expression);
    if (regex) c = { unchecked: regex };
    else {
      try {
        const checked = env().check(expression);
        if (!checked.valid) throw checked.error ?? new Error('does not type-check');
        const parsed = env().parse(expression);
        c = { run: (context) => parsed(context) };
      } catch (err) {
        c = { unchecked: (err as Error).message.split('\n')[0] };
      }
    }
    compiled.set(expression, c);
  }
  return c;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value as CEL sees it: integers (by schema, or whole numbers where the schema is open) as ints. */
export function toCel(value: unknown, node: SchemaNode | undefined): unknown {
  if (typeof value === 'number') {
    const integer = node?.type === 'integer' || node?.['x-kubernetes-int-or-string'] || (!node?.type && Number.isInteger(value));
    return integer && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => toCel(v, node?.items));
  if (!isObject(value)) return value;
  const extra = typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = toCel(v, node?.properties?.[k] ?? extra);
  return out;
}

function usesOldSelf(rule: CelRule): boolean {
  return /\boldSelf\b/.test(rule.rule);
}

/** Runs the rules of every site, adding a problem for each rule that fails. */
export function runCelRules(sites: readonly CelSite[], rootPath: string, problems: Problem[], counts: CelCounts): void {
  for (const site of sites) {
    let self: unknown;
    for (const rule of site.node['x-kubernetes-validations'] ?? []) {
      if (usesOldSelf(rule) && !rule.optionalOldSelf) {
        counts.updateOnly++;
        continue;
      }
      const c = compile(rule.rule);
      if (!('run' in c)) {
        counts.unchecked.set(rule.rule, c.unchecked);
        continue;
      }
      if (self === undefined) self = celSelf(site, rootPath);
      const context = { self, oldSelf: Optional.none() };
      counts.evaluated++;
      let result: unknown;
      try {
        result = c.run(context);
      } catch (err) {
        result = err as Error;
      }
      if (result === true) continue;
      counts.failed++;
      const path = rule.fieldPath
        ? `${site.path}${rule.fieldPath.startsWith('[') ? '' : '.'}${rule.fieldPath.replace(/^\./, '')}`
        : site.path;
      const why =
        result instanceof Error
          ? `rule could not be evaluated: ${result.message.split('\n')[0]}`
          : (message(rule, context) ?? `failed rule: ${rule.rule}`);
      problems.push({ path: path || '<root>', message: `${why}${rule.reason ? ` (${rule.reason})` : ''}` });
    }
  }
}

function celSelf(site: CelSite, rootPath: string): unknown {
  const value = toCel(site.value, site.node);
  if (site.path !== rootPath || !isObject(value) || !isObject(value.metadata)) return value;
  // At a resource root the API server exposes only name and generateName of metadata.
  const { name, generateName } = value.metadata;
  const metadata = Object.fromEntries(Object.entries({ name, generateName }).filter(([, v]) => v !== undefined));
  return { ...value, metadata };
}

function message(rule: CelRule, context: Record<string, unknown>): string | undefined {
  if (rule.messageExpression) {
    const c = compile(rule.messageExpression);
    if ('run' in c) {
      try {
        const m = c.run(context);
        if (typeof m === 'string' && m.trim()) return m;
      } catch {
        // The API server falls back to `message` (or the rule) when messageExpression fails.
      }
    }
  }
  return rule.message;
}
