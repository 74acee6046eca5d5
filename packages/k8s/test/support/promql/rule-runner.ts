// Runs Prometheus rule groups over fixture series, the way Prometheus' rule manager does: every
// group interval, each rule in order; recording rules write their output (with staleness markers
// when a series stops), alerts go pending and fire after `for`. Fixture series use promtool's
// expanding notation ('0+1x10', '1x5 _x3 stale'), so the same fixtures can be fed to promtool.
import { durationMs, evaluate, InstantSample, Labels, labelKey, Storage } from './engine';

export interface FixtureSeries {
  /** `metric{label="value",...}` as in promtool's input_series. */
  readonly series: string;
  /** promtool's expanding notation; sample i is at i * interval. */
  readonly values: string;
}

export interface Rule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

export interface FiringAlert {
  readonly alertname: string;
  /** The alert's labels: the expression's labels plus the rule's labels. */
  readonly labels: Labels;
  readonly value: number;
}

/** Parses `metric{a="b", c="d"}`. */
export function parseSeries(s: string): Labels {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?$/s.exec(s.trim());
  if (!m) throw new Error(`not a series: ${s}`);
  const labels: Record<string, string> = m[1] ? { __name__: m[1] } : {};
  for (const [, k, v] of (m[2] ?? '').matchAll(/\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/g)) {
    if (k in labels) throw new Error(`label ${k} twice in ${s}`);
    labels[k] = JSON.parse(`"${v}"`) as string;
  }
  return labels;
}

type Point = number | '_' | 'stale';

/** Expands promtool's notation: `a+bxn` (n+1 values), `a-bxn`, `axn`, `_`, `_xn`, `stale`, plain numbers. */
export function expandValues(values: string): Point[] {
  const out: Point[] = [];
  for (const tok of values.trim().split(/\s+/)) {
    let m: RegExpExecArray | null;
    if (tok === '_' || tok === 'stale') out.push(tok);
    else if ((m = /^_x(\d+)$/.exec(tok))) for (let i = 0; i < Number(m[1]); i++) out.push('_');
    else if ((m = /^(-?[0-9.e+]+)([+-])([0-9.e+]+)x(\d+)$/.exec(tok)))
      for (let i = 0; i <= Number(m[4]); i++) out.push(Number(m[1]) + (m[2] === '+' ? 1 : -1) * Number(m[3]) * i);
    else if ((m = /^(-?[0-9.e+]+)x(\d+)$/.exec(tok))) for (let i = 0; i <= Number(m[2]); i++) out.push(Number(m[1]));
    else if (/^-?[0-9.e+]+$/.test(tok)) out.push(Number(tok));
    else throw new Error(`not promtool notation: ${tok}`);
  }
  return out;
}

/** A storage holding the fixture series, sampled every `interval`. */
export function loadSeries(series: readonly FixtureSeries[], interval: string): Storage {
  const storage = new Storage();
  const step = durationMs(interval);
  for (const s of series) {
    const labels = parseSeries(s.series);
    expandValues(s.values).forEach((p, i) => {
      if (p === '_') return;
      storage.add(labels, p === 'stale' ? { t: i * step, v: NaN, stale: true } : { t: i * step, v: p });
    });
  }
  return storage;
}

/** The state of a rule evaluation run: what each alert and each recorded series is at any time. */
export interface RuleRun {
  readonly storage: Storage;
  /** Alerts firing at `t` (ms), sorted by name and labels. */
  firingAt(t: number): FiringAlert[];
  /** Alerts pending or firing at `t`. */
  activeAt(t: number): FiringAlert[];
  /** Evaluates an ad-hoc expression over the fixtures and the recorded series. */
  query(expr: string, t: number): InstantSample[];
}

/**
 * Evaluates the groups from 0 to `until` (a duration), every group interval (default 1m), like
 * Prometheus' rule manager.
 */
export function runRules(
  groups: readonly RuleGroup[],
  series: readonly FixtureSeries[],
  o: { interval: string; until: string },
): RuleRun {
  const storage = loadSeries(series, o.interval);
  const end = durationMs(o.until);
  const firing = new Map<number, FiringAlert[]>();
  const active = new Map<number, FiringAlert[]>();
  const steps = new Set<number>();
  const state = new Map<string, Map<string, { since: number }>>();
  const lastRecorded = new Map<string, Map<string, Labels>>();
  const groupSteps = groups.map((g) => durationMs(g.interval ?? '1m'));
  const ticks = [...new Set(groupSteps.flatMap((s) => Array.from({ length: Math.floor(end / s) + 1 }, (_, i) => i * s)))].sort(
    (a, b) => a - b,
  );
  for (const t of ticks) {
    steps.add(t);
    groups.forEach((g, gi) => {
      if (t % groupSteps[gi] !== 0) return;
      g.rules.forEach((rule, ri) => {
        const key = `${gi}/${ri}`;
        const v = evaluate(rule.expr, t, storage);
        const samples: InstantSample[] =
          v.kind === 'vector' ? [...v.samples] : v.kind === 'scalar' ? [{ labels: {}, v: v.v }] : [];
        if (v.kind === 'matrix' || v.kind === 'string') throw new Error(`rule ${rule.record ?? rule.alert} is not a vector`);
        if (rule.record) {
          const now = new Map<string, Labels>();
          for (const s of samples) {
            const { __name__: _, ...rest } = s.labels;
            const labels = { ...rest, ...rule.labels, __name__: rule.record };
            now.set(labelKey(labels), labels);
            storage.add(labels, { t, v: s.v });
          }
          for (const [k, labels] of lastRecorded.get(key) ?? new Map<string, Labels>())
            if (!now.has(k)) storage.add(labels, { t, v: NaN, stale: true });
          lastRecorded.set(key, now);
          return;
        }
        const prev = state.get(key) ?? new Map<string, { since: number }>();
        const next = new Map<string, { since: number }>();
        const forMs = durationMs(rule.for && rule.for !== '0m' && rule.for !== '0s' ? rule.for : '0s');
        for (const s of samples) {
          const { __name__: _, ...rest } = s.labels;
          const labels = { ...rest, ...rule.labels, alertname: rule.alert! };
          const k = labelKey(labels);
          const since = prev.get(k)?.since ?? t;
          next.set(k, { since });
          const alert = { alertname: rule.alert!, labels, value: s.v };
          push(active, t, alert);
          if (t - since >= forMs) push(firing, t, alert);
        }
        state.set(key, next);
      });
    });
  }
  const at = (m: Map<number, FiringAlert[]>, t: number) => {
    if (!steps.has(t)) throw new Error(`no rule evaluation at ${t}ms`);
    return [...(m.get(t) ?? [])].sort((a, b) => (a.alertname + labelKey(a.labels) < b.alertname + labelKey(b.labels) ? -1 : 1));
  };
  return {
    storage,
    firingAt: (t) => at(firing, t),
    activeAt: (t) => at(active, t),
    query: (expr, t) => {
      const v = evaluate(expr, t, storage);
      if (v.kind !== 'vector') throw new Error('not a vector');
      return [...v.samples];
    },
  };
}

function push(m: Map<number, FiringAlert[]>, t: number, a: FiringAlert): void {
  if (!m.has(t)) m.set(t, []);
  m.get(t)!.push(a);
}

/** Milliseconds of a duration, for assertions (`at('2h')`). */
export const at = durationMs;
