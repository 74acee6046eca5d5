// `typescript`, loaded at its first use (see deferred.js). The path is not `typescript`, so jest does not
// map it back here.
'use strict';
const { deferred } = require('./deferred');

module.exports = deferred(() => require('typescript/lib/typescript.js'));
