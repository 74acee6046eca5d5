// What a stack's program left running that Node's active resources do not list: handles it unref'd.
// An unref'd timer, socket or watcher keeps no process alive, yet its callback still runs, and a late
// error of it would fail whichever stack runs then (run-stack.ts hands the next stacks to a new process).
import { ChildProcess } from 'child_process';
import * as dgram from 'dgram';
import * as net from 'net';
// (The modules' own exports objects, not copies: their functions are replaced while tracking.)
// eslint-disable-next-line @typescript-eslint/no-require-imports
import fs = require('fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
import timersPromises = require('timers/promises');
import { Worker } from 'worker_threads';

/** The handles unref'd since {@link trackUnrefHandles} started to record them. */
export interface UnrefHandles {
  /** One `<kind> (unref)` for each still live and unref'd ('Timeout (unref)', 'Socket (unref)', ...). */
  pending(): string[];
  /** Stops recording, and puts back what it patched. */
  stop(): void;
}

/** A kind of handle: the prototype whose ref() and unref() are watched, and whether one is still live. */
interface HandleKind {
  readonly kind: string;
  readonly proto: Refable;
  readonly live: (handle: never) => boolean;
}

type Refable = { ref?(): unknown; unref?(): unknown };
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** A handle's life seen from its events: live until it emits `end` (listened for at its first look). */
function untilEvent(end: string): (handle: never) => boolean {
  const ended = new WeakSet<object>();
  return (handle: never) => {
    const h = handle as { once?(event: string, listener: () => void): unknown; [watched]?: true };
    if (!h[watched] && typeof h.once === 'function') {
      h[watched] = true;
      h.once(end, () => ended.add(h));
    }
    return !ended.has(h);
  };
}
const watched = Symbol('aiready unref watched');

/**
 * The prototype of what `make` returns (Node exports no class for timers and immediates), the one made
 * cleared again.
 */
function prototypeOf<T extends object>(make: () => T, clear: (made: T) => void): object {
  const made = make();
  clear(made);
  return Object.getPrototypeOf(made) as object;
}

function handleKinds(): HandleKind[] {
  // (A timer or an immediate that ran or was cleared is destroyed; `_destroyed` has said so since Node.js 11.)
  const notDestroyed = (t: { _destroyed?: boolean }) => t._destroyed === false;
  return [
    { kind: 'Timeout', proto: prototypeOf(() => setTimeout(() => undefined, 0), clearTimeout), live: notDestroyed },
    // (timers/promises' setImmediate with { ref: false } unrefs its Immediate.)
    { kind: 'Immediate', proto: prototypeOf(() => setImmediate(() => undefined), clearImmediate), live: notDestroyed },
    { kind: 'Socket', proto: net.Socket.prototype, live: (s: net.Socket) => !s.destroyed },
    { kind: 'Server', proto: net.Server.prototype, live: (s: net.Server) => s.listening },
    { kind: 'UDP socket', proto: dgram.Socket.prototype, live: untilEvent('close') },
    {
      kind: 'ChildProcess',
      proto: ChildProcess.prototype,
      live: (c: ChildProcess) => c.exitCode === null && c.signalCode === null,
    },
    { kind: 'Worker', proto: Worker.prototype, live: (w: Worker) => w.threadId >= 0 },
  ];
}

/**
 * File watchers (no exported class either, and making one to find its prototype leaves a handle
 * closing): `fs.watch` and `fs.watchFile` are wrapped; the first watcher of each kind gives the
 * prototype whose ref() and unref() are watched, and one made with `{ persistent: false }` counts as
 * unref'd from the start. (A closed watcher lets go of its handle.)
 */
const WATCHERS = [
  { kind: 'FSWatcher', make: 'watch' },
  { kind: 'StatWatcher', make: 'watchFile' },
] as const;

/** Past this many handles recorded, the dead ones are dropped (then past twice as many as are live). */
const PRUNE_AT = 1024;

/**
 * Records every handle unref'd from now on: timers and immediates (`setTimeout(...).unref()`), sockets
 * (TCP, IPC and UDP), servers, file watchers (and those made `{ persistent: false }`), child processes,
 * workers, and the timers of `timers/promises` made with `{ ref: false }`
 * (`setTimeout`, `setImmediate`, `setInterval` until its loop ends, `scheduler.wait`). A handle ref'd
 * again is Node's to list. Not seen: message ports, `fs.promises.watch` with `{ persistent: false }`,
 * and a wrapped function a module took before tracking started.
 */
export function trackUnrefHandles(): UnrefHandles {
  const live = new Map<object, HandleKind>();
  let pruneAt = PRUNE_AT;
  let stopped = false;
  const record = (handle: object, k: HandleKind) => {
    if (stopped) return;
    live.set(handle, k);
    // (A kind seen through its events starts listening now.)
    k.live(handle as never);
    if (live.size < pruneAt) return;
    for (const [h, kind] of live) if (!kind.live(h as never)) live.delete(h);
    pruneAt = Math.max(PRUNE_AT, 2 * live.size);
  };
  const restore: (() => void)[] = [];
  /** Watches the ref() and unref() of the handles of kind `k` (its prototype's). */
  const watchRefs = (k: HandleKind) => {
    const target = k.proto;
    const { ref, unref } = target;
    if (typeof ref !== 'function' || typeof unref !== 'function') return;
    target.unref = function (this: object) {
      record(this, k);
      return unref.call(this);
    };
    target.ref = function (this: object) {
      live.delete(this);
      return ref.call(this);
    };
    restore.push(() => {
      target.unref = unref;
      target.ref = ref;
    });
  };
  for (const k of handleKinds()) watchRefs(k);
  const open = (w: { _handle?: unknown }) => w._handle !== null && w._handle !== undefined;
  const nodeFs = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const { kind, make } of WATCHERS) {
    const original = nodeFs[make];
    let k: HandleKind | undefined;
    nodeFs[make] = function (this: unknown, ...args: unknown[]) {
      const watcher = original.apply(this, args);
      if (typeof watcher !== 'object' || watcher === null) return watcher;
      if (!k && !stopped) {
        k = { kind, proto: Object.getPrototypeOf(watcher) as Refable, live: open };
        watchRefs(k);
      }
      const options = args.find((a): a is { persistent?: unknown } => typeof a === 'object' && a !== null);
      if (k && options?.persistent === false) record(watcher, k);
      return watcher;
    };
    restore.push(() => (nodeFs[make] = original));
  }
  // Unref'd promise timers: pending until they settle (the program gets a promise that settles as
  // its own would, so a rejection it leaves unhandled is still unhandled).
  const promiseTimers = new Set<object>();
  const counted = (options: unknown) => {
    if (stopped || (options as { ref?: unknown } | undefined)?.ref !== false) return undefined;
    const token = {};
    promiseTimers.add(token);
    return () => promiseTimers.delete(token);
  };
  const then = <T>(made: T, settled: () => void): T =>
    (made as PromiseLike<unknown>).then(
      (v) => (settled(), v),
      (e: unknown) => {
        settled();
        throw e;
      },
    ) as T;
  const wrap = (owner: Record<string, unknown>, name: string, wrapper: (original: AnyFunction) => AnyFunction) => {
    const original = owner[name];
    if (typeof original !== 'function') return;
    owner[name] = wrapper(original as AnyFunction);
    restore.push(() => (owner[name] = original));
  };
  const promises = timersPromises as unknown as Record<string, unknown>;
  /** A promise timer whose options are its argument `at`. */
  const promiseTimer =
    (at: number) =>
    (original: AnyFunction): AnyFunction =>
      function (this: unknown, ...args: unknown[]) {
        const made: unknown = original.apply(this, args);
        const settled = counted(args[at]);
        return settled ? then(made, settled) : made;
      };
  wrap(promises, 'setTimeout', promiseTimer(2));
  wrap(promises.scheduler as Record<string, unknown>, 'wait', promiseTimer(1));
  // An interval is pending until its loop ends: return() (a `break`), a last result, or an error.
  wrap(
    promises,
    'setInterval',
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const made = original.apply(this, args) as AsyncIterator<unknown>;
        const settled = counted(args[2]);
        if (!settled) return made;
        const { next, return: end } = made;
        made.next = function (this: AsyncIterator<unknown>, ...a: [] | [unknown]) {
          return next.apply(this, a).then(
            (r) => (r.done && settled(), r),
            (e: unknown) => {
              settled();
              throw e;
            },
          );
        };
        if (end)
          made.return = function (this: AsyncIterator<unknown>, ...a: [unknown?]) {
            settled();
            return end.apply(this, a);
          };
        return made;
      },
  );
  return {
    pending: () => {
      const out: string[] = [];
      for (const [handle, k] of live) {
        if (k.live(handle as never)) out.push(`${k.kind} (unref)`);
        else live.delete(handle);
      }
      for (let i = 0; i < promiseTimers.size; i++) out.push('timers/promises (unref)');
      return out.sort();
    },
    stop: () => {
      stopped = true;
      restore.splice(0).forEach((r) => r());
      live.clear();
      promiseTimers.clear();
    },
  };
}
