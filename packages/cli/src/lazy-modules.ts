// Modules loaded on first use instead of on require (see pulumi-runtime-tuning.ts for why).
import { Module } from 'module';

/**
 * A stand-in for the module `load` returns, which calls `load` at its first use (any property read,
 * `in`, or key listing) and behaves as the module from then on. To TypeScript's import helpers it is an
 * ES module (so they neither copy nor wrap it), whose `default` is the module itself, as the helpers
 * would have made it.
 */
export function lazyExports(load: () => object): object {
  let real: Record<PropertyKey, unknown> | undefined;
  const get = () => (real ??= load() as Record<PropertyKey, unknown>);
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
}

/**
 * Puts `file` in the require cache as a {@link lazyExports} stand-in that requires the real module at
 * its first use. A no-op if it is loaded already.
 */
export function deferModule(file: string): void {
  if (require.cache[file]) return;
  const exports = lazyExports(() => {
    delete require.cache[file];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as object;
  });
  const stub = new Module(file);
  stub.filename = file;
  stub.loaded = true;
  stub.exports = exports;
  standIns.add(exports);
  require.cache[file] = stub;
}

const standIns = new WeakSet<object>();

/** Loads now a module {@link deferModule} put off (a no-op if it is loaded already, or not deferred). */
export function loadDeferred(file: string): void {
  const exports = require.cache[file]?.exports as object | undefined;
  if (exports && standIns.has(exports)) Reflect.ownKeys(exports);
}

/**
 * The packages that build, validate and admit a target. The CLI defers them (an incremental synth
 * that reuses every target never needs them: about 250 modules, 0.4 s) and loads them while it waits
 * for stack processes.
 */
export const TARGET_PACKAGES = ['@aiready/k8s', '@aiready/admission', '@aiready/validate'] as const;
