// What a stack's program left running that Node's active resources do not list: handles it unref'd.
// An unref'd timer, socket or watcher keeps no process alive, yet its callback still runs, and a late
// error of it would fail whichever stack runs then (run-stack.ts hands the next stacks to a new process).
import { ChildProcess } from 'child_process';
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
  readonly proto: { ref?(): unknown; unref?(): unknown };
  readonly live: (handle: never) => boolean;
}

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
    { kind: 'Immediate', proto: prototypeOf(() => setImmediate(() => undefined), clearImmediate), live: notDestroyed },
    { kind: 'Socket', proto: net.Socket.prototype, live: (s: net.Socket) => !s.destroyed },
    { kind: 'Server', proto: net.Server.prototype, live: (s: net.Server) => s.listening },
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
 * closing): `fs.watch` and `fs.watchFile` are wrapped to watch the ref() and unref() of each they make.
 * (A closed watcher lets go of its handle.)
 */
const WATCHERS = [
  { kind: 'FSWatcher', make: 'watch' },
  { kind: 'StatWatcher', make: 'watchFile' },
] as const;

/** The functions of timers/promises that take `{ ref: false }`. */
const PROMISE_TIMERS = ['setTimeout', 'setImmediate', 'setInterval'] as const;

/**
 * Records every handle unref'd from now on: timers and immediates (`setTimeout(...).unref()`), sockets,
 * servers, file watchers, child processes and workers, and the timers of `timers/promises` made with
 * `{ ref: false }` (an interval's for good: its end is not seen). A handle ref'd again is Node's to list.
 */
export function trackUnrefHandles(): UnrefHandles {
  const live = new Map<object, HandleKind>();
  const restore: (() => void)[] = [];
  /** Watches the ref() and unref() of `target` (a prototype, or one watcher) as handles of kind `k`. */
  const watchRefs = (target: HandleKind['proto'], k: HandleKind) => {
    const { ref, unref } = target;
    if (typeof ref !== 'function' || typeof unref !== 'function') return;
    target.unref = function (this: object) {
      live.set(this, k);
      return unref.call(this);
    };
    target.ref = function (this: object) {
      live.delete(this);
      return ref.call(this);
    };
    return () => {
      target.unref = unref;
      target.ref = ref;
    };
  };
  for (const k of handleKinds()) {
    const put = watchRefs(k.proto, k);
    if (put) restore.push(put);
  }
  const open = (w: { _handle?: unknown }) => w._handle !== null && w._handle !== undefined;
  const nodeFs = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const { kind, make } of WATCHERS) {
    const original = nodeFs[make];
    nodeFs[make] = function (this: unknown, ...args: unknown[]) {
      const watcher = original.apply(this, args) as HandleKind['proto'];
      if (typeof watcher === 'object' && watcher !== null) watchRefs(watcher, { kind, proto: watcher, live: open });
      return watcher;
    };
    restore.push(() => (nodeFs[make] = original));
  }
  // Unref'd promise timers: pending until they settle.
  const promiseTimers = new Set<object>();
  const promises = timersPromises as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of PROMISE_TIMERS) {
    const original = promises[name];
    promises[name] = function (this: unknown, ...args: unknown[]) {
      const made = original.apply(this, args);
      const options = args[2] as { ref?: unknown } | undefined;
      if (options?.ref === false) {
        const token = {};
        promiseTimers.add(token);
        const settled = () => promiseTimers.delete(token);
        // (Any realm's promise: not `instanceof Promise`.)
        if (typeof (made as PromiseLike<unknown> | undefined)?.then === 'function')
          (made as PromiseLike<unknown>).then(settled, settled);
      }
      return made;
    };
    restore.push(() => (promises[name] = original));
  }
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
      restore.splice(0).forEach((r) => r());
      live.clear();
      promiseTimers.clear();
    },
  };
}
