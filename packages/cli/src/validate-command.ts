// `aiready validate [dir]`: checks a written tree (dist/ by default, or any folder of manifests, such as
// a team's cdk8s dist/) against the bundled upstream schemas, one target (one cluster) at a time.
import * as fs from 'fs';
import * as path from 'path';
import { parseManifests, problemLines, summaryLine, TargetValidation, uncheckedLines, validateTarget } from './validate-targets';

/** The `aiready validate --help` text. */
export const VALIDATE_USAGE = `usage: aiready validate [DIR|FILE] [--skip-unknown-kinds] [--no-cel] [--verbose]

Checks every Kubernetes object under DIR (default dist/) against the schemas bundled with aiready: the
Kubernetes 1.36 OpenAPI and the upstream CRDs of what aiready writes and installs (plus CRDs found next
to the objects). Strict like \`kubectl apply --validate=strict\`: unknown fields, types, required
fields, the enums the API server enforces, names, no namespace on cluster-scoped kinds, no object
twice in one target, and CRD CEL rules. Each folder with manifests/ or rendered/ is one target (one
cluster); a folder with neither is one target of all its YAML files, and so is a single FILE.
Exits 1 when anything fails.

--skip-unknown-kinds   list objects of kinds with no schema instead of failing them
--no-cel               do not run CRD CEL rules
--verbose              also list the patterns and CEL rules that cannot be checked offline, and why`;

const MANIFEST = /\.(ya?ml|json)$/;

function manifestFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && MANIFEST.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function isTarget(dir: string): boolean {
  return ['manifests', 'rendered'].some((d) => fs.existsSync(path.join(dir, d)));
}

/** Target folders under `dir`: those holding manifests/ or rendered/, else `dir` itself. */
export function findTargets(dir: string): string[] {
  if (isTarget(dir)) return [dir];
  const found = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((d) => isTarget(d) && !d.split(path.sep).some((s) => s === 'manifests' || s === 'rendered'))
    .sort();
  return found.length ? found : [dir];
}

/** Reads and validates one target folder. */
export function validateFolder(
  dir: string,
  id: string,
  options: { skipUnknownKinds?: boolean; cel?: boolean } = {},
): TargetValidation {
  const files = isTarget(dir)
    ? [...manifestFiles(path.join(dir, 'manifests')), ...manifestFiles(path.join(dir, 'rendered'))]
    : manifestFiles(dir);
  const items = files.flatMap((f) => parseManifests(fs.readFileSync(f, 'utf8'), path.relative(dir, f)));
  return validateTarget(id, items, options);
}

/** Runs `aiready validate`; returns the exit code. */
export function validateCommand(args: readonly string[], log: (s: string) => void): number {
  let dir = 'dist';
  const options = { skipUnknownKinds: false, cel: true };
  let verbose = false;
  for (const arg of args) {
    if (arg === '--help' || arg === '-h') {
      log(VALIDATE_USAGE);
      return 0;
    } else if (arg === '--skip-unknown-kinds') options.skipUnknownKinds = true;
    else if (arg === '--no-cel') options.cel = false;
    else if (arg === '--verbose') verbose = true;
    else if (!arg.startsWith('-')) dir = arg;
    else {
      log(`aiready validate: unknown argument '${arg}'\n\n${VALIDATE_USAGE}`);
      return 2;
    }
  }
  if (!fs.existsSync(dir)) {
    log(`aiready validate: ${dir} not found; run \`aiready synth\` first or name a folder of manifests`);
    return 2;
  }
  const single = fs.statSync(dir).isFile();
  const validations: TargetValidation[] = [];
  for (const target of single ? [path.dirname(dir)] : findTargets(dir)) {
    const relative = path.relative(process.cwd(), target);
    const id = relative.startsWith('..') ? path.resolve(target) : relative || '.';
    let v: TargetValidation;
    try {
      v = single
        ? validateTarget(id, parseManifests(fs.readFileSync(dir, 'utf8'), path.basename(dir)), options)
        : validateFolder(target, id, options);
    } catch (err) {
      log(`aiready validate: ${(err as Error).message}`);
      return 1;
    }
    validations.push(v);
    for (const line of problemLines(v)) log(`FAIL ${line}`);
    for (const s of v.report.skipped) log(`SKIP ${v.id}/${s.source ?? '?'}: ${s.object}: no schema for ${s.apiVersion}`);
    log(summaryLine(v));
  }
  if (verbose) for (const line of uncheckedLines(validations)) log(line);
  const objects = validations.reduce((n, v) => n + v.report.checked, 0);
  const problems = validations.reduce((n, v) => n + v.report.problems.length, 0);
  if (objects === 0 && problems === 0) {
    log(`aiready validate: no Kubernetes objects found under ${dir}`);
    return 1;
  }
  log(`aiready validate: ${validations.length} targets, ${objects} objects checked, ${problems} problems`);
  return problems ? 1 : 0;
}
