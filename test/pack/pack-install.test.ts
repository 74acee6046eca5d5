// Publishable packages: every package is packed (its prepack builds it clean), the tarballs are installed
// into a separate temporary repository with the lowest and with the highest peer versions the packages
// declare, and a team's code (the gpu-inference example and the ai-platform stack program, unchanged)
// compiles under `tsc --strict` without skipLibCheck, with node16 module resolution (so `exports` is
// what resolves). The cdk8s app then synthesizes, `aiready validate` from the installed CLI checks its
// output, and `aiready synth --app` synthesizes it into a review tree. Installs from the npm registry when it answers, else offline from the pnpm store; skips
// visibly when neither works. Slow (minutes): not part of `pnpm test`; run by `pnpm test:pack` and .ci/run.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const PACKAGES = ['core', 'admission', 'validate', 'k8s', 'pulumi', 'cli'];
const PNPM = ['-y', 'pnpm@10.34.8'];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-pack-'));

function run(cmd: string, args: string[], cwd: string, timeout = 600_000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, CI: 'true' } });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function registryAnswers(): boolean {
  return run('npm', ['ping', '--fetch-timeout=15000', '--fetch-retries=0'], work, 60_000).ok;
}

/** `^2.68.11` → `2.68.11`: the lowest version a caret range admits. */
export function lowest(range: string): string {
  const m = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  if (!m) throw new Error(`peer range ${range}: use ^x.y.z so its lowest version is known`);
  return m[1];
}

