// Credentials in Helm values: a release's values end up in Git (a Flux HelmRelease, an Argo CD
// Application), so a password given as a literal value is a leaked password. Charts name such values
// after what they hold (`adminPassword`, `awsSecretAccessKey`, `apiKey`, `token`); references to a
// Secret are named after the reference (`existingSecret`, `passwordKey`, `tokenFile`, `secretName`).
import { ValidationProblem } from '@aiready/core';
import { Values } from '../private/merge';

/**
 * Endings of values keys that hold a credential, compared without case or separators
 * (`aws_secret_access_key` and `awsSecretAccessKey` alike). Keys ending otherwise (`passwordKey`,
 * `bearerTokenFile`, `accessKeyIdName`) name where a credential is, not the credential.
 */
const CREDENTIAL_ENDINGS = [
  'password',
  'passwd',
  'passphrase',
  'token',
  'apikey',
  'secretaccesskey',
  'accesskeyid',
  'privatekey',
  'clientsecret',
  'routingkey',
  'servicekey',
  'webhookurl',
] as const;

/** True when a values key, by its name, holds a credential rather than a reference to one. */
export function isCredentialKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return !k.startsWith('existing') && CREDENTIAL_ENDINGS.some((e) => k.endsWith(e));
}

/** How a values path is written in messages and in Flux's `targetPath`: `a.b[0].c`. */
function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Every values path (`grafana.adminPassword`) holding a credential as a literal string or number. */
export function credentialValuePaths(values: Values): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string, key: string | undefined) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, join(path, i), key));
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, join(path, k), k);
    } else if (
      key !== undefined &&
      isCredentialKey(key) &&
      (typeof value === 'number' || (typeof value === 'string' && value !== ''))
    ) {
      found.push(path);
    }
  };
  walk(values, '', undefined);
  return found;
}

/**
 * A problem per credential given as a literal value of `release`, with `fix` saying how to give it
 * instead (for Flux: a `valuesFrom` Secret reference at that path).
 */
export function credentialValueProblems(
  release: string,
  values: Values,
  fix: (path: string) => string,
  prefix = 'values',
): ValidationProblem[] {
  return credentialValuePaths(values).map((path) => ({
    path: `${prefix}.${path}`,
    value: '[literal hidden]',
    problem: `release ${release} would carry a credential as a literal value, written to Git with the rest of its values`,
    fix: fix(path),
  }));
}
