// Child-process entry: runs one Pulumi stack program under mocks and writes what it would create.
// Each stack runs in its own process because Pulumi's runtime state is global to a process.
// Usage: node run-stack.js <stackDir> <stack> <resultFile> [--record-inputs]
// First: the process set up before @pulumi/pulumi loads.
import { inputTrace } from './stack-process-setup';
import { AireadyValidationError } from '@aiready/core';
import * as pulumi from '@pulumi/pulumi';
import * as fs from 'fs';
import * as path from 'path';
import {
  deferPulumiClosureDeps,
  plainPulumiStructs,
  skipPulumiPromiseStacks,
  skipPulumiSourcePositions,
} from './pulumi-runtime-tuning';
import { installRecordingMocks } from './mocks';
import type { RecordedResource } from './recorded-resource';
import { projectName, readStackConfig } from './pulumi-project';
import { InputRecord, loadedModules } from './input-trace';

/** What a stack run reports back to the CLI. */
export interface StackRunResult {
  readonly project: string;
  readonly stack: string;
  readonly recorded?: readonly RecordedResource[];
  /** Plain (non-secret) stack outputs. */
  readonly outputs?: Record<string, unknown>;
  /** Config keys whose encrypted value offline synth replaced by a placeholder. */
  readonly secrets?: readonly string[];
  readonly error?: string;
  /** Milliseconds from requiring the program to its outputs resolved, for `--timings`. */
  readonly constructMs?: number;
  /** What the process loaded and read (`--record-inputs`), for incremental synth. */
  readonly inputs?: InputRecord;
}

function resolveOutput(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value))
    return new Promise((resolve) => (value as pulumi.Output<unknown>).apply((v) => resolve(v)));
  return Promise.resolve(value);
}

async function run(stackDir: string, stack: string): Promise<StackRunResult> {
  const project = projectName(stackDir);
  // The program's own @pulumi/pulumi, if it is another copy than the CLI's.
  deferPulumiClosureDeps(stackDir);
  for (const from of [__dirname, stackDir]) {
    skipPulumiPromiseStacks(from);
    skipPulumiSourcePositions(from);
    plainPulumiStructs(from);
  }
  const { values: config, secrets } = readStackConfig(path.join(stackDir, `Pulumi.${stack}.yaml`));
  pulumi.runtime.setAllConfig(config, [...secrets]);
  const recorded = await installRecordingMocks(project, stack, config['aws:region'] ?? 'us-east-1');
  const start = process.hrtime.bigint();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(path.resolve(stackDir, 'lib', 'index.js')) as Record<string, unknown>;
  const outputs: Record<string, unknown> = {};
  for (const key of Object.keys(program).sort()) {
    if (key === 'kubeconfig') continue; // a secret: never written out
    outputs[key] = await resolveOutput(program[key]);
  }
  await pulumi.runtime.disconnect();
  return { project, stack, recorded, outputs, secrets, constructMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

function message(err: unknown): string {
  if (err instanceof AireadyValidationError) return err.message;
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}

if (require.main === module) {
  const [stackDir, stack, resultFile] = process.argv.slice(2);
  const fail = (err: unknown) => {
    fs.writeFileSync(resultFile, JSON.stringify({ project: path.basename(stackDir), stack, error: message(err) }));
    process.exit(2);
  };
  process.on('unhandledRejection', fail);
  process.on('uncaughtException', fail);
  run(stackDir, stack).then((result) => {
    const trace = inputTrace?.stop();
    const inputs = trace && { files: [...loadedModules(), ...trace.reads], env: trace.env };
    fs.writeFileSync(resultFile, JSON.stringify(inputs ? { ...result, inputs } : result));
    process.exit(0);
  }, fail);
}
