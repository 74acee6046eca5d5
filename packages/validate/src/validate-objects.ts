// Validates the objects of one target (one cluster) against the bundled schemas, plus the CRDs found
// among the objects: schema (strict fields, types, enums, required), metadata rules, scope, duplicates
// and CRD CEL rules. Pure apart from reading the bundled schema files on first use.
import { applyDefaults } from './defaults';
import { CelCounts, runCelRules } from './cel-rules';
import { identity, metadataProblems } from './object-rules';
import { crdsAmong, KindSchema, OBJECT_META, SchemaBundle } from './schema-bundle';
import { checkValue, Problem, WalkContext } from './schema-check';

/** One object to check, and where it came from (a file path, for messages). */
export interface ObjectToValidate {
  readonly object: unknown;
  readonly source?: string;
}

/** Options of `validateObjects`. */
export interface ValidateOptions {
  /** Schemas to check against. @default - the schemas bundled with this package */
  readonly bundle?: SchemaBundle;
  /**
   * What a kind with no schema (bundled, or a CRD among the objects) is: an `error`, or `skip`ped and
   * listed in the report.
   * @default 'error'
   */
  readonly unknownKinds?: 'error' | 'skip';
  /** Run CRD CEL rules. @default true */
  readonly cel?: boolean;
}

/** One problem of one object. */
export interface ObjectProblem {
  /** `Kind namespace/name`. */
  readonly object: string;
  readonly source?: string;
  /** Field path, or `<object>` for problems of the whole object. */
  readonly path: string;
  readonly message: string;
}

/** What `validateObjects` found: objects checked, problems, and what was skipped. */
export interface ValidationReport {
  /** Objects checked (not counting skipped ones). */
  readonly checked: number;
  readonly problems: readonly ObjectProblem[];
  /** Objects of kinds with no schema, when `unknownKinds` is `skip`. */
  readonly skipped: readonly { readonly object: string; readonly source?: string; readonly apiVersion: string }[];
  readonly cel: Readonly<CelCounts>;
  /** Schema patterns that could not be checked (Go-only regex syntax), with the reason. */
  readonly uncheckedPatterns: ReadonlyMap<string, string>;
  /** The schema used for each kind seen, `apiVersion/Kind` to source. */
  readonly schemas: ReadonlyMap<string, string>;
}

function describe(object: Record<string, unknown>): string {
  const meta = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const name = typeof meta.name === 'string' ? meta.name : '<no name>';
  return `${String(object.kind ?? '<no kind>')} ${typeof meta.namespace === 'string' ? `${meta.namespace}/` : ''}${name}`;
}

/** Validates `items` as the objects of one cluster. */
export function validateObjects(items: readonly ObjectToValidate[], options: ValidateOptions = {}): ValidationReport {
  const bundle = options.bundle ?? SchemaBundle.bundled();
  const local = crdsAmong(items.map((i) => i.object));
  const definitions = bundle.definitions();
  const problems: ObjectProblem[] = [];
  const skipped: { object: string; source?: string; apiVersion: string }[] = [];
  const cel: CelCounts = { evaluated: 0, failed: 0, updateOnly: 0, unchecked: new Map() };
  const uncheckedPatterns = new Map<string, string>();
  const schemas = new Map<string, string>();
  const seen = new Map<string, string | undefined>();
  let checked = 0;

  for (const { object, source } of items) {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      problems.push({ object: '<not an object>', source, path: '<object>', message: 'a manifest must be a YAML mapping' });
      continue;
    }
    const o = object as Record<string, unknown>;
    const name = describe(o);
    const add = (list: readonly Problem[]) => {
      for (const p of list) problems.push({ object: name, source, path: p.path, message: p.message });
    };
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
      add([{ path: '<object>', message: 'apiVersion and kind are required strings' }]);
      continue;
    }
    const key = `${o.apiVersion}/${o.kind}`;
    const schema: KindSchema | undefined = bundle.lookup(o.apiVersion, o.kind) ?? local.get(key);
    if (!schema) {
      if (options.unknownKinds === 'skip') skipped.push({ object: name, source, apiVersion: o.apiVersion });
      else
        add([
          {
            path: '<object>',
            message: `no schema for ${key}: aiready bundles ${bundle.knownKinds().length} kinds and uses CRDs found next to the objects; check apiVersion and kind`,
          },
        ]);
      continue;
    }
    checked++;
    schemas.set(key, schema.source);
    const id = identity(o.apiVersion, o.kind, schema.scope, o);
    if (seen.has(id))
      add([{ path: '<object>', message: `duplicate object: also defined${seen.get(id) ? ` in ${seen.get(id)}` : ''}` }]);
    seen.set(id, source);
    add(metadataProblems(o.kind, schema.scope, o));
    add(checkObject(o, schema, definitions, uncheckedPatterns, options.cel === false ? undefined : cel));
  }
  return { checked, problems, skipped, cel, uncheckedPatterns, schemas };
}

function checkObject(
  object: Record<string, unknown>,
  schema: KindSchema,
  definitions: WalkContext['definitions'],
  uncheckedPatterns: Map<string, string>,
  cel: CelCounts | undefined,
): Problem[] {
  const ctx: WalkContext = { definitions, problems: [], celSites: [], uncheckedPatterns };
  // `status` is not part of a create: the API server resets it (built-in kinds) or drops it (CRDs
  // with the status subresource).
  const { status, metadata, ...rest } = object;
  const body = schema.statusSubresource || status === undefined ? rest : { ...rest, status };
  checkValue(metadata ?? {}, { $ref: `#/definitions/${OBJECT_META}` }, 'metadata', ctx, 'kubernetes');
  if (schema.flavour === 'kubernetes') {
    checkValue(body, schema.root, '', ctx, 'kubernetes');
    return ctx.problems;
  }
  const root = {
    ...schema.root,
    properties: {
      ...schema.root.properties,
      metadata: { type: 'object' as const, 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
  const defaulted = applyDefaults({ ...body, metadata: metadata ?? {} }, root) as Record<string, unknown>;
  checkValue(defaulted, root, '', ctx, 'crd');
  if (cel) runCelRules(ctx.celSites, '', ctx.problems, cel);
  return ctx.problems;
}
