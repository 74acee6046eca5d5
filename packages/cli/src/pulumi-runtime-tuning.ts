// What a stack process changes in @pulumi/pulumi's runtime to run a program under mocks faster, without
// changing what the program records. Measured with --cpu-prof on the reference stacks and on a
// generated stack of 1,000 pools (about 3,000 Pulumi resources):
// - @pulumi/pulumi requires TypeScript's compiler and npm's arborist (with pacote, sigstore, an HTTP
//   stack) when it loads, for closure serialization only (`pulumi.runtime.serializeFunction`, Lambda
//   callbacks): about 1.3 s of a 2 s start. Deferred to their first use (a program that serializes a
//   closure gets them then), as are its Automation API and provider server modules.
// - Every promise the runtime makes goes through `debuggablePromise` for its promise-leak report at
//   exit: a stack trace, three debug properties, an entry in a set and two more promises chained on
//   it; with the garbage they make, a fifth of a large stack's CPU. The promises are left as they are.
//   What the report says that helps (the registrations still pending when a program ended, and any
//   cycle among them) comes from the registrations, not the promises: the stack process asks for it
//   when a program ends before its outputs resolve (pendingRegistrations).
// - A resource gets an Output for each of its properties as its registration starts (about fifteen
//   promises and ten closures each; a launch template has about forty), though a program reads few:
//   at 1,000 pools, a fifth of what outlives the young generation. They are made at first read.
// - Every resource records the call stack it was created from, at an unlimited depth
//   (`Resource.callsites`), for the engine's source positions. The mocks take no source position:
//   resources are made without one.
// - Every resource's inputs and state cross the in-process mock monitor as protobuf Structs, built
//   value by value and read back: with the platform's Kubernetes objects as inputs, about a third of a
//   large stack's CPU with the garbage it makes. The Structs carry the plain values instead, read back
//   as the protobuf round trip gives them (keys sorted, every level copied, the same types refused).
import * as fs from 'fs';
import * as path from 'path';
import { deferModule } from './lazy-modules';

/** The file `request` resolves to from `dir`, if it resolves. */
function resolveFrom(request: string, dir: string): string | undefined {
  try {
    return require.resolve(request, { paths: [dir] });
  } catch {
    return undefined;
  }
}

/** The folder of the @pulumi/pulumi `fromDir` resolves, if any. */
function pulumiDir(fromDir: string): string | undefined {
  const manifest = resolveFrom('@pulumi/pulumi/package.json', fromDir);
  return manifest && fs.realpathSync(path.dirname(manifest));
}

/**
 * Defers the closure-serialization dependencies of the @pulumi/pulumi that `fromDir` resolves. Call
 * before that @pulumi/pulumi is first required.
 */
export function deferPulumiClosureDeps(fromDir: string): void {
  const dir = pulumiDir(fromDir);
  if (!dir) return;
  for (const dep of ['typescript', '@npmcli/arborist', 'normalize-package-data']) {
    const file = resolveFrom(dep, dir);
    if (file) deferModule(file);
  }
  // The Automation API (execa, a YAML reader, workspaces) and the provider server: a program under
  // mocks uses neither; @pulumi/pulumi's index loads both. gRPC and its service clients: the runtime
  // reaches them only to connect to a real engine, to serve callbacks, or for an RPC error's status code.
  // OpenTelemetry (51 modules) only traces calls to a real engine; semver (47) only compares the
  // versions of resource packages registered twice.
  for (const dep of ['@grpc/grpc-js', '@opentelemetry/api', 'semver']) {
    const file = resolveFrom(dep, dir);
    if (file) deferModule(file);
  }
  const proto = path.join(dir, 'proto');
  const services = fs.existsSync(proto) ? fs.readdirSync(proto).filter((f) => f.endsWith('_grpc_pb.js')) : [];
  for (const own of ['automation/index.js', 'provider/index.js', ...services.map((f) => `proto/${f}`)]) {
    const file = path.join(dir, own);
    if (fs.existsSync(file)) deferModule(file);
  }
}

/**
 * Defers `glob` (18 modules with its own dependencies) of the @pulumi/kubernetes that `fromDir`
 * resolves: only the `files` patterns of its ConfigFile and ConfigGroup use it. A no-op if none resolves.
 */
export function deferKubernetesGlob(fromDir: string): void {
  const manifest = resolveFrom('@pulumi/kubernetes/package.json', fromDir);
  const file = manifest && resolveFrom('glob', fs.realpathSync(path.dirname(manifest)));
  if (file) deferModule(file);
}

const PLAIN_PROMISES = Symbol.for('aiready.pulumiPlainPromises');

