// Validates objects against an upstream CRD with ajv, strict about unknown fields, inside jest (no
// network, no subprocess), for property tests and for the one kind ../shared/tools/kube-validate cannot
// compile: the PrometheusRule CRD uses Go's inline `(?i)` regex flag, which JavaScript rejects. Here
// `(?i)` becomes the `i` flag; otherwise objects are checked as the API server's structural schema
// would (unknown fields rejected, int-or-string honoured). CEL rules are not evaluated; CI runs
// kube-validate on every synthesized object as well.
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as YAML from 'yaml';

type Schema = Record<string, unknown>;

function structural(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(structural);
  if (!node || typeof node !== 'object') return node;
  const n = node as Schema;
  if (n['x-kubernetes-int-or-string']) return { anyOf: [{ type: 'integer' }, { type: 'string' }] };
  const out: Schema = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === 'description' || k === 'format' || k.startsWith('x-kubernetes-')) continue;
    if (k === 'properties')
      out.properties = Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, structural(pv)]));
    else if (k === 'items' || k === 'additionalProperties' || k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'not')
      out[k] = structural(v);
    else out[k] = v;
  }
  if (out.properties && out.additionalProperties === undefined && n['x-kubernetes-preserve-unknown-fields'] !== true)
    out.additionalProperties = false;
  return out;
}

/** A validator for the served version `version` of the CRD in `file`. */
export function crdValidator(file: string, version: string): ValidateFunction {
  const crd = YAML.parse(fs.readFileSync(file, 'utf8'));
  const v = crd.spec.versions.find((x: { name: string }) => x.name === version);
  const schema = structural(v.schema.openAPIV3Schema) as Schema;
  (schema.properties as Schema).metadata = { type: 'object' };
  const regExp = Object.assign(
    (pattern: string, flags: string) =>
      pattern.includes('(?i)') ? new RegExp(pattern.replace('(?i)', ''), `${flags}i`) : new RegExp(pattern, flags),
    { code: 'goRegExp' },
  );
  return new Ajv({ strict: false, allErrors: true, code: { regExp } }).compile(schema);
}

/** The shared CRD folder, if this checkout has one beside it. */
export const CRDS = path.resolve(__dirname, '../../../shared/crds');
