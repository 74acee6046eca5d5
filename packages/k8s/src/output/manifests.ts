import { COMPONENT_LABEL } from '@aiready/core';
import * as fs from 'fs';
import * as path from 'path';
import { deepFreeze } from '../private/merge';
import { manifestYaml } from './manifest-yaml';

/** A Kubernetes object as plain JSON. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
};

/** One file of the review tree. */
export interface ManifestFile {
  /** Path relative to the output folder: `<component>/<kind>.yaml`. */
  readonly path: string;
  readonly content: string;
  readonly objects: number;
}

const HEAD_KEYS = ['apiVersion', 'kind', 'metadata'];

/** Orders keys for review: apiVersion, kind, metadata first at the top, everything else sorted. */
function ordered(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v));
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // Own keys, as Object.fromEntries makes them (an assignment to `__proto__` would set the prototype).
  const put = (k: string) =>
    k === '__proto__'
      ? Object.defineProperty(out, k, { value: ordered(obj[k]), enumerable: true, writable: true, configurable: true })
      : (out[k] = ordered(obj[k]));
  const head = top ? HEAD_KEYS.filter((k) => k in obj) : [];
  for (const k of head) put(k);
  for (const k of Object.keys(obj).sort()) if (!head.includes(k)) put(k);
  return out;
}

/** Documents written ahead of a layout, by object (see {@link prepareManifest}). */
const prepared = new WeakMap<object, string>();

/**
 * Writes `o`'s YAML document now, for a later {@link layoutManifests} of it to reuse (a CLI writes the
 * documents of a stack's objects while the stack still runs). `o` is frozen to its last level: changed
 * after, its document would be stale, so a change throws instead.
 */
export function prepareManifest(o: KubeObject): void {
  if (prepared.has(o)) return;
  deepFreeze(o);
  prepared.set(o, manifestYaml(ordered(o, true)));
}

function objectKey(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** Where an object goes in the review tree: `<component>/<kind>.yaml`. */
export function manifestPath(o: KubeObject): string {
  return `${o.metadata?.labels?.[COMPONENT_LABEL] ?? 'platform'}/${o.kind.toLowerCase()}.yaml`;
}

/**
 * Lays objects out as a deterministic review tree: one folder per component (the
 * `app.kubernetes.io/component` label), one file per kind, objects sorted by namespace and name, keys
 * sorted. The same objects always give the same bytes, so a one-line change is a small diff.
 */
export function layoutManifests(objects: readonly KubeObject[]): ManifestFile[] {
  const groups = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const file = manifestPath(o);
    const group = groups.get(file);
    if (group) group.push(o);
    else groups.set(file, [o]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, objs]) => {
      const docs = [...objs]
        .sort((a, b) => objectKey(a).localeCompare(objectKey(b)) || a.apiVersion.localeCompare(b.apiVersion))
        .map((o) => prepared.get(o) ?? manifestYaml(ordered(o, true)));
      return { path: file, content: docs.join('---\n'), objects: objs.length };
    });
}

/** Writes the review tree into `dir`, replacing what was there. Returns the files written. */
export function writeManifests(dir: string, objects: readonly KubeObject[]): ManifestFile[] {
  const files = layoutManifests(objects);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of files) {
    const target = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.content);
  }
  return files;
}
