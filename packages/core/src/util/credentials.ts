// Telling a credential apart from a reference to one. Where aiready expects the name of a Secret, a
// connection string, a Fernet key or a password is a leak waiting to be committed: it is refused, and
// no error message ever repeats it.

/** What a credential-like value looks like, in words, for error messages. */
export type CredentialKind = 'connection string' | 'URL with credentials' | 'Fernet key' | 'private key' | 'password';

/** `scheme://user:password@host`: a URL carrying a password. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/i;
/** `scheme://...` of a database, broker or cache (a connection string, with or without a password). */
const CONNECTION_STRING =
  /^(postgres(ql)?|mysql|mssql|oracle|sqlite|redis|rediss|amqp|amqps|sqs|mongodb(\+srv)?)(\+[a-z0-9]+)?:\/\//i;
/** A Fernet key: 32 bytes, URL-safe base64 with its one `=` of padding. */
const FERNET_KEY = /^[A-Za-z0-9_-]{43}=$/;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Keys whose value is a literal credential wherever they appear (chart values, connection objects).
 * Matched case-insensitively against the last segment of a path.
 */
export const LITERAL_CREDENTIAL_KEYS: readonly string[] = [
  'password',
  'pass',
  'passwd',
  'postgresPassword',
  'fernetKey',
  'apiSecretKey',
  'webserverSecretKey',
  'jwtSecret',
  'secretKey',
  'brokerUrl',
  'sshKey',
  'privateKey',
  'token',
  'apiKey',
];

/** The kind of credential `value` looks like, or undefined when it looks like an ordinary value. */
export function credentialKind(value: unknown): CredentialKind | undefined {
  if (typeof value !== 'string') return undefined;
  if (PRIVATE_KEY.test(value)) return 'private key';
  if (CONNECTION_STRING.test(value)) return 'connection string';
  if (URL_WITH_PASSWORD.test(value)) return 'URL with credentials';
  if (FERNET_KEY.test(value)) return 'Fernet key';
  return undefined;
}

/** True when `key` (the last segment of a path) names a literal credential. */
export function isCredentialKey(key: string): boolean {
  const last =
    key
      .replace(/\[[^\]]*\]$/, '')
      .split('.')
      .pop() ?? '';
  return LITERAL_CREDENTIAL_KEYS.some((k) => k.toLowerCase() === last.toLowerCase());
}

/**
 * Fields of the platform spec and the stack config that take a Secret reference (or, in a stack, a
 * Pulumi secret): anything else given there is the secret itself (a Slack webhook URL, a PagerDuty
 * routing key), so it is never shown.
 */
const SECRET_REFERENCE_FIELDS = /(^|[.:])(apiUrl|routingKey|clientId|clientSecret|webhook\.url|grafanaAdminPassword)$/;

/** True when `path` names a field that takes a Secret reference. */
export function holdsSecretReference(path: string): boolean {
  return SECRET_REFERENCE_FIELDS.test(path.replace(/ \([^)]*\)$/, ''));
}

/** What an error message shows instead of a credential. */
export const HIDDEN_VALUE = '[a literal credential, not shown]';

/**
 * `value` with every credential inside it hidden: strings that look like credentials, and the values
 * of keys that name one (at `path` itself or anywhere below it).
 */
export function hideCredentials(path: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if ((isCredentialKey(path) || holdsSecretReference(path)) && (typeof value !== 'object' || Array.isArray(value)))
    return HIDDEN_VALUE;
  if (credentialKind(value)) return HIDDEN_VALUE;
  if (Array.isArray(value)) return value.map((v, i) => hideCredentials(`${path}[${i}]`, v));
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, hideCredentials(path ? `${path}.${k}` : k, v)]),
    );
  }
  return value;
}
