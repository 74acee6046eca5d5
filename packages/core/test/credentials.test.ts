import { AireadyValidationError, credentialKind, HIDDEN_VALUE, hideCredentials, isCredentialKey } from '../src';

describe('credentialKind', () => {
  test.each([
    ['postgresql+psycopg2://airflow:pw@db:5432/airflow', 'connection string'],
    ['redis://:pw@redis:6379/0', 'connection string'],
    ['https://bot:token@github.com/acme/dags.git', 'URL with credentials'],
    ['ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=', 'Fernet key'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nabc', 'private key'],
    ['airflow-metadata', undefined],
    ['https://github.com/acme/dags.git', undefined],
    ['s3://bucket/airflow/logs', undefined],
    [42, undefined],
  ])('%s is %s', (value, kind) => {
    // GIVEN a value WHEN classified THEN credentials are told from references
    expect(credentialKind(value)).toBe(kind);
  });
});

describe('hideCredentials', () => {
  test.each([
    ['values.fernetKey', 'abc', HIDDEN_VALUE],
    ['data.metadataConnection.pass', 'hunter2', HIDDEN_VALUE],
    ['teams[0].name', 'research', 'research'],
    ['email.password', { name: 'smtp', key: 'password' }, { name: 'smtp', key: 'password' }],
    ['x', { nested: { token: 't0k3n', name: 'ok' } }, { nested: { token: HIDDEN_VALUE, name: 'ok' } }],
    ['x', ['postgresql://u:p@h/db', 'fine'], [HIDDEN_VALUE, 'fine']],
  ])('%s', (path, value, shown) => {
    // GIVEN a value at a path WHEN shown in an error THEN credentials inside it are hidden
    expect(hideCredentials(path, value)).toEqual(shown);
  });

  test('isCredentialKey reads the last segment of a path', () => {
    expect(isCredentialKey('values.airflow.redis.password')).toBe(true);
    expect(isCredentialKey('fernetKeySecret')).toBe(false);
  });

  test('an AireadyValidationError never repeats a credential, whatever raised it', () => {
    // GIVEN a problem whose value is a credential WHEN the error is made
    const e = new AireadyValidationError('platform', [
      { path: 'airflow.database.connection', value: 'postgresql://u:s3cret@h/db', problem: 'unknown', fix: 'remove it' },
    ]);
    // THEN neither the message nor the problems hold it
    expect(e.message).not.toContain('s3cret');
    expect(e.problems[0].value).toBe(HIDDEN_VALUE);
  });
});
