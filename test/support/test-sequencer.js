// Jest runs the longest test files first when it has timed them in an earlier run (its cache); without
// that (a fresh clone, CI) it orders by file size, which put the 27-line stack-typescript test (about 15 s)
// and the CI-example test (about 30 s) last, so one worker ran them alone at the end. The end-to-end
// tests (test/integration, each a chain of child processes) always go first; the rest, and the order
// among them, are jest's. The end-to-end files that read the run's shared synth (reference-synth.ts) but do
// not make it come after the other end-to-end files: started early, one would wait, its worker idle, while
// the render test's worker makes it; started last of all, it would run alone at the end.
'use strict';
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

const SHARED_SYNTH_READERS = [path.join('test', 'integration', 'diff.test.ts')];

module.exports = class EndToEndFirst extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const relative = (t) => path.relative(t.context.config.rootDir, t.path);
    const reader = (t) => SHARED_SYNTH_READERS.includes(relative(t));
    const endToEnd = (t) => relative(t).startsWith(path.join('test', 'integration') + path.sep);
    return [...sorted.filter((t) => endToEnd(t) && !reader(t)), ...sorted.filter(reader), ...sorted.filter((t) => !endToEnd(t))];
  }
};
