// `pulumi up` runs stacks/ai-platform/index.ts through Pulumi's own TypeScript loader, not through our
// build. This loads it that way (test/support/pulumi-language-host.js), so a dependency the program
// imports but does not declare (which breaks type checking there) fails here first.
import { execFile } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '../..');
const stackDir = path.join(root, 'stacks/ai-platform');

function load(stack: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(root, 'test/support/pulumi-language-host.js'), stackDir, stack],
      { maxBuffer: 16 * 1024 * 1024 },
      (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe("the ai-platform stack under Pulumi's Node.js language host (typescript: true)", () => {
  test('compiles with type checking and runs', async () => {
    const { code, stderr } = await load('dev');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
