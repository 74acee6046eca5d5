// `aiready diff OLD NEW` and `aiready diff --base REF`: the second synthesizes REF in a temporary git
// worktree, with the same synth options, and compares it with the synthesized tree of the working
// copy. Exit 0 when identical, 1 when different, 2 on error.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diffDist, readDist } from './diff';
import { markdownReport, textReport } from './diff-report';
import { stackTimeoutProblem } from './stack-workers';

export const DIFF_USAGE = `aiready diff OLD_DIST NEW_DIST [--format text|markdown]
aiready diff --base GIT_REF [--new DIST] [--format text|markdown] [--setup CMD] [--render ...synth options]`;

const HELP = `usage: ${DIFF_USAGE.split('\n').join('\n       ')}

Object-level diff of two synthesized trees: Kubernetes objects added, removed and changed (field, old
→ new) by target and component, GPU and cost deltas from SUMMARY.md, and cloud resources added,
removed, updated or replaced from plan.json. --base synthesizes GIT_REF in a temporary git worktree
(after --setup, by default the repository's install and build) and compares it with --new (default
dist/, synthesize it first). Synth options (--render, --chart-cache, --kustomize-cache, --cache-dir,
--helm, --kubectl, --only, --stack-timeout) are passed to the base's synth. Exit 0: identical; 1: different; 2: error.`;

const SYNTH_VALUE_FLAGS = [
  '--chart-cache',
  '--kustomize-cache',
  '--cache-dir',
  '--helm',
  '--kubectl',
  '--only',
  '--stack-timeout',
];

/** The command that installs and builds a checkout of `dir`, from its package manager. */
export function defaultSetup(dir: string): string | undefined {
  const pkgFile = path.join(dir, 'package.json');
  if (!fs.existsSync(pkgFile)) return undefined;
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { packageManager?: string; scripts?: Record<string, string> };
  const build = pkg.scripts?.build;
  const pnpm = /^pnpm@(\S+)/.exec(pkg.packageManager ?? '')?.[1];
  if (pnpm || fs.existsSync(path.join(dir, 'pnpm-lock.yaml'))) {
    const run = `npx -y pnpm@${pnpm ?? 'latest'}`;
    return `${run} install --frozen-lockfile --prefer-offline${build ? ` && ${run} run build` : ''}`;
  }
  return `npm ci --prefer-offline${build ? ' && npm run build' : ''}`;
}

/** The aiready CLI a checkout brings, else this one. */
function cliFor(dir: string): string {
  const own = path.join(dir, 'node_modules', '@aiready', 'cli', 'bin', 'aiready.js');
  return fs.existsSync(own) ? own : path.join(__dirname, '..', 'bin', 'aiready.js');
}

/** Synthesizes `ref` of the repository at `cwd` into a temporary folder; returns it and a cleanup. */
export function synthesizeRef(
  cwd: string,
  ref: string,
  synthArgs: readonly string[],
  setup: string | undefined,
  log: (s: string) => void,
): { dist: string; cleanup: () => void } {
  const git = (args: string[], dir = cwd) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }).trim();
  const top = git(['rev-parse', '--show-toplevel']);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-base-'));
  const worktree = path.join(tmp, 'worktree');
  const cleanup = () => {
    spawnSync('git', ['worktree', 'remove', '--force', worktree], { cwd: top, stdio: 'ignore' });
    fs.rmSync(tmp, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: top, stdio: 'ignore' });
  };
  try {
    git(['worktree', 'add', '--detach', worktree, ref], top);
    // The synth runs where the working copy's synth would: the same folder below the repository root.
    const sub = path.join(worktree, path.relative(top, cwd));
    const command = setup ?? defaultSetup(worktree);
    if (command) {
      log(`aiready diff: setting up ${ref}: ${command}`);
      const r = spawnSync(command, { cwd: worktree, shell: true, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (r.status !== 0) throw new Error(`setting up ${ref} failed (${command}):\n${r.stderr || r.stdout}`);
    }
    const dist = path.join(tmp, 'dist');
    log(`aiready diff: synthesizing ${ref}`);
    const r = spawnSync(process.execPath, [cliFor(worktree), 'synth', '--out', dist, ...synthArgs], {
      cwd: sub,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`aiready synth of ${ref} failed:\n${r.stderr}`);
    return { dist, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** `aiready diff ...`. */
export async function diffCommand(args: readonly string[], log: (s: string) => void, out: (s: string) => void): Promise<number> {
  let format = 'text';
  let base: string | undefined;
  let newDist = 'dist';
  let setup: string | undefined;
  const synthArgs: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      if (args[i + 1] === undefined) throw new Error(`${a} needs a value`);
      return args[++i];
    };
    try {
      if (a === '--format') format = value();
      else if (a === '--base') base = value();
      else if (a === '--new') newDist = value();
      else if (a === '--setup') setup = value();
      else if (a === '--render') synthArgs.push(a);
      else if (SYNTH_VALUE_FLAGS.includes(a)) {
        const v = value();
        // Refused here, not after the base's install and build.
        const problem = a === '--stack-timeout' ? stackTimeoutProblem(v) : undefined;
        if (problem) throw new Error(problem);
        synthArgs.push(a, a === '--only' || !/[/\\]/.test(v) ? v : path.resolve(v));
      } else if (a === '--help') {
        log(HELP);
        return 0;
      } else if (a.startsWith('--')) throw new Error(`unknown argument '${a}'`);
      else positional.push(a);
    } catch (err) {
      log(`aiready diff: ${(err as Error).message}\n\n${HELP}`);
      return 2;
    }
  }
  if (!['text', 'markdown'].includes(format) || (base ? positional.length !== 0 : positional.length !== 2)) {
    log(`aiready diff: ${base ? 'give --base or two folders, not both' : 'give two dist folders, or --base GIT_REF'}\n\n${HELP}`);
    return 2;
  }
  let cleanup = () => {};
  try {
    let oldDist: string;
    if (base) {
      const synthesized = synthesizeRef(process.cwd(), base, synthArgs, setup, log);
      ({ cleanup } = synthesized);
      oldDist = synthesized.dist;
    } else [oldDist, newDist] = positional;
    const diff = diffDist(readDist(path.resolve(oldDist)), readDist(path.resolve(newDist)));
    out(
      format === 'markdown' ? markdownReport(diff, base ? `aiready diff against \`${base}\`` : 'aiready diff') : textReport(diff),
    );
    return diff.targets.length ? 1 : 0;
  } catch (err) {
    log(`aiready diff: ${(err as Error).message}`);
    return 2;
  } finally {
    cleanup();
  }
}
