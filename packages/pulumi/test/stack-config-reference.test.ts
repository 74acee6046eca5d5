import { referenceRows } from '@aiready/core';
import * as fs from 'fs';
import * as path from 'path';
import { STACK_CONFIG_REFERENCE_PATH, STACK_FIELDS, stackConfigReference } from '../src';

const committed = path.resolve(__dirname, '../../..', STACK_CONFIG_REFERENCE_PATH);

describe('stackConfigReference', () => {
  it('matches the committed docs/stack-config.md (run `pnpm docs:config` after changing a config key)', () => {
    // GIVEN the reference committed in the repository
    const onDisk = fs.readFileSync(committed, 'utf8');
    // WHEN it is generated from the schema the stack reader checks against
    // THEN they are the same: a key added, removed or redocumented without regenerating fails here
    expect(onDisk).toBe(stackConfigReference());
  });

  it('has a row for every key the stack reads, at every depth', () => {
    // GIVEN every key path of the stack's schema
    const doc = stackConfigReference();
    const keys = referenceRows(STACK_FIELDS).map((r) => r.key);
    // THEN each appears as a table key, under the project's namespace
    const missing = keys.filter((k) => !doc.includes(`| \`ai-platform:${k}\` |`));
    expect(missing).toEqual([]);
    expect(keys.length).toBeGreaterThan(Object.keys(STACK_FIELDS).length);
  });

  it.each([
    ['ai-platform:pools[].sharing.mode', "'none' \\| 'mig' \\| 'time-slicing' \\| 'mps'"],
    ['ai-platform:teams[].gpuQuota', 'map of integer'],
    ['ai-platform:natGateways', "'single' \\| 'one-per-az'"],
    ['ai-platform:clusterName', 'string'],
  ])('documents %s as %s', (key, type) => {
    // GIVEN nested and top-level keys, platform and cloud WHEN the reference is generated THEN each has its type
    expect(stackConfigReference()).toContain(`| \`${key}\` | ${type} |`);
  });

  it('names another project in every key when given one', () => {
    // GIVEN a team's own project name WHEN generated for it THEN keys carry that namespace, not ai-platform's
    const doc = stackConfigReference('gpu-infra');
    expect(doc).toContain('| `gpu-infra:clusterName` |');
    expect(doc).not.toContain('`ai-platform:clusterName`');
  });
});
