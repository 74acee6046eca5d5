import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { staleProblem } from '../src';

function target(files: Record<string, number>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-fresh-'));
  for (const [file, mtime] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), '');
    fs.utimesSync(path.join(dir, file), mtime, mtime);
  }
  return dir;
}

describe('staleProblem', () => {
  it.each([
    ['built after its sources', { 'main.ts': 100, 'src/util.ts': 150, 'lib/main.js': 200 }, undefined],
    ['plain JavaScript (no TypeScript)', { 'lib/main.js': 100 }, undefined],
    ['a newer declaration file only', { 'main.ts': 100, 'types.d.ts': 300, 'lib/main.js': 200 }, undefined],
    ['a newer dependency in node_modules only', { 'main.ts': 100, 'node_modules/x/y.ts': 300, 'lib/main.js': 200 }, undefined],
  ])('accepts a target %s', (_what, files, expected) => {
    expect(staleProblem(target(files), 'lib/main.js')).toBe(expected);
  });

  it.each([
    [
      'a source newer than its build',
      { 'main.ts': 300, 'lib/main.js': 200 },
      /^main.ts changed after lib\/main.js was built: rebuild \(npx tsc -b\) and synth again$/,
    ],
    [
      'a nested source newer than its build',
      { 'main.ts': 100, 'src/teams.ts': 300, 'lib/main.js': 200 },
      /^src\/teams.ts changed after/,
    ],
    ['no build at all', { 'main.ts': 100 }, /lib\/main.js does not exist: build first \(npx tsc -b\)$/],
  ])('throws when a target has %s', (_what, files, expected) => {
    expect(staleProblem(target(files), 'lib/main.js')).toMatch(expected);
  });
});
