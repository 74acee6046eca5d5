// The `--cache-dir` of the end-to-end tests that render charts but are not about the render cache (diff,
// the CI example): shared between them, between test runs and between workers, so a chart rendered once
// with the same values is not rendered again. The cache's own keys cover what a render depends on (chart
// digest, values, cluster version, helm); this folder is also keyed by the built packages and the
// lockfile, so a change to aiready's code starts a cold cache instead of reading what older code wrote. The
// render test keeps its own cold cache: it is the one that checks rendering from scratch.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { files } from './repo-files';

const ROOT = path.resolve(__dirname, '../..');
const PREFIX = 'aiready-test-cache-';

/** The shared cache folder for this build of the packages (created if missing). */
export function sharedCacheDir(): string {
  const hash = createHash('sha256');
  const built = fs
    .readdirSync(path.join(ROOT, 'packages'))
    .map((p) => path.join(ROOT, 'packages', p, 'lib'))
    .filter((lib) => fs.existsSync(lib))
    .flatMap((lib) =>
      files(lib)
        .filter((f) => f.endsWith('.js'))
        .map((f) => path.join(lib, f)),
    );
  for (const f of [...built.sort(), path.join(ROOT, 'pnpm-lock.yaml')])
    hash.update(`${path.relative(ROOT, f)}\0`).update(fs.readFileSync(f));
  const dir = path.join(os.tmpdir(), `${PREFIX}${hash.digest('hex').slice(0, 16)}`);
  fs.mkdirSync(dir, { recursive: true });
  // Used now: its time tells the pruning below (of another run, after a rebuild) to keep it.
  const now = new Date();
  fs.utimesSync(dir, now, now);
  // Each build leaves one (the bundled helm and kubectl, about 110 MB, and the renders): those of earlier
  // builds, unused for an hour, go.
  for (const old of fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith(PREFIX))) {
    const other = path.join(os.tmpdir(), old);
    try {
      if (other !== dir && now.getTime() - fs.statSync(other).mtimeMs > 3600_000)
        fs.rmSync(other, { recursive: true, force: true });
    } catch {
      // Pruned by another run meanwhile.
    }
  }
  return dir;
}
