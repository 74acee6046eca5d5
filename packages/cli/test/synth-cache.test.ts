import * as fs from 'fs';
import * as path from 'path';
import { CACHE_LAYOUT, CacheEntry, defaultSynthCache, pruneEntries, readEntry, writeEntry } from '../src/synth-cache';
import { tempDir } from '../../../test/support/temp-files';

const tmp = () => tempDir('aiready-cache');

const ENTRY: CacheEntry = {
  layout: CACHE_LAYOUT,
  id: 'examples/a',
  inputs: { node: 'v22.0.0' },
  tools: { 'option render': 'x' },
  program: { packages: ['/r/packages/k8s'], files: [], env: ['CDK8S_OUTDIR'] },
  output: { key: 'k', files: [['SUMMARY.md', '# a\n']], objects: 0, warnings: [] },
};

describe('the synth cache', () => {
  it('reads back what it wrote, one file per target', () => {
    // GIVEN an entry written
    const dir = tmp();
    expect(writeEntry(dir, ENTRY)).toBeUndefined();
    // WHEN THEN
    expect(readEntry(dir, 'examples/a')).toEqual(ENTRY);
    expect(fs.readdirSync(dir)).toEqual(['examples%2Fa.json']);
  });

  it.each<[string, unknown]>([
    ['not JSON', '{"layout":'],
    ['of another layout', { ...ENTRY, layout: CACHE_LAYOUT + 1 }],
    ["of another target's id", { ...ENTRY, id: 'examples/b' }],
    ['without digests', { ...ENTRY, inputs: undefined }],
    ['with a digest that is not a string', { ...ENTRY, tools: { a: 1 } }],
    ['with malformed program inputs', { ...ENTRY, program: { packages: 'x', files: [], env: [] } }],
    ['with output files not pairs of strings', { ...ENTRY, output: { ...ENTRY.output, files: [['a', 1]] } }],
    ['with output without a key', { ...ENTRY, output: { ...ENTRY.output, key: undefined } }],
  ])('reads an entry %s as none (a miss: the target is synthesized again)', (_, content) => {
    // GIVEN a damaged entry
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'examples%2Fa.json'), typeof content === 'string' ? content : JSON.stringify(content));
    // WHEN THEN
    expect(readEntry(dir, 'examples/a')).toBeUndefined();
  });

  it('reads a missing entry, or a missing cache, as none', () => {
    expect(readEntry(tmp(), 'examples/a')).toBeUndefined();
    expect(readEntry(path.join(tmp(), 'nowhere'), 'examples/a')).toBeUndefined();
  });

  it('returns, not throws, the error of a cache it cannot write, and leaves no partial file', () => {
    // GIVEN a cache folder that is a file
    const file = path.join(tmp(), 'cache');
    fs.writeFileSync(file, '');
    // WHEN
    const err = writeEntry(file, ENTRY);
    // THEN
    expect(err?.message).toMatch(/ENOTDIR|EEXIST/);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['cache']);
  });

  it('prunes the entries of targets that are gone', () => {
    // GIVEN entries of two targets
    const dir = tmp();
    writeEntry(dir, ENTRY);
    writeEntry(dir, { ...ENTRY, id: 'ai-platform-dev' });
    // WHEN only one is left
    pruneEntries(dir, ['ai-platform-dev']);
    // THEN
    expect(fs.readdirSync(dir)).toEqual(['ai-platform-dev.json']);
  });

  it.each<[string, boolean, string]>([
    ['with node_modules', true, 'node_modules/.cache/aiready/synth'],
    ['without node_modules', false, 'xdg/aiready/synth/'],
  ])('is kept by default in the project %s under %s', (_, nodeModules, expected) => {
    // GIVEN a project
    const root = tmp();
    if (nodeModules) fs.mkdirSync(path.join(root, 'node_modules'));
    // WHEN
    const dir = defaultSynthCache(root, { XDG_CACHE_HOME: path.join(root, 'xdg') });
    // THEN
    expect(path.relative(root, dir).startsWith(expected)).toBe(true);
  });
});
