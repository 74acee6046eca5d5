import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findStacks, readStackConfig, SECRET_KEYS, SECRET_PLACEHOLDER } from '../src';

describe('Pulumi project discovery', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aiready-stacks-'));
  const dir = path.join(root, 'ai-platform');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: ai-platform\nruntime: nodejs\n');
  fs.writeFileSync(
    path.join(dir, 'Pulumi.prod.yaml'),
    'config:\n  aws:region: eu-west-1\n  ai-platform:pools:\n    - name: a\n  ai-platform:monitoring: false\n',
  );
  fs.writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), 'config:\n  ai-platform:secret:\n    secure: AAAA\n');

  test('finds every stack config, sorted', () => {
    expect(findStacks(root).map((s) => `${s.project}/${s.stack}`)).toEqual(['ai-platform/dev', 'ai-platform/prod']);
  });

  test('flattens config the way Pulumi hands it to programs', () => {
    expect(readStackConfig(path.join(dir, 'Pulumi.prod.yaml'))).toEqual({
      'aws:region': 'eu-west-1',
      'ai-platform:pools': '[{"name":"a"}]',
      'ai-platform:monitoring': 'false',
    });
  });

  test('an encrypted secret is never decrypted: the program gets a placeholder, marked secret', () => {
    // GIVEN a stack config holding a `secure:` value WHEN read for offline synth
    const config = readStackConfig(path.join(dir, 'Pulumi.dev.yaml'));
    // THEN the ciphertext is not passed on, and the key is listed as secret
    expect(config).toEqual({ 'ai-platform:secret': SECRET_PLACEHOLDER });
    expect(config[SECRET_KEYS]).toEqual(['ai-platform:secret']);
  });
});
