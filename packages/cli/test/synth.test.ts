import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pruneRemovedTargets } from '../src';

describe('pruneRemovedTargets', () => {
  test('removes target folders no longer synthesized, and nothing else', () => {
    // GIVEN an output folder with a current target, a gone one, a nested gone example and a non-target folder
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-prune-'));
    for (const t of ['ai-platform-dev', 'ai-platform-old', 'examples/gone', 'examples/kept']) {
      fs.mkdirSync(path.join(out, t, 'manifests'), { recursive: true });
      fs.writeFileSync(path.join(out, t, 'SUMMARY.md'), '#\n');
    }
    fs.mkdirSync(path.join(out, 'notes'));
    fs.writeFileSync(path.join(out, 'notes/README.md'), 'mine\n');
    // WHEN pruned against the targets synthesized now
    const removed = pruneRemovedTargets(out, [{ id: 'ai-platform-dev' }, { id: 'examples/kept' }]);
    // THEN only the gone targets are removed
    expect(removed).toEqual(['ai-platform-old', 'examples/gone']);
    expect(fs.readdirSync(out).sort()).toEqual(['ai-platform-dev', 'examples', 'notes']);
    expect(fs.readdirSync(path.join(out, 'examples'))).toEqual(['kept']);
  });

  test('does nothing when the output folder does not exist', () => {
    expect(pruneRemovedTargets(path.join(os.tmpdir(), 'aiready-no-such-dir'), [])).toEqual([]);
  });
});
