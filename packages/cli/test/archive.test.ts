import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { readTarGz, readZipEntry } from '../src/archive';

/** A zip archive with one stored and one deflated entry, laid out as the format says. */
function zip(entries: { name: string; data: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const body = e.deflate ? zlib.deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

describe('readZipEntry', () => {
  const archive = zip([
    { name: 'helm/', data: Buffer.alloc(0), deflate: false },
    { name: 'helm/helm', data: Buffer.from('#!/bin/sh\necho helm\n'.repeat(50)), deflate: true },
    { name: 'kubectl/kubectl', data: Buffer.from('kubectl'), deflate: false },
  ]);

  it.each([
    ['a deflated entry', 'helm/helm', '#!/bin/sh\necho helm\n'.repeat(50)],
    ['a stored entry', 'kubectl/kubectl', 'kubectl'],
  ])('reads %s', (_why, entry, expected) => {
    expect(readZipEntry(archive, entry).toString()).toBe(expected);
  });

  it('throws when the entry is not there, or the data is no zip', () => {
    expect(() => readZipEntry(archive, 'nope')).toThrow('zip archive has no entry nope');
    expect(() => readZipEntry(Buffer.from('not a zip at all, clearly not'), 'x')).toThrow('not a zip archive');
  });
});

describe('readTarGz', () => {
  it.each(['gnu', 'pax'])('reads every file, long paths included (%s format)', (format) => {
    // GIVEN a folder with a path longer than the 100 bytes of a tar header, archived by tar
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-tar-'));
    const long = `chart/templates/${'a'.repeat(60)}/${'b'.repeat(60)}.yaml`;
    fs.mkdirSync(path.join(dir, path.dirname(long)), { recursive: true });
    fs.writeFileSync(path.join(dir, long), 'long: true\n');
    fs.writeFileSync(path.join(dir, 'chart/Chart.yaml'), 'name: chart\n');
    execFileSync('tar', [`--format=${format}`, '-czf', path.join(dir, 'a.tgz'), '-C', dir, 'chart']);
    // WHEN
    const files = readTarGz(fs.readFileSync(path.join(dir, 'a.tgz')));
    // THEN
    expect([...files.keys()].sort()).toEqual(['chart/Chart.yaml', long]);
    expect(files.get(long)!.toString()).toBe('long: true\n');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
