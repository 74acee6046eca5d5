// `cdk8s-plus-28`, loaded at its first use (see deferred.js): its generated Kubernetes bindings alone are
// 2.7 MB of JavaScript, and most test files that load @aiready/k8s never make an object from them.
'use strict';
const path = require('path');
const { deferred } = require('./deferred');

module.exports = deferred(() => {
  const manifest = require.resolve('cdk8s-plus-28/package.json', { paths: [path.resolve(__dirname, '../../../packages/k8s')] });
  return require(path.join(path.dirname(manifest), require(manifest).main));
});
