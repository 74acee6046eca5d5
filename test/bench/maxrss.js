// Loaded into every process of a benchmark run through NODE_OPTIONS (so child processes get it too):
// at exit, appends this process's peak resident set size (KiB) to $AIREADY_BENCH_RSS_FILE.
'use strict';
const fs = require('fs');
const file = process.env.AIREADY_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    fs.appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
