// Usage: node crd-subset.js CRD_ROOT OUT_DIR FILE...
// Fills OUT_DIR with links to what kube-validate (../shared/tools) needs of CRD_ROOT to check FILE...: the
// Kubernetes OpenAPI spec, and the CRD files that define a group and kind the files use. kube-validate
// parses every CRD under its --crds folder when it starts (32 MB of YAML, about 9 s of CPU) and checks an
// object against its own kind's schema only, so this gives the same verdicts. A kind it leaves out (an
// object written in a way the patterns below miss) is one kube-validate has no schema for: a failure with
// --strict-kinds, never a silent pass.
'use strict';
const fs = require('fs');
const path = require('path');

const [root, out, ...inputs] = process.argv.slice(2);

/** Every .yaml/.yml/.json file under `p`. */
function walk(p, found = []) {
  if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e), found);
  else if (/\.(ya?ml|json)$/.test(p)) found.push(p);
  return found;
}

// `group/Kind` of every object of the inputs (block YAML: apiVersion and kind at the start of a line).
const used = new Set();
for (const file of inputs.flatMap((p) => walk(p)))
  for (const doc of fs.readFileSync(file, 'utf8').split(/^---\s*$/m)) {
    const group = /^apiVersion:\s*["']?([^/\s"']+)\//m.exec(doc);
    const kind = /^kind:\s*["']?(\w+)/m.exec(doc);
    if (group && kind) used.add(`${group[1]}/${kind[1]}`);
  }

for (const file of walk(root)) {
  const text = fs.readFileSync(file, 'utf8');
  const groups = [...text.matchAll(/^\s+group:\s*["']?([a-z0-9.-]+)/gm)].map((m) => m[1]);
  const kinds = [...text.matchAll(/^\s+kind:\s*["']?(\w+)["']?\s*$/gm)].map((m) => m[1]);
  const needed = /swagger.*\.json$/.test(file) || groups.some((g) => kinds.some((k) => used.has(`${g}/${k}`)));
  if (!needed) continue;
  const link = path.join(out, path.relative(root, file));
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(file, link);
}
