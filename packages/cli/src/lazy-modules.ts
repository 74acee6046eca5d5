// Modules loaded on first use instead of on require. @pulumi/pulumi requires TypeScript's compiler and
// npm's arborist (with pacote, sigstore, an HTTP stack) when it loads, for closure serialization
// (`pulumi.runtime.serializeFunction`, Lambda callbacks); a stack run under mocks rarely serializes a
// closure, and loading both was two thirds of a stack process's start (measured with --cpu-prof: about
// 1.3 s of 2 s). A program that does serialize one gets the real modules at its first use.
import * as fs from 'fs';
import { Module } from 'module';
import * as path from 'path';

/**
 * Puts `file` in the require cache as a stand-in that requires the real module at its first use (any
 * property read, `in`, or key listing) and behaves as it from then on. A no-op if it is loaded already.
 * To TypeScript's import helpers it is an ES module (so they neither copy nor wrap it), whose
 * `default` is the module itself, as the helpers would have made it.
 */
export function deferModule(file: string): void {
  if (require.cache[file]) return;
  let real: object | undefined;
  const load = (): Record<PropertyKey, unknown> => {
    if (!real) {
      delete require.cache[file];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      real = require(file) as object;
    }
    return real as Record<PropertyKey, unknown>;
  };
  const exports = new Proxy(
    {},
    {
      get: (_, key) => {
        if (key === '__esModule' && !real) return true;
        const m = load();
        return key === 'default' && !('default' in m) ? m : m[key];
      },
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), key);
        return d && { ...d, configurable: true };
      },
    },
  );
  const stub = new Module(file);
  stub.filename = file;
  stub.loaded = true;
  stub.exports = exports;
  require.cache[file] = stub;
}

/** The file `request` resolves to from `dir`, if it resolves. */
function resolveFrom(request: string, dir: string): string | undefined {
  try {
    return require.resolve(request, { paths: [dir] });
  } catch {
    return undefined;
  }
}

/**
 * Defers the closure-serialization dependencies of the @pulumi/pulumi that `fromDir` resolves (see the
 * file comment). Call before @pulumi/pulumi is first required.
 */
export function deferPulumiClosureDeps(fromDir: string): void {
  const manifest = resolveFrom('@pulumi/pulumi/package.json', fromDir);
  if (!manifest) return;
  const pulumiDir = fs.realpathSync(path.dirname(manifest));
  for (const dep of ['typescript', '@npmcli/arborist']) {
    const file = resolveFrom(dep, pulumiDir);
    if (file) deferModule(file);
  }
}
