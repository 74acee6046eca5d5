import * as fs from 'fs';
import * as jsyaml from 'js-yaml';
import * as path from 'path';
import * as YAML from 'yaml';

/** One stack config of a Pulumi project folder. */
export interface StackTarget {
  readonly dir: string;
  readonly project: string;
  readonly stack: string;
  readonly configFile: string;
}

/** The project name from `Pulumi.yaml`. */
export function projectName(dir: string): string {
  const doc = YAML.parse(fs.readFileSync(path.join(dir, 'Pulumi.yaml'), 'utf8')) as { name?: unknown };
  if (typeof doc?.name !== 'string') throw new Error(`${dir}/Pulumi.yaml has no project name`);
  return doc.name;
}

/** Folders never searched for Pulumi projects: dependencies, build output, version control. */
const SKIP = new Set(['node_modules', 'lib', 'dist', 'cdk.out', 'coverage']);

/** Every folder under `root` (itself included) holding a `Pulumi.yaml`, sorted. */
export function findPulumiProjects(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  const found: string[] = [];
  const visit = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && e.name === 'Pulumi.yaml')) found.push(dir);
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name)) visit(path.join(dir, e.name));
  };
  visit(root);
  return found.sort();
}

/** The stack configs (`Pulumi.<stack>.yaml`) of one project folder, sorted. */
export function projectStacks(dir: string): StackTarget[] {
  if (!fs.existsSync(path.join(dir, 'Pulumi.yaml'))) throw new Error(`${dir}: no Pulumi.yaml here`);
  const project = projectName(dir);
  return fs
    .readdirSync(dir)
    .sort()
    .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ dir, project, stack: m[1], configFile: path.join(dir, m[0]) }));
}

/** Every `Pulumi.<stack>.yaml` of every Pulumi project anywhere under `root`, sorted. */
export function findStacks(root: string): StackTarget[] {
  return findPulumiProjects(root).flatMap(projectStacks);
}

/** What offline synth puts where a stack config holds an encrypted (`secure:`) value. */
export const SECRET_PLACEHOLDER = 'aiready-offline-placeholder:secret-not-decrypted';

/** A stack config as Pulumi hands it to a program, and which keys were secrets. */
export interface StackConfig {
  /** `namespace:key` → string, structured values as JSON; secrets replaced by {@link SECRET_PLACEHOLDER}. */
  readonly values: Record<string, string>;
  /** Keys whose `secure:` value was replaced, sorted. */
  readonly secrets: readonly string[];
}

/**
 * A stack config file as Pulumi hands it to a program. Offline synth never decrypts anything: an
 * encrypted (`secure:`) value becomes a marked placeholder, listed in `secrets` so the summary says so,
 * and the other values and targets are synthesized as usual.
 */
export function readStackConfig(configFile: string): StackConfig {
  // js-yaml's YAML 1.2 core schema reads what the yaml package does (no timestamps, no merge keys,
  // duplicate keys refused), about 6 times faster: a stack of 1,000 pools has a config of 150 KB.
  const text = fs.readFileSync(configFile, 'utf8');
  const doc = (jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, filename: configFile }) ?? {}) as {
    config?: Record<string, unknown>;
  };
  const values: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (value && typeof value === 'object' && 'secure' in (value as object)) {
      values[key] = SECRET_PLACEHOLDER;
      secrets.push(key);
    } else values[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return { values, secrets: secrets.sort() };
}
