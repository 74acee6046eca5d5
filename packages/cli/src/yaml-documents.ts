// The documents of a YAML text, as `yaml` reads them. During a synth, validation and then admission
// each read every rendered file of every target, and targets share identical renders: with the cache
// on (cachingYamlDocuments), each text is parsed once and every reader gets its own copy (measured
// with --timings on a --render synth of the reference targets: validation and admission were about
// 29 s, nearly all of it parsing rendered YAML; a structured clone costs a fraction of a parse).
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

/** The documents of `content`; parsed once per text while the cache is on, each caller getting a copy. */
export function yamlDocuments(content: string): YamlDocument[] {
  if (!cache) return parse(content);
  let docs = cache.get(content);
  if (!docs) {
    docs = parse(content);
    cache.set(content, docs);
  }
  return docs.map((d) => ('value' in d ? { ...d, value: structuredClone(d.value) } : d));
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
