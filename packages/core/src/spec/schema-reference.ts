// The key reference of a runtime schema (schema.ts): one row per key at every depth, with its type,
// whether it is required, its default, an example and what it does. The stack-config reference in the
// docs is generated from it, so the docs cannot drift from what the reader accepts.
import { Field, Schema } from './schema';

/** One key of a schema, at any depth. */
export interface ReferenceRow {
  /** The key's path as a user writes it: `pools[].sharing.replicas`, `values.<key>`. */
  readonly key: string;
  /** The value's type in words (`integer`, `list of GPU pool`, `'spot' \| 'on-demand'`). */
  readonly type: string;
  /** True when the key must be given (in its parent, when the parent is given). */
  readonly required: boolean;
  /** The behaviour when the key is left out; undefined for required keys and keys with no default. */
  readonly default?: string;
  /** An example value, as written in YAML. */
  readonly example?: string;
  /** What the key does; a prefix such as `(mode: mig)` or `(Slack receiver)` says when it applies. */
  readonly doc: string;
}

/** The object shapes inside a schema, with the path suffix their keys go under and a condition. */
interface Nested {
  readonly suffix: string;
  readonly fields: Readonly<Record<string, Field>>;
  readonly when?: string;
}

/** The type of a schema in words, for the reference's Type column. */
export function schemaTypeName(schema: Schema): string {
  switch (schema.type) {
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
      return schema.type;
    case 'string-or-number':
      return 'string (or an unquoted number)';
    case 'any':
      return 'any';
    case 'enum':
      return schema.values.map((v) => `'${v}'`).join(' | ');
    case 'list':
      return `list of ${schemaTypeName(schema.items)}`;
    case 'record':
      return `map of ${schemaTypeName(schema.values)}`;
    case 'object':
    case 'variants':
    case 'either':
      return schema.name;
    case 'false-or':
      return `false or ${schemaTypeName(schema.schema)}`;
    case 'boolean-or':
      return `true, false or ${schemaTypeName(schema.schema)}`;
  }
}

function nested(schema: Schema): Nested[] {
  switch (schema.type) {
    case 'object':
      return [{ suffix: '', fields: schema.fields }];
    case 'list':
      return nested(schema.items).map((n) => ({ ...n, suffix: `[]${n.suffix}` }));
    case 'record':
      return nested(schema.values).map((n) => ({ ...n, suffix: `.<key>${n.suffix}` }));
    case 'false-or':
    case 'boolean-or':
      return nested(schema.schema);
    case 'variants':
      return Object.entries(schema.variants).map(([value, v]) => ({
        suffix: '',
        fields: v.fields,
        when: `${schema.discriminator}: ${value}`,
      }));
    case 'either': {
      // Keys every option has (a receiver's name) apply always; the others only to their option.
      const options = schema.options.map((o) => ({ name: schemaTypeName(o), shapes: nested(o) }));
      const objects = options.map((o) => (o.shapes.length === 1 && !o.shapes[0].suffix ? o.shapes[0].fields : undefined));
      const common = objects.every((o) => o !== undefined)
        ? Object.keys(objects[0]!).filter((k) => objects.every((o) => k in o!))
        : [];
      const pick = (fields: Readonly<Record<string, Field>>, keep: (k: string) => boolean) =>
        Object.fromEntries(Object.entries(fields).filter(([k]) => keep(k)));
      return [
        ...(common.length > 0 ? [{ suffix: '', fields: pick(objects[0]!, (k) => common.includes(k)) }] : []),
        ...options.flatMap((o) =>
          o.shapes.map((n) => ({ ...n, fields: pick(n.fields, (k) => !common.includes(k)), when: n.when ?? o.name })),
        ),
      ];
    }
    default:
      return [];
  }
}

/**
 * Every key of `fields` at every depth, parents before their children, in declaration order. Keys of a
 * variant or of one option of several say when they apply; keys every option has are listed once.
 */
export function referenceRows(fields: Readonly<Record<string, Field>>, prefix = ''): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  const seen = new Set<string>();
  // A key of several variants or options (`replicas` of time-slicing and of mps) gets a row for each.
  const add = (row: ReferenceRow) => {
    if (seen.has(`${row.key} ${row.doc}`)) return;
    seen.add(`${row.key} ${row.doc}`);
    rows.push(row);
  };
  const walk = (fs: Readonly<Record<string, Field>>, path: string, when?: string) => {
    for (const [name, field] of Object.entries(fs)) {
      const key = path ? `${path}.${name}` : name;
      add({
        key,
        type: schemaTypeName(field.schema),
        required: field.required === true,
        ...(field.default !== undefined ? { default: field.default } : {}),
        ...(field.example !== undefined ? { example: field.example } : {}),
        doc: when ? `(${when}) ${field.doc}` : field.doc,
      });
      if (field.schema.type === 'variants') {
        const d = field.schema.discriminator;
        add({
          key: `${key}.${d}`,
          type: Object.keys(field.schema.variants)
            .map((v) => `'${v}'`)
            .join(' | '),
          required: true,
          doc: `which ${field.schema.name} (the keys below it depend on it)`,
        });
      }
      for (const n of nested(field.schema)) walk(n.fields, `${key}${n.suffix}`, n.when);
    }
  };
  walk(fields, prefix);
  return rows;
}

// In a table cell a pipe ends the cell, even inside a code span; outside code, `<region>` would be HTML.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const prose = (text: string) => cell(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
const code = (text: string) => cell(`\`${text.replace(/`/g, "'")}\``);

/** The rows as a Markdown table: Key, Type, Default (or `required`), Example, Description. */
export function referenceTable(rows: readonly ReferenceRow[]): string {
  const lines = ['| Key | Type | Default | Example | Description |', '| --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const def = r.required ? '**required**' : prose(r.default ?? '');
    const example = r.example !== undefined ? code(r.example) : '';
    lines.push(`| ${code(r.key)} | ${prose(r.type)} | ${def} | ${example} | ${prose(r.doc)} |`);
  }
  return `${lines.join('\n')}\n`;
}
