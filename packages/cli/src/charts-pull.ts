// `aiready charts pull`: fills the chart cache with every chart of the version lock (`helm pull`)
// and the pinned kustomize bases with the remote bases they name (`git clone` at their tags). The one
// aiready command that needs the network.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Command, gitCloneCommand, GitSource, kustomizeCache, kustomizeFolders, pullPlan } from './chart-cache';
import { parseRemote } from './render-kustomize';

/** Runs one command; rejects saying what failed and that it needs the network. */
export function runCommand(c: Command): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(c.command, [...c.args], { encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const e = err as NodeJS.ErrnoException;
      reject(
        new Error(
          e.code === 'ENOENT'
            ? `${c.command} not found: charts pull needs it on the PATH`
            : `${c.command} ${c.args.join(' ')} failed (it needs the network):\n${(stderr || e.message).trim()}`,
        ),
      );
    }),
  );
}

/** Remote GitHub bases named by the kustomizations under `dir`. */
export function remoteBases(dir: string): GitSource[] {
  const found = new Map<string, GitSource>();
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !/^(kustomization\.ya?ml|Kustomization)$/.test(e.name)) continue;
    let doc: Record<string, unknown> | null;
    try {
      doc = YAML.parse(fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')) as Record<string, unknown> | null;
    } catch {
      continue; // templates and fixtures that are not YAML are not ours to read
    }
    for (const list of ['resources', 'bases', 'components']) {
      for (const entry of Array.isArray(doc?.[list]) ? (doc[list] as unknown[]) : []) {
        const r = typeof entry === 'string' ? parseRemote(entry) : undefined;
        if (r) found.set(`${r.org}/${r.repo}@${r.ref}`, { org: r.org, repo: r.repo, ref: r.ref });
      }
    }
  }
  return [...found.values()];
}

/** Pulls what is missing; returns how many charts and repositories were fetched. */
export async function pullCharts(
  helm: string,
  chartCache: string,
  log: (s: string) => void,
  run: (c: Command) => Promise<void> = runCommand,
): Promise<number> {
  fs.mkdirSync(kustomizeCache(chartCache), { recursive: true });
  let count = 0;
  const queue = pullPlan(helm, chartCache);
  while (queue.length) {
    const c = queue.shift()!;
    log(`  ${c.command} ${c.args.join(' ')}`);
    await run(c);
    count++;
    if (c.command !== 'git') continue;
    // A pinned base may name other bases remotely (KFP names Argo Workflows'): fetch those too.
    const dest = c.args[c.args.length - 1];
    if (!fs.existsSync(dest)) continue;
    for (const s of remoteBases(dest)) {
      const present = kustomizeFolders(s).some((f) => fs.existsSync(path.join(kustomizeCache(chartCache), f)));
      const queued = queue.some((q) => q.args.includes(`https://github.com/${s.org}/${s.repo}.git`) && q.args.includes(s.ref));
      if (!present && !queued) queue.push(gitCloneCommand(s, chartCache));
    }
  }
  return count;
}
