import * as path from 'path';
import { CHILD_PROCESS } from '../src/input-hash';
import { tempDir } from '../../../test/support/temp-files';
import { LoadedModule, mergeRecords, moduleGraph, startInputTrace } from '../src/input-trace';

// The fs module itself, as programs have it (jest's `import * as` makes a copy the trace does not patch).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs = require('fs') as typeof import('fs');

describe('startInputTrace', () => {
  it('records the files read and the environment variables looked at, until stopped', async () => {
    // GIVEN a trace
    const trace = startInputTrace();
    // WHEN a program reads files three ways and two variables
    nodeFs.readFileSync(__filename);
    await nodeFs.promises.readFile(path.join(__dirname, 'fixtures.ts'));
    await new Promise((resolve) => nodeFs.readFile(path.join(__dirname, 'timings.test.ts'), resolve));
    void process.env.TEST_TRACE_A;
    void ('TEST_TRACE_B' in process.env);
    const seen = trace.stop();
    nodeFs.readFileSync(path.join(__dirname, 'plan.test.ts'));
    void process.env.TEST_TRACE_C;
    // THEN what it read, and nothing after it stopped
    expect(seen.reads).toEqual([__filename, path.join(__dirname, 'fixtures.ts'), path.join(__dirname, 'timings.test.ts')].sort());
    expect(seen.env).toEqual(expect.arrayContaining(['TEST_TRACE_A', 'TEST_TRACE_B']));
    expect(seen.env).not.toContain('TEST_TRACE_C');
  });

  it('restores process.env and fs, and writes reach the real environment', () => {
    // GIVEN the environment and fs before
    const env = process.env;
    const readFileSync = nodeFs.readFileSync;
    // WHEN a traced program sets a variable
    const trace = startInputTrace();
    process.env.TEST_TRACE_SET = '1';
    trace.stop();
    // THEN
    expect(process.env).toBe(env);
    expect(nodeFs.readFileSync).toBe(readFileSync);
    expect(env.TEST_TRACE_SET).toBe('1');
    delete process.env.TEST_TRACE_SET;
  });

  it.each([
    ['asks whether a file exists', (f: string) => nodeFs.existsSync(f)],
    ["reads a file's size", (f: string) => nodeFs.statSync(f).size],
    ['reads through a descriptor', (f: string) => nodeFs.closeSync(nodeFs.openSync(f, 'r'))],
    ['lists a folder', (f: string) => nodeFs.readdirSync(path.dirname(f)) && f],
  ])('records the path when a program %s', (_what, look) => {
    // GIVEN a trace WHEN a program looks at a path without reading it whole THEN the path is an input
    const file = path.join(tempDir('aiready-trace'), 'f.txt');
    nodeFs.writeFileSync(file, 'x');
    const trace = startInputTrace();
    look(file);
    const { reads } = trace.stop();
    expect(reads.some((r) => r === nodeFs.realpathSync(file) || r === nodeFs.realpathSync(path.dirname(file)))).toBe(true);
  });

  it('records that the program ran another program, whose reads nothing can see', () => {
    // GIVEN a trace WHEN the program runs a child process THEN the reads say so; fs and child_process are restored
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cp = require('child_process') as typeof import('child_process');
    const execFileSync = cp.execFileSync;
    const trace = startInputTrace();
    cp.execFileSync(process.execPath, ['-e', '0']);
    expect(trace.stop().reads).toContain(CHILD_PROCESS);
    expect(cp.execFileSync).toBe(execFileSync);
  });

  it('says `*` when the program listed every variable', () => {
    const trace = startInputTrace();
    void Object.keys(process.env);
    expect(trace.stop().env).toBe('*');
  });
});

describe('moduleGraph', () => {
  it('follows the modules each module required, cycles included, from the entry only', () => {
    // GIVEN main → a → b → a, main → shared; other → shared
    const m = (filename: string): LoadedModule & { children: LoadedModule[] } => ({ filename, children: [] });
    const [main, a, b, shared, other] = ['/main.js', '/a.js', '/b.js', '/shared.js', '/other.js'].map(m);
    main.children.push(a, shared);
    a.children.push(b);
    b.children.push(a);
    other.children.push(shared);
    const cache = Object.fromEntries([main, a, b, shared, other].map((x) => [x.filename, x]));
    // WHEN THEN
    expect(moduleGraph('/main.js', cache)).toEqual(['/a.js', '/b.js', '/main.js', '/shared.js']);
    expect(moduleGraph('/missing.js', cache)).toEqual([]);
  });
});

describe('mergeRecords', () => {
  it.each<[string, (readonly string[] | '*')[], readonly string[] | '*']>([
    ['names', [['A'], ['B', 'A']], ['A', 'B']],
    ['a listing', [['A'], '*'], '*'],
  ])('merges the variables of %s', (_, envs, expected) => {
    expect(mergeRecords(...envs.map((env, i) => ({ files: [`/f${i}`], env }))).env).toEqual(expected);
  });
});