interface Debuggable {
  debuggablePromise?: (<T>(p: Promise<T>, ctx: unknown) => Promise<T>) & { [PLAIN_PROMISES]?: true };
  leakedPromises?: () => [unknown, string];
}

/** The module `runtime/<file>` of the @pulumi/pulumi `fromDir` resolves, if it is where this version has it. */
function runtimeModule<T>(fromDir: string, file: string): T | undefined {
  const dir = pulumiDir(fromDir);
  const resolved = dir && resolveFrom(path.join(dir, 'runtime', file), dir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return resolved ? (require(resolved) as T) : undefined;
}

/**
 * Makes the runtime's promises (of the @pulumi/pulumi `fromDir` resolves) plain: `debuggablePromise`,
 * which its modules call through the module's exports, gives back the promise it is given, untracked.
 * A no-op if the module is not where this version has it.
 */
export function plainPulumiPromises(fromDir: string): void {
  const debuggable = runtimeModule<Debuggable>(fromDir, 'debuggable.js');
  const original = debuggable?.debuggablePromise;
  if (typeof original !== 'function' || original[PLAIN_PROMISES]) return;
  debuggable!.debuggablePromise = Object.assign(<T>(p: Promise<T>) => p, { [PLAIN_PROMISES]: true as const });
}

/**
 * What Pulumi reports of the resource registrations still pending (which input each waits for, and
 * a cycle among them if there is one), for a program that ended before its outputs resolved;
 * undefined if none is pending (or the runtime is not where this version has it).
 */
export function pendingRegistrations(fromDir: string): string | undefined {
  const debuggable = runtimeModule<Debuggable>(fromDir, 'debuggable.js');
  const state = runtimeModule<{
    getStore?: () => { pendingResourceRegistrations?: Map<unknown, unknown>; leakCandidates?: Set<unknown> };
  }>(fromDir, 'state.js');
  const store = state?.getStore?.();
  if (!store?.pendingResourceRegistrations?.size || !store.leakCandidates || typeof debuggable?.leakedPromises !== 'function')
    return undefined;
  // The report describes the pending registrations when some promise is left; promises are untracked.
  store.leakCandidates.add(Promise.resolve());
  return debuggable.leakedPromises()[1];
}

const LAZY_OUTPUTS = Symbol.for('aiready.pulumiLazyOutputs');

type Resolver = (...args: unknown[]) => void;
type TransferProperties = ((onto: object, label: string, props: Record<string, unknown>) => Record<string, Resolver>) & {
  [LAZY_OUTPUTS]?: true;
};

/**
 * Makes the Outputs of a resource's properties (in the @pulumi/pulumi `fromDir` resolves) at first
 * read: `transferProperties`, which the runtime calls through the module's exports as a registration
 * starts, leaves a getter on the resource for each property, which makes the property's Output as the
 * runtime would (the runtime's own code, on the resource), resolved with what the registration gave
 * if it is done. A property never read has no Output. A no-op if the module is not where this version
 * has it.
 */
export function lazyPulumiOutputs(fromDir: string): void {
  const rpc = runtimeModule<{ transferProperties?: TransferProperties }>(fromDir, 'rpc.js');
  const original = rpc?.transferProperties;
  if (typeof original !== 'function' || original[LAZY_OUTPUTS]) return;
  const lazy = (onto: object, label: string, props: Record<string, unknown>) => {
    const resolvers: Record<string, Resolver> = {};
    for (const k of Object.keys(props)) {
      if (k === 'id' || k === 'urn') continue;
      if (Object.prototype.hasOwnProperty.call(onto, k))
        throw new Error(`Property '${k}' is already initialized on target '${label}`);
      let settled: unknown[] | undefined;
      let resolve: Resolver | undefined;
      resolvers[k] = (...args) => (resolve ? resolve(...args) : (settled = args));
      Object.defineProperty(onto, k, {
        configurable: true,
        enumerable: true,
        get() {
          delete (onto as Record<string, unknown>)[k];
          resolve = original(onto, label, { [k]: undefined })[k];
          if (settled) resolve(...settled);
          settled = undefined;
          return (onto as Record<string, unknown>)[k];
        },
        set(value: unknown) {
          Object.defineProperty(onto, k, { value, writable: true, enumerable: true, configurable: true });
        },
      });
    }
    return resolvers;
  };
  rpc!.transferProperties = Object.assign(lazy, { [LAZY_OUTPUTS]: true as const });
}

const NO_POSITIONS = Symbol.for('aiready.pulumiSourcePositions');

/**
 * Makes the resources of the @pulumi/pulumi `fromDir` resolves without a source position: its
 * `Resource.callsites` (a stack trace at unlimited depth, parsed line by line) returns none. A no-op if
 * the class is not where this version has it.
 */
export function skipPulumiSourcePositions(fromDir: string): void {
  const dir = pulumiDir(fromDir);
  const file = dir && resolveFrom(path.join(dir, 'resource.js'), dir);
  if (!file) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Resource } = require(file) as { Resource?: { callsites?: unknown; [NO_POSITIONS]?: true } };
  if (typeof Resource?.callsites !== 'function' || Resource[NO_POSITIONS]) return;
  Resource.callsites = () => [];
  Resource[NO_POSITIONS] = true;
}

