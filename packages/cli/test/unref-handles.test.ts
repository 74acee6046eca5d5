import { fork } from 'child_process';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
// (The modules themselves, as the code under test patches them; `import * as` would give copies.)
// eslint-disable-next-line @typescript-eslint/no-require-imports
import fs = require('fs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
import timersPromises = require('timers/promises');
import { trackUnrefHandles } from '../src/unref-handles';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('trackUnrefHandles', () => {
  test("an unref'd timer is pending until it fires or is cleared; one ref'd again is Node's to list", async () => {
    // GIVEN timers unref'd while tracking, one of them ref'd again
    const tracked = trackUnrefHandles();
    try {
      const cleared = setTimeout(() => undefined, 60_000).unref();
      const interval = setInterval(() => undefined, 60_000).unref();
      const fires = setTimeout(() => undefined, 1).unref();
      const kept = setTimeout(() => undefined, 60_000)
        .unref()
        .ref();
      // THEN each still pending and unref'd is listed
      expect(tracked.pending()).toEqual(['Timeout (unref)', 'Timeout (unref)', 'Timeout (unref)']);
      // WHEN one fires and the others are cleared THEN none is
      await tick(20);
      expect(tracked.pending()).toHaveLength(2);
      clearTimeout(cleared);
      clearInterval(interval);
      clearTimeout(kept);
      expect(tracked.pending()).toEqual([]);
      void fires;
    } finally {
      tracked.stop();
    }
    // AND once stopped, nothing is recorded
    const after = setTimeout(() => undefined, 60_000).unref();
    expect(tracked.pending()).toEqual([]);
    clearTimeout(after);
  });

  test("an unref'd server and socket are pending until closed", async () => {
    // GIVEN a listening server and a socket connected to it, both unref'd while tracking
    const tracked = trackUnrefHandles();
    const server = net.createServer((s) => s.destroy());
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      server.unref();
      const { port } = server.address() as net.AddressInfo;
      const socket = net.connect(port, '127.0.0.1').unref();
      socket.on('error', () => undefined);
      // THEN both are listed
      expect(tracked.pending()).toEqual(['Server (unref)', 'Socket (unref)']);
      // WHEN closed THEN neither is
      socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      expect(tracked.pending()).toEqual([]);
    } finally {
      tracked.stop();
      server.close();
    }
  });

  test("an unref'd file watcher and child process are pending until closed or exited", async () => {
    const tracked = trackUnrefHandles();
    try {
      // GIVEN a folder watched and a child process that waits, both unref'd
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-unref-'));
      const watcher = fs.watch(dir).unref();
      const file = path.join(dir, 'f');
      fs.watchFile(file, { interval: 60_000 }, () => undefined).unref();
      const child = fork('-e', ['setInterval(() => undefined, 60000)'], { execArgv: [], stdio: 'ignore' });
      child.unref();
      // THEN each is listed
      expect(tracked.pending()).toEqual(['ChildProcess (unref)', 'FSWatcher (unref)', 'StatWatcher (unref)']);
      // WHEN closed, unwatched and exited THEN none is
      watcher.close();
      fs.unwatchFile(file);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill();
      await exited;
      expect(tracked.pending()).toEqual([]);
    } finally {
      tracked.stop();
    }
  });

  test('a timers/promises timer made with { ref: false } is pending until it settles; a kept one is not listed', async () => {
    // GIVEN two promise timers while tracking, one unref'd
    const tracked = trackUnrefHandles();
    try {
      const unref = timersPromises.setTimeout(10, 'late', { ref: false });
      const kept = timersPromises.setTimeout(1, 'kept');
      // THEN only the unref'd one is listed, until it settled
      expect(tracked.pending()).toEqual(['timers/promises (unref)']);
      await Promise.all([unref, kept]);
      expect(tracked.pending()).toEqual([]);
    } finally {
      tracked.stop();
    }
    // AND once stopped, timers/promises is as it was
    const again = timersPromises.setTimeout(1, 'x', { ref: false });
    expect(tracked.pending()).toEqual([]);
    await again;
  });
});
