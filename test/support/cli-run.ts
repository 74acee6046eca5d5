// The `aiready` binary run asynchronously, for end-to-end tests that overlap their runs (a run is mostly
// child processes: Node, @pulumi/*, the stack programs, helm).
import { spawn } from 'child_process';
import * as path from 'path';

const BIN = path.resolve(__dirname, '../../packages/cli/bin/aiready.js');

/** How a run of the CLI ended. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `aiready ...args` in `cwd` (with `env`, default this process's); resolves when it exits (never
 * rejects: a failure to start is a null status).
 */
export function runCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => resolve({ status: null, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
