// The rules of an Airflow spec that look at one field at a time: Secret names that must not be
// credentials, the DAG repository, component sizes, literal credentials in raw chart values.
import { ProblemCollector, ValidationWarning } from '../errors';
import { credentialKind, isCredentialKey } from '../util/credentials';
import { isDnsSubdomain } from '../util/kubernetes-names';
import { AirflowComponentSize, AirflowGitSyncSpec } from './airflow-spec';

const GIT_URL = /^(https:\/\/|ssh:\/\/|git@[^\s:]+:)\S+$/;
const NO_SPACE = /^\S+$/;

/** Literal credentials in raw chart values: the escape hatch takes settings, never secrets. */
export function rawCredentials(value: unknown, path: string, problems: ProblemCollector): void {
  if (Array.isArray(value)) value.forEach((v, i) => rawCredentials(v, `${path}[${i}]`, problems));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) rawCredentials(v, `${path}.${k}`, problems);
  else if (typeof value === 'string' && value !== '' && (isCredentialKey(path) || credentialKind(value)))
    problems.add({
      path,
      value: '[not shown]',
      problem: `is a literal ${credentialKind(value) ?? 'credential'} in the chart values, which end up in manifests and Git`,
      fix: 'put it in a Secret and use the typed setting that names it (database.secret, fernetKeySecret, apiSecretKeySecret, jwtSecret, celery, dags.gitSync.credentialsSecret)',
    });
}

/** Records a problem unless `value` is the name of a Secret; a credential given instead is never shown. */
export function secretName(value: string, path: string, what: string, problems: ProblemCollector): void {
  if (isDnsSubdomain(value)) return;
  const kind = credentialKind(value);
  problems.add({
    path,
    value: '[not shown]',
    problem: kind
      ? `is a literal ${kind} where the name of a Secret belongs; credentials never go into manifests`
      : 'is not the name of a Secret (a literal password?); credentials never go into manifests',
    fix: `create a Secret holding ${what} and give its name, e.g. 'airflow-${path
      .split('.')
      .pop()!
      .replace(/Secret$/, '')
      .toLowerCase()}'`,
  });
}

export function checkSize(size: AirflowComponentSize | undefined, path: string, problems: ProblemCollector): void {
  if (!size) return;
  if (size.replicas !== undefined && !(size.replicas >= 1))
    problems.add({ path: `${path}.replicas`, value: size.replicas, problem: 'must be at least 1', fix: 'use e.g. 2' });
  for (const key of ['cpu', 'memoryGiB'] as const) {
    const v = size[key];
    if (v !== undefined && !(v > 0))
      problems.add({
        path: `${path}.${key}`,
        value: v,
        problem: 'must be positive',
        fix: key === 'cpu' ? 'use e.g. 1' : 'use e.g. 2',
      });
  }
}

export function checkGitSync(
  git: AirflowGitSyncSpec,
  environment: 'dev' | 'prod',
  problems: ProblemCollector,
  warnings: ValidationWarning[],
): void {
  const path = 'airflow.dags.gitSync';
  const kind = credentialKind(git.repo);
  if (kind) {
    problems.add({
      path: `${path}.repo`,
      value: '[not shown]',
      problem: `is a ${kind}; the token would be readable by anyone who can read the manifests`,
      fix: 'give the URL without credentials and the credentials in a Secret named by credentialsSecret',
    });
  } else if (!GIT_URL.test(git.repo)) {
    problems.add({
      path: `${path}.repo`,
      value: git.repo,
      problem: 'not a git URL',
      fix: "use e.g. 'https://github.com/acme/dags.git' or 'git@github.com:acme/dags.git'",
    });
  }
  const ssh = /^(ssh:\/\/|git@)/.test(git.repo);
  if (git.credentialsSecret !== undefined)
    secretName(git.credentialsSecret, `${path}.credentialsSecret`, 'the git username and password', problems);
  if (git.sshKeySecret !== undefined)
    secretName(git.sshKeySecret, `${path}.sshKeySecret`, 'the SSH key (key gitSshKey)', problems);
  if (git.credentialsSecret !== undefined && git.sshKeySecret !== undefined)
    problems.add({
      path: `${path}.sshKeySecret`,
      value: git.sshKeySecret,
      problem: 'git-sync uses either HTTPS credentials or an SSH key, not both',
      fix: 'keep credentialsSecret for https:// repositories, sshKeySecret for git@ ones',
    });
  if (ssh && git.sshKeySecret === undefined && !kind)
    problems.add({
      path: `${path}.sshKeySecret`,
      value: undefined,
      problem: 'an SSH repository needs a key',
      fix: 'give sshKeySecret (a Secret with key gitSshKey), or use the https:// URL',
    });
  for (const key of ['branch', 'rev'] as const) {
    const v = git[key];
    if (v !== undefined && !NO_SPACE.test(v))
      problems.add({
        path: `${path}.${key}`,
        value: v,
        problem: 'not a git ref',
        fix: key === 'rev' ? 'give a commit SHA or tag' : "use e.g. 'main'",
      });
  }
  if (git.subPath !== undefined && (git.subPath.startsWith('/') || git.subPath.split('/').includes('..')))
    problems.add({
      path: `${path}.subPath`,
      value: git.subPath,
      problem: 'must be a relative path inside the repository',
      fix: "use e.g. 'dags'",
    });
  if (git.rev === undefined)
    warnings.push({
      path: `${path}.rev`,
      message: `DAGs follow the head of branch '${git.branch ?? 'main'}' of ${git.repo}: every push reaches ${environment === 'prod' ? 'production' : 'the platform'} within seconds, unreviewed by this plan. Pin rev to a commit SHA or tag`,
    });
}
