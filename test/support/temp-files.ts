// Temporary folders and files for tests: each folder is removed after the tests of the file that made it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const made: string[] = [];
afterAll(() => made.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A new folder under the system's temporary folder, named `<prefix>-…`, removed after the tests. */
export function tempDir(prefix: string): string {
  return removedAfter(fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`)));
}

/** `dir`, made elsewhere, removed after the tests. */
export function removedAfter(dir: string): string {
  made.push(dir);
  return dir;
}

/** Writes `content` to `file`, making its folder. */
export function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