/** `value` as a protobuf Value round trip gives it back: object keys sorted, every level a copy. */
export function structRoundTrip(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    const list: unknown[] = [];
    for (let i = 0; i < value.length; i++) list[i] = structRoundTrip(value[i]);
    return list;
  }
  if (typeof value === 'object') return structObject(value);
  throw new Error('Unexpected struct type.');
}

/** `obj` as a protobuf Struct round trip gives it back (its enumerable keys, sorted). */
function structObject(obj: object): Record<string, unknown> {
  const keys: string[] = [];
  for (const key in obj) keys.push(key);
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = structRoundTrip((obj as Record<string, unknown>)[key]);
  return out;
}

interface StructClass {
  new (): StructMessage;
  fromJavaScript(obj: object): StructMessage;
  [PLAIN_STRUCTS]?: true;
}
interface StructMessage {
  getFieldsMap(...args: unknown[]): { set(key: string, value: unknown): void };
  toJavaScript(): Record<string, unknown>;
}

const PLAIN_STRUCTS = Symbol.for('aiready.pulumiPlainStructs');

/**
 * Makes the protobuf Structs of the @pulumi/pulumi `fromDir` resolves carry plain values: a Struct
 * made from an object keeps a sorted copy, gives a copy back from `toJavaScript`, and fills its
 * protobuf fields only if they are read. A no-op if google-protobuf is not where this version has it.
 */
export function plainPulumiStructs(fromDir: string): void {
  const dir = pulumiDir(fromDir);
  const file = dir && resolveFrom('google-protobuf/google/protobuf/struct_pb.js', dir);
  if (!file) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Struct, Value } = require(file) as { Struct?: StructClass; Value?: { fromJavaScript(v: unknown): unknown } };
  if (typeof Struct?.fromJavaScript !== 'function' || typeof Value?.fromJavaScript !== 'function') return;
  if (Struct[PLAIN_STRUCTS]) return;
  const toValue = Value.fromJavaScript.bind(Value);
  Struct.fromJavaScript = (obj: object) => {
    const plain = structObject(obj);
    const struct = new Struct();
    const fieldsMap = struct.getFieldsMap;
    let filled = false;
    struct.getFieldsMap = function (...args: unknown[]) {
      if (!filled) {
        filled = true;
        const map = fieldsMap.call(this);
        for (const key of Object.keys(plain)) map.set(key, toValue(plain[key]));
      }
      return fieldsMap.apply(this, args);
    };
    struct.toJavaScript = () => structObject(plain);
    return struct;
  };
  Struct[PLAIN_STRUCTS] = true;
}

interface PulumiStore {
  resourcePackages?: unknown;
  resourceModules?: unknown;
}

/**
 * Gives the @pulumi/pulumi that `fromDir` resolves a fresh run state, as a new process would have it
 * once its provider modules are loaded: the process's store (config, options, mocks, stack resource,
 * pending registrations) is replaced by a new one that keeps only the resource packages and modules
 * the loaded providers registered. For the next stack of a stack process. (Pulumi's per-run stores,
 * on AsyncLocalStorage, would do it too, but on Node 20 they switch on a hook for every promise: 0.4 s
 * and more garbage on a stack of 1,000 pools.) Throws if the runtime is not where this version has it.
 */
export function resetPulumiStore(fromDir: string): void {
  const state = runtimeModule<{ LocalStore?: new () => PulumiStore; getGlobalStore?: () => PulumiStore }>(fromDir, 'state.js');
  if (!state) throw new Error(`no @pulumi/pulumi runtime found from ${fromDir}`);
  if (typeof state.LocalStore !== 'function' || typeof state.getGlobalStore !== 'function')
    throw new Error(
      `@pulumi/pulumi at ${pulumiDir(fromDir)}: its run state is not where aiready expects it (runtime/state.js LocalStore)`,
    );
  const old = state.getGlobalStore();
  const fresh = new state.LocalStore();
  fresh.resourcePackages = old.resourcePackages;
  fresh.resourceModules = old.resourceModules;
  (globalThis as { globalStore?: PulumiStore }).globalStore = fresh;
}