describe('packed packages in a team repository', () => {
  const tarballs = new Map<string, string>();
  const peers: Record<string, string> = {};
  const online = registryAnswers();

  beforeAll(() => {
    // GIVEN every package packed as npm would publish it
    for (const name of PACKAGES) {
      const dir = path.join(ROOT, 'packages', name);
      const packed = run('npx', [...PNPM, 'pack', '--pack-destination', work], dir);
      if (!packed.ok) throw new Error(`pnpm pack failed in packages/${name}:\n${packed.out}`);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      tarballs.set(manifest.name, path.join(work, `aiready-${name}-${manifest.version}.tgz`));
      Object.assign(peers, manifest.peerDependencies ?? {});
    }
  });

  test('each tarball ships lib JavaScript, declarations, the sources its maps point at, README and LICENSE', () => {
    for (const [name, tarball] of tarballs) {
      const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
      const manifest = JSON.parse(execFileSync('tar', ['xzf', tarball, '-O', 'package/package.json'], { encoding: 'utf8' }));
      expect([name, files.filter((f) => /tsbuildinfo|\/test\/|\.test\.|node_modules/.test(f))]).toEqual([name, []]);
      for (const f of ['package/README.md', 'package/LICENSE', 'package/lib/index.js', 'package/lib/index.d.ts'])
        expect([name, files.includes(f)]).toEqual([name, true]);
      // Every source map points at a file the package ships.
      const unpacked = fs.mkdtempSync(path.join(work, 'unpacked-'));
      execFileSync('tar', ['xzf', tarball, '-C', unpacked]);
      for (const map of files.filter((f) => f.endsWith('.js.map'))) {
        const mapPath = path.join(unpacked, map);
        const { sources } = JSON.parse(fs.readFileSync(mapPath, 'utf8')) as { sources: string[] };
        for (const s of sources)
          expect([name, map, fs.existsSync(path.resolve(path.dirname(mapPath), s))]).toEqual([name, map, true]);
      }
      // No workspace protocol leaks into a published manifest; peers are ranges.
      expect([name, JSON.stringify(manifest)]).not.toEqual([name, expect.stringContaining('workspace:')]);
      expect(manifest).toEqual(
        expect.objectContaining({
          engines: { node: expect.any(String) },
          repository: expect.objectContaining({ directory: expect.any(String) }),
        }),
      );
      for (const range of Object.values<string>(manifest.peerDependencies ?? {})) expect(range).toMatch(/^\^/);
    }
  });

  it.each(['lowest', 'highest'] as const)(
    'install with the %s peer versions, compile strict, synthesize, validate',
    (variant) => {
      // GIVEN a fresh repository depending on the tarballs and on the peers at one end of their ranges
      const repo = path.join(work, variant);
      fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
      const files = Object.fromEntries([...tarballs].map(([n, t]) => [n, `file:${t}`]));
      const peerVersions = Object.fromEntries(Object.entries(peers).map(([n, r]) => [n, variant === 'lowest' ? lowest(r) : r]));
      fs.writeFileSync(
        path.join(repo, 'package.json'),
        JSON.stringify(
          {
            name: `team-${variant}`,
            private: true,
            dependencies: { ...files, ...peerVersions, typescript: '5.9.3', '@types/node': '22.20.7' },
            pnpm: { overrides: files, onlyBuiltDependencies: [] },
          },
          null,
          2,
        ),
      );
      fs.writeFileSync(
        path.join(repo, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'node16',
            moduleResolution: 'node16',
            strict: true,
            skipLibCheck: false,
            esModuleInterop: true,
            types: ['node'],
            outDir: 'lib',
            rootDir: 'src',
          },
          include: ['src'],
        }),
      );
      fs.copyFileSync(path.join(ROOT, 'examples/gpu-inference/main.ts'), path.join(repo, 'src/main.ts'));
      fs.copyFileSync(path.join(ROOT, 'stacks/ai-platform/index.ts'), path.join(repo, 'src/stack.ts'));
      fs.writeFileSync(
        path.join(repo, 'src/check.ts'),
        [
          "import { normalizeGpuPool } from '@aiready/core';",
          "import { validateObjects } from '@aiready/validate';",
          "import { buildApp } from './main';",
          'const objects = buildApp().charts.flatMap((c) => c.toJson());',
          'const report = validateObjects(objects.map((object) => ({ object })));',
          "if (report.problems.length || normalizeGpuPool({ name: 'l4', instanceTypes: ['g6.xlarge'] }).gpuModels[0].displayName !== 'NVIDIA L4')",
          '  throw new Error(JSON.stringify(report.problems));',
          'console.log(`checked ${report.checked}`);',
          '',
        ].join('\n'),
      );
      const install = run('npx', [...PNPM, 'install', ...(online ? [] : ['--offline'])], repo);
      if (!install.ok) {
        const why = `SKIPPED: pack-install (${variant}), ${online ? 'install failed' : 'registry unreachable and the pnpm store lacks a version'}:\n${install.out.slice(-2000)}`;
        process.stderr.write(`${why}\n`);
        if (online) throw new Error(why);
        return;
      }
      // WHEN the team's code is compiled and run
      const tsc = run(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', '.'], repo);
      expect(tsc.out).toBe('');
      const synth = run(process.execPath, ['lib/main.js'], repo);
      expect(synth).toEqual({ ok: true, out: '' });
      const check = run(process.execPath, ['lib/check.js'], repo);
      expect(check.out).toMatch(/^checked \d+/);
      // THEN the installed CLI validates the synthesized dist/ as one cluster
      const validate = run(
        process.execPath,
        [path.join(repo, 'node_modules/@aiready/cli/bin/aiready.js'), 'validate', 'dist'],
        repo,
      );
      expect(validate.out).toMatch(/aiready validate: 1 targets, \d+ objects checked, 0 problems/);
      expect(validate.ok).toBe(true);
      // AND the installed CLI synthesizes the app in the team's repository
      const appSynth = run(
        process.execPath,
        [path.join(repo, 'node_modules/@aiready/cli/bin/aiready.js'), 'synth', '--app', 'lib/main.js', '--out', 'review'],
        repo,
      );
      expect(appSynth.out).toMatch(/aiready synth: app done in \d+\.\d s \(\d+ objects\)/);
      expect(appSynth.ok).toBe(true);
      expect(fs.existsSync(path.join(repo, 'review/app/SUMMARY.md'))).toBe(true);
      // The resolved peers are the ones asked for: one copy of constructs, at the requested end of its range.
      const installed = (p: string) =>
        JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', p, 'package.json'), 'utf8')).version;
      if (variant === 'lowest') expect(installed('cdk8s')).toBe(lowest(peers.cdk8s));
      expect(fs.readdirSync(path.join(repo, 'node_modules/.pnpm')).filter((d) => d.startsWith('constructs@'))).toHaveLength(1);
    },
  );
});
