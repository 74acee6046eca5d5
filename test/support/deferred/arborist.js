// `@npmcli/arborist` as @pulumi/pulumi resolves it, loaded at its first use (see deferred.js).
'use strict';
const path = require('path');
const { deferred } = require('./deferred');

module.exports = deferred(() => {
  const from = (request, dir) => require.resolve(request, { paths: [dir] });
  const pulumi = path.dirname(from('@pulumi/pulumi/package.json', path.resolve(__dirname, '../../../packages/pulumi')));
  const manifest = from('@npmcli/arborist/package.json', pulumi);
  return require(path.join(path.dirname(manifest), require(manifest).main));
});
