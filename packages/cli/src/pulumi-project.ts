import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

/** A Pulumi project folder under stacks/ and the stack configs it has. */
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

/** Every `Pulumi.<stack>.yaml` of every project under `stacksDir`, sorted. */
export function findStacks(stacksDir: string): StackTarget[] {
  if (!fs.existsSync(stacksDir)) return [];
  return fs
    .readdirSync(stacksDir)
    .sort()
    .map((d) => path.join(stacksDir, d))
    .filter((d) => fs.existsSync(path.join(d, 'Pulumi.yaml')))
    .flatMap((dir) => {
      const project = projectName(dir);
      return fs
        .readdirSync(dir)
        .sort()
        .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ dir, project, stack: m[1], configFile: path.join(dir, m[0]) }));
    });
}

/** What offline synth gives a program for an encrypted (`secure:`) config value: never the secret. */
export const SECRET_PLACEHOLDER = '[secret: not decrypted offline]';

/**
 * A stack config file as Pulumi hands it to a program: `namespace:key` → string, structured values
 * as JSON. Encrypted (`secure:`) values are never decrypted: the program gets SECRET_PLACEHOLDER,
 * and the key is listed in `secretKeys` so Pulumi treats it as a secret.
 */
export function readStackConfig(configFile: string): Record<string, string> & { readonly [SECRET_KEYS]?: string[] } {
  const doc = (YAML.parse(fs.readFileSync(configFile, 'utf8')) ?? {}) as { config?: Record<string, unknown> };
  const out: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (value && typeof value === 'object' && 'secure' in (value as object)) {
      out[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
      continue;
    }
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  Object.defineProperty(out, SECRET_KEYS, { value: secretKeys, enumerable: false });
  return out;
}

/** Where readStackConfig lists the encrypted keys (not enumerable, so the config map stays plain). */
export const SECRET_KEYS = Symbol('secretKeys');
