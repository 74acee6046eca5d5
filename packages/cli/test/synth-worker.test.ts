import { workerReport } from '../src/synth-worker';
import type { SynthReport } from '../src/synth';

describe('workerReport', () => {
  it('says what a run did: targets synthesized and why (not the failed ones), reused, errors, warnings, inputs', () => {
    // GIVEN an incremental synth's report: a synthesized, b failed, c reused
    const report = {
      targets: [{ id: 'a', warnings: ['a: w'] }],
      errors: [{ id: 'b', message: 'bad' }],
      incremental: {
        reused: [{ id: 'c', files: new Map(), objects: 0, warnings: [] }],
        changed: [
          { id: 'a', why: ['a/lib/main.js'] },
          { id: 'b', why: ['no cache entry'] },
        ],
        inputs: ['/r/a'],
      },
    } as unknown as SynthReport;
    // WHEN THEN
    expect(workerReport(1, report)).toEqual({
      code: 1,
      changed: [{ id: 'a', why: ['a/lib/main.js'] }],
      reused: ['c'],
      errors: [{ id: 'b', message: 'bad' }],
      warnings: { a: ['a: w'] },
      inputs: ['/r/a'],
    });
  });

  it('has no inputs when synth stopped before looking at the targets (a bad argument)', () => {
    expect(workerReport(2, undefined)).toEqual({ code: 2, changed: [], reused: [], errors: [], warnings: {} });
  });
});
