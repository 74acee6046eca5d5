// The documents of a YAML text, as `yaml` reads them. During a synth, validation and then admission
// each read every rendered file of every target, and targets share identical renders: with the cache
// on (cachingYamlDocuments), each text is parsed once and every reader gets the same frozen values
// (measured with --timings on a --render synth of the reference targets: validation and admission were
// about 29 s, nearly all of it parsing rendered YAML). Rendered files, which synth writes from objects
// it holds, are not parsed at all (knownYamlDocuments): on a warm render cache, parsing them and
// copying the result for each reader was 40 % of a synth.
import { deepFreeze } from '@aiready/k8s';
import * as YAML from 'yaml';

/** One document: its value (as `toJS()` gives it), or why it has none. */
export interface YamlDocument {
  /** The first error of the document's syntax, if any. */
  readonly error?: string;
  readonly value?: unknown;
  /** What `toJS()` threw, if it did. */
  readonly thrown?: unknown;
}

let cache: Map<string, readonly YamlDocument[]> | undefined;

function parse(content: string): YamlDocument[] {
  return YAML.parseAllDocuments(content).map((d) => {
    const error = d.errors[0]?.message;
    try {
      return { ...(error ? { error } : {}), value: d.toJS() };
    } catch (thrown) {
      return { ...(error ? { error } : {}), thrown };
    }
  });
}

/**
 * The documents of `content`; while the cache is on, parsed once per text, and every caller gets the
 * same values, frozen (a reader that changed one would change it for the others: it throws instead).
 */
export function yamlDocuments(content: string): YamlDocument[] {
  if (!cache) return parse(content);
  let docs = cache.get(content);
  if (!docs) {
    docs = frozen(parse(content));
    cache.set(content, docs);
  }
  return [...docs];
}

/**
 * Tells the cache, while it is on, the documents of `content` without parsing it: `values` must be what
 * parsing gives (for a text aiready wrote itself from those values). They are frozen.
 */
export function knownYamlDocuments(content: string, values: readonly unknown[]): void {
  cache?.set(content, frozen(values.map((value) => ({ value }))));
}

/** `docs`, their values frozen to the last level. */
function frozen(docs: YamlDocument[]): YamlDocument[] {
  for (const d of docs) deepFreeze(d.value);
  return docs;
}

/** Runs `fn` with the cache on; it is emptied after. */
export function cachingYamlDocuments<T>(fn: () => T): T {
  const outer = cache;
  cache = outer ?? new Map();
  try {
    return fn();
  } finally {
    cache = outer;
  }
}
