// Jest loads every module again for each test file, and @pulumi/pulumi requires TypeScript's compiler
// (9 MB) and npm's arborist when it loads, for closure serialization only, which no test uses: about a
// second of each test file that loads @pulumi/pulumi. jest.config.js maps those two to the stand-ins
// here, which load the real module at its first use (any property read, `in`, or key listing), as
// `aiready synth`'s stack processes do (packages/cli/src/lazy-modules.ts).
'use strict';

/** A stand-in for the module `load()` returns; to TypeScript's import helpers an ES module, as there. */
exports.deferred = function deferred(load) {
  let real;
  const get = () => (real ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => {
        if (key === '__esModule' && !real) return true;
        const m = get();
        return key === 'default' && !('default' in m) ? m : m[key];
      },
      has: (_, key) => key in get(),
      ownKeys: () => Reflect.ownKeys(get()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(get(), key);
        return d && { ...d, configurable: true };
      },
    },
  );
};
