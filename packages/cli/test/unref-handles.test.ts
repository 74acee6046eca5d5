import { execFileSync, spawn } from 'child_process';
import * as dgram from 'dgram';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
// (The modules themselves, as the code under test patches them; `import * as` would give copies.)
// eslint-disable-next-line @typescript-eslint/no-require-imports
import fs = require('fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
import timersPromises = require('timers/promises');
import { trackUnrefHandles, UnrefHandles } from '../src/unref-handles';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `test` with a tracker, stopped after it whatever happens. */
async function tracking(test: (tracked: UnrefHandles) => Promise<void> | void): Promise<UnrefHandles> {
  const tracked = trackUnrefHandles();
  try {
    await test(tracked);
  } finally {
    tracked.stop();
  }
  return tracked;
}

describe('trackUnrefHandles', () => {
  test("an unref'd timer or immediate is pending until it runs or is cleared; one ref'd again is Node's to list", async () => {
    const tracked = await tracking(async (t) => {
      // GIVEN timers and an immediate unref'd while tracking, one timer ref'd again
      const cleared = setTimeout(() => undefined, 60_000).unref();
      const interval = setInterval(() => undefined, 60_000).unref();
      const fires = setTimeout(() => undefined, 1).unref();
      const kept = setTimeout(() => undefined, 60_000)
        .unref()
        .ref();
      setImmediate(() => undefined).unref();
      // THEN each still pending and unref'd is listed
      expect(t.pending()).toEqual(['Immediate (unref)', 'Timeout (unref)', 'Timeout (unref)', 'Timeout (unref)']);
      // WHEN the immediate and one timer ran and the others are cleared THEN none is
      await tick(20);
      expect(t.pending()).toEqual(['Timeout (unref)', 'Timeout (unref)']);
      clearTimeout(cleared);
      clearInterval(interval);
      clearTimeout(kept);
      expect(t.pending()).toEqual([]);
      void fires;
    });
    // AND once stopped, nothing is recorded
    const after = setTimeout(() => undefined, 60_000).unref();
    expect(tracked.pending()).toEqual([]);
    clearTimeout(after);
  });

  test("unref'd servers and sockets (TCP and UDP) are pending until closed", async () => {
    const server = net.createServer((s) => s.destroy());
    const udp = dgram.createSocket('udp4');
    try {
      await tracking(async (t) => {
        // GIVEN a listening server, a socket connected to it and a bound UDP socket, all unref'd
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        server.unref();
        const { port } = server.address() as net.AddressInfo;
        const socket = net.connect(port, '127.0.0.1').unref();
        socket.on('error', () => undefined);
        await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
        udp.unref();
        // THEN each is listed
        expect(t.pending()).toEqual(['Server (unref)', 'Socket (unref)', 'UDP socket (unref)']);
        // WHEN closed THEN none is
        socket.destroy();
        await new Promise((resolve) => server.close(resolve));
        await new Promise<void>((resolve) => udp.close(resolve));
        expect(t.pending()).toEqual([]);
      });
    } finally {
      server.close();
    }
  });

  test("unref'd file watchers, and those made not persistent, are pending until closed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-unref-'));
    const file = path.join(dir, 'f');
    const watchers: fs.FSWatcher[] = [];
    try {
      const tracked = await tracking((t) => {
        // GIVEN a folder watched and unref'd, another watched without keeping the process, and a file polled
        watchers.push(fs.watch(dir).unref(), fs.watch(dir, { persistent: false }));
        fs.watchFile(file, { interval: 60_000 }, () => undefined).unref();
        // THEN each is listed
        expect(t.pending()).toEqual(['FSWatcher (unref)', 'FSWatcher (unref)', 'StatWatcher (unref)']);
        // WHEN closed and unwatched THEN none is
        watchers.splice(0).forEach((w) => w.close());
        fs.unwatchFile(file);
        expect(t.pending()).toEqual([]);
      });
      // AND once stopped, a watcher unref'd is not recorded
      const after = fs.watch(dir);
      watchers.push(after);
      after.unref();
      expect(tracked.pending()).toEqual([]);
    } finally {
      watchers.forEach((w) => w.close());
      fs.unwatchFile(file);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unref'd child process or worker is pending until it exits", async () => {
    // (No IPC channel: a failure here must not leave the test runner waiting on the child.)
    const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 60000)'], { stdio: 'ignore' });
    const worker = new Worker('setInterval(() => undefined, 60000)', { eval: true });
    try {
      await tracking(async (t) => {
        // GIVEN each unref'd
        child.unref();
        worker.unref();
        // THEN each is listed
        expect(t.pending()).toEqual(['ChildProcess (unref)', 'Worker (unref)']);
        // WHEN it exits THEN neither is
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill();
        await exited;
        await worker.terminate();
        expect(t.pending()).toEqual([]);
      });
    } finally {
      child.kill();
      await worker.terminate();
    }
  });

  test('timers/promises made with { ref: false } are pending until they settle, or an interval until its loop ends', async () => {
    const tracked = await tracking(async (t) => {
      // GIVEN promise timers while tracking, some unref'd
      const unref = timersPromises.setTimeout(10, 'late', { ref: false });
      const wait = timersPromises.scheduler.wait(10, { ref: false });
      const kept = timersPromises.setTimeout(1, 'kept');
      const interval = timersPromises.setInterval(1, 'tick', { ref: false });
      // THEN the unref'd ones are listed
      expect(t.pending()).toHaveLength(3);
      // WHEN they settle and the interval's loop ends THEN none is, and each gave what it would have
      expect(await Promise.all([unref, wait, kept])).toEqual(['late', undefined, 'kept']);
      for await (const value of interval) {
        expect(value).toBe('tick');
        break;
      }
      expect(t.pending()).toEqual([]);
    });
    // AND once stopped, timers/promises is as it was
    const again = timersPromises.setTimeout(1, 'x', { ref: false });
    expect(tracked.pending()).toEqual([]);
    await again;
  });

  test('a promise timer that rejects and that the program leaves unhandled stays unhandled', () => {
    // GIVEN a program that aborts an unref'd promise timer and does not handle its rejection, while tracked
    const lib = path.resolve(__dirname, '../lib/unref-handles.js');
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(lib)}).trackUnrefHandles();
process.on('unhandledRejection', (e) => console.log('unhandled: ' + e.name));
const ac = new AbortController();
require('timers/promises').setTimeout(10, undefined, { ref: false, signal: ac.signal });
ac.abort();
setTimeout(() => undefined, 50);`,
      ],
      { encoding: 'utf8' },
    );
    // THEN Node still tells of it
    expect(out.trim()).toBe('unhandled: AbortError');
  });
});
