// Modules loaded on first use instead of on require (see pulumi-runtime-tuning.ts for why).
import { Module } from 'module';

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
