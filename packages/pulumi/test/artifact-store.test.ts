import { captureResources, ofType, settle } from './mocks';
const captured = captureResources();
import * as aws from '@pulumi/aws';
import { ArtifactStore } from '../src';

describe('ArtifactStore', () => {
  beforeAll(async () => {
    const cluster = new aws.eks.Cluster('c', { name: 'c1', roleArn: 'r', vpcConfig: { subnetIds: [] } });
    new ArtifactStore('art', { bucketName: 'acme-artifacts', cluster, teamNamespaces: ['serving', 'research'] });
    new ArtifactStore('logs', {
      bucketName: 'acme-logs',
      cluster,
      teamNamespaces: [],
      airflowLogs: {
        prefix: 'airflow/logs',
        writers: [
          { namespace: 'research', serviceAccount: 'airflow-task' },
          { namespace: 'airflow', serviceAccount: 'airflow-scheduler' },
        ],
      },
    });
    await settle();
  });

  test('the bucket is private, encrypted, versioned and refuses plain HTTP', () => {
    expect(ofType(captured, 'aws:s3/bucket:Bucket')[0].inputs).toMatchObject({ bucket: 'acme-artifacts', forceDestroy: false });
    expect(ofType(captured, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')[0].inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const sse = ofType(captured, 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration')[0];
    expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe('aws:kms');
    expect(ofType(captured, 'aws:s3/bucketVersioning:BucketVersioning')[0].inputs.versioningConfiguration.status).toBe('Enabled');
    const deny = JSON.parse(ofType(captured, 'aws:s3/bucketPolicy:BucketPolicy')[0].inputs.policy).Statement[0];
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  test("each team's role reaches only its own prefix of this bucket, bound to that team's workflow account", () => {
    const policies = Object.fromEntries(
      ofType(captured, 'aws:iam/rolePolicy:RolePolicy')
        .filter((p) => p.name.startsWith('art-'))
        .map((p) => [p.name, JSON.parse(p.inputs.policy)]),
    );
    expect(Object.keys(policies)).toEqual(['art-research', 'art-serving']);
    const research = policies['art-research'];
    for (const s of research.Statement) for (const a of s.Action) expect(a).not.toContain('*');
    expect(research.Statement.find((s: { Sid: string }) => s.Sid === 'ReadWriteTeamArtifacts').Resource).toBe(
      'arn:aws:mock:::art-bucket/research/*',
    );
    expect(research.Statement.find((s: { Sid: string }) => s.Sid === 'ListTeamPrefix').Condition).toEqual({
      StringLike: { 's3:prefix': ['research/*', 'research'] },
    });
    expect(JSON.stringify(research)).not.toContain('serving');
    expect(
      ofType(captured, 'aws:eks/podIdentityAssociation:PodIdentityAssociation')
        .filter((p) => p.name.startsWith('art-'))
        .map((p) => `${p.inputs.namespace}/${p.inputs.serviceAccount} -> ${p.inputs.roleArn}`),
    ).toEqual(['research/workflow -> arn:aws:mock:::art-research', 'serving/workflow -> arn:aws:mock:::art-serving']);
  });

  test("Airflow's log writers share one role that reaches only the log prefix, through Pod Identity", () => {
    // GIVEN a store with Airflow's log writers WHEN planned
    const policy = JSON.parse(
      ofType(captured, 'aws:iam/rolePolicy:RolePolicy').find((p) => p.name === 'logs-airflow-logs')!.inputs.policy,
    );
    // THEN the role reads and writes under airflow/logs/ only
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'ReadWriteTeamArtifacts').Resource).toBe(
      'arn:aws:mock:::logs-bucket/airflow/logs/*',
    );
    expect(policy.Statement.find((s: { Sid: string }) => s.Sid === 'ListTeamPrefix').Condition).toEqual({
      StringLike: { 's3:prefix': ['airflow/logs/*', 'airflow/logs'] },
    });
    // AND each writer's service account assumes it, and no team role is made
    expect(
      ofType(captured, 'aws:eks/podIdentityAssociation:PodIdentityAssociation')
        .filter((p) => p.name.startsWith('logs-'))
        .map((p) => `${p.inputs.namespace}/${p.inputs.serviceAccount} -> ${p.inputs.roleArn}`),
    ).toEqual([
      'airflow/airflow-scheduler -> arn:aws:mock:::logs-airflow-logs',
      'research/airflow-task -> arn:aws:mock:::logs-airflow-logs',
    ]);
    expect(
      ofType(captured, 'aws:iam/role:Role')
        .filter((r) => r.name.startsWith('logs-'))
        .map((r) => r.name),
    ).toEqual(['logs-airflow-logs']);
  });
});
