import { credentialValuePaths, credentialValueProblems, isCredentialKey } from '../src';

describe('isCredentialKey', () => {
  it.each([
    // Keys that hold a credential, as the pinned charts name them.
    ['adminPassword', true],
    ['awsSecretAccessKey', true],
    ['awsAccessKeyID', true],
    ['azureClientSecret', true],
    ['civoApiKey', true],
    ['token', true],
    ['auth_password', true],
    ['routing_key', true],
    ['api_key', true],
    ['slackWebhookUrl', true],
    // Keys that say where a credential is.
    ['existingSecret', false],
    ['existingSecretPassword', false],
    ['passwordKey', false],
    ['auth_password_file', false],
    ['bearerTokenFile', false],
    ['accessKeyIdName', false],
    ['secretName', false],
    ['tokenExpiration', false],
    // Named like a credential, but a flag: credentialValuePaths only counts strings and numbers.
    ['automountServiceAccountToken', true],
  ])('%s: %s', (key, credential) => {
    expect(isCredentialKey(key)).toBe(credential);
  });
});

describe('credentialValuePaths', () => {
  test('literal strings and numbers at credential keys, in maps and lists; references and flags pass', () => {
    // GIVEN values with a literal password, a literal key in a list, a Secret reference and a boolean
    const values = {
      grafana: { adminPassword: 'hunter2', admin: { existingSecret: 'grafana-admin', passwordKey: 'admin-password' } },
      alertmanager: { config: { receivers: [{ name: 'pd', pagerduty_configs: [{ routing_key: 12345 }] }] } },
      serviceAccount: { automountServiceAccountToken: true },
      empty: { token: '' },
    };
    // WHEN / THEN
    expect(credentialValuePaths(values)).toEqual([
      'grafana.adminPassword',
      'alertmanager.config.receivers[0].pagerduty_configs[0].routing_key',
    ]);
  });

  test('problems never show the value', () => {
    const problems = credentialValueProblems(
      'kube-prometheus-stack',
      { grafana: { adminPassword: 'hunter2' } },
      (p) => `fix ${p}`,
    );
    expect(problems).toEqual([
      {
        path: 'values.grafana.adminPassword',
        value: '[literal hidden]',
        problem:
          'release kube-prometheus-stack would carry a credential as a literal value, written to Git with the rest of its values',
        fix: 'fix grafana.adminPassword',
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });
});
