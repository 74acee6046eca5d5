// Shared by the tests: the files of a tree (names, or names and contents), and a copy of the reference
// stack with its dev config edited.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

/** Every file under `dir`, relative to it, sorted. */
export function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Every file under `dir` (relative path → content), sorted. */
export function fileContents(dir: string): Record<string, string> {
  return Object.fromEntries(files(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** A copy of the ai-platform stack (its compiled program linked) whose dev config is changed by `edit`. */
export function stackCopy(edit: (config: string) => string): string {
  return stackCopyWith({ dev: edit });
}

/**
 * A copy of the ai-platform stack (its compiled program linked) with a config per key of `configs`
 * (`Pulumi.<key>.yaml`), each the dev config changed by its edit.
 */
export function stackCopyWith(configs: Readonly<Record<string, (devConfig: string) => string>>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-stack-'));
  const stack = path.join(root, 'stacks/ai-platform');
  fs.mkdirSync(stack, { recursive: true });
  const real = path.join(ROOT, 'stacks/ai-platform');
  fs.copyFileSync(path.join(real, 'Pulumi.yaml'), path.join(stack, 'Pulumi.yaml'));
  fs.symlinkSync(path.join(real, 'lib'), path.join(stack, 'lib'));
  const dev = fs.readFileSync(path.join(real, 'Pulumi.dev.yaml'), 'utf8');
  for (const [name, edit] of Object.entries(configs)) fs.writeFileSync(path.join(stack, `Pulumi.${name}.yaml`), edit(dev));
  return root;
}
