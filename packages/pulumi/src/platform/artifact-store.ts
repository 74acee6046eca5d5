import * as aws from '../private/aws';
import * as pulumi from '@pulumi/pulumi';
import { serviceTrustPolicy } from '../private/iam';

/** Arguments of `ArtifactStore`. */
export interface ArtifactStoreArgs {
  /** Bucket name (globally unique), the same the platform's Argo Workflows `artifacts.bucket` names. */
  readonly bucketName: string;
  readonly cluster: aws.eks.Cluster;
  /** Team namespaces whose `workflow` service account reads and writes artifacts. */
  readonly teamNamespaces: readonly string[];
  /**
   * Airflow's task logs (the `logs.prefix` and `logWriters` of aiready's `Airflow`): one role that
   * reaches only the log prefix, bound through Pod Identity to every service account that writes logs
   * (Airflow's components, and each team's `airflow-task`). Every team's tasks write under the one
   * prefix Airflow reads logs from, so teams can read each other's task logs (not their artifacts).
   * @default - none
   */
  readonly airflowLogs?: {
    readonly prefix: string;
    readonly writers: readonly { readonly namespace: string; readonly serviceAccount: string }[];
  };
  /**
   * Tags on every resource.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/**
 * A team's access to the artifact bucket: list, read, write and delete under its own prefix
 * (`<namespace>/`), nothing else.
 */
export function teamArtifactPolicy(bucketArn: string, namespace: string): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ListTeamPrefix',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: bucketArn,
        Condition: { StringLike: { 's3:prefix': [`${namespace}/*`, namespace] } },
      },
      { Sid: 'LocateBucket', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: bucketArn },
      {
        Sid: 'ReadWriteTeamArtifacts',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: `${bucketArn}/${namespace}/*`,
      },
    ],
  };
}

/**
 * The S3 bucket behind Argo Workflows' artifact repository: encrypted, versioned, public access
 * blocked, TLS only; and a role per team, limited to the team's prefix of this bucket, bound through
 * Pod Identity to the team's `workflow` service account, so steps use their pod's identity
 * (`useSDKCreds`) and no key exists.
 */
export class ArtifactStore extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  /** The artifact role of each team namespace. */
  public readonly roles: Record<string, aws.iam.Role>;
  /** The role Airflow's log writers assume, when `airflowLogs` is given. */
  public readonly airflowLogsRole?: aws.iam.Role;

  constructor(name: string, args: ArtifactStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aiready:platform:ArtifactStore', name, {}, opts);
    const tags = args.tags ?? {};
    const child = { parent: this };
    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: args.bucketName, forceDestroy: false, tags }, child);
    new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: this.bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }],
      },
      child,
    );
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } },
      child,
    );
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      {
        bucket: this.bucket.id,
        policy: this.bucket.arn.apply((arn) =>
          JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'DenyInsecureTransport',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:*',
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
            ],
          }),
        ),
      },
      child,
    );
    // One role per team, reaching only the team's own prefix: a team can neither read nor delete
    // another's artifacts. Argo writes under `<namespace>/...` (the artifact repository's keyFormat).
    this.roles = {};
    for (const ns of [...args.teamNamespaces].sort()) {
      const role = new aws.iam.Role(
        `${name}-${ns}`,
        { assumeRolePolicy: serviceTrustPolicy('pods.eks.amazonaws.com'), tags },
        child,
      );
      new aws.iam.RolePolicy(
        `${name}-${ns}`,
        { role: role.id, policy: this.bucket.arn.apply((arn) => JSON.stringify(teamArtifactPolicy(arn, ns))) },
        child,
      );
      new aws.eks.PodIdentityAssociation(
        `${name}-${ns}`,
        { clusterName: args.cluster.name, namespace: ns, serviceAccount: 'workflow', roleArn: role.arn, tags },
        child,
      );
      this.roles[ns] = role;
    }
    if (args.airflowLogs?.writers.length) {
      const logs = args.airflowLogs;
      const role = new aws.iam.Role(
        `${name}-airflow-logs`,
        { assumeRolePolicy: serviceTrustPolicy('pods.eks.amazonaws.com'), tags },
        child,
      );
      new aws.iam.RolePolicy(
        `${name}-airflow-logs`,
        { role: role.id, policy: this.bucket.arn.apply((arn) => JSON.stringify(teamArtifactPolicy(arn, logs.prefix))) },
        child,
      );
      for (const w of [...logs.writers].sort((a, b) =>
        `${a.namespace}/${a.serviceAccount}`.localeCompare(`${b.namespace}/${b.serviceAccount}`),
      )) {
        new aws.eks.PodIdentityAssociation(
          `${name}-airflow-${w.namespace}-${w.serviceAccount}`,
          { clusterName: args.cluster.name, namespace: w.namespace, serviceAccount: w.serviceAccount, roleArn: role.arn, tags },
          child,
        );
      }
      this.airflowLogsRole = role;
    }
    this.registerOutputs({ bucket: this.bucket.bucket });
  }
}
