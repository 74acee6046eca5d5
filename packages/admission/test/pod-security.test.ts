import { find, planResource } from './fixtures/target';
import { broken, problems, refusal, server, serverPod, Target } from './support';

const trainRuntimePod = (t: Target) =>
  find(t, 'ClusterTrainingRuntime').spec.template.spec.replicatedJobs[0].template.spec.template.spec;
const argoRelease = (t: Target) => planResource(t, 'kubernetes:helm.sh/v3:Release', 'platform-argo-workflows').inputs.values;

describe('offline admission: Pod Security', () => {
  test('admits the valid target', () => {
    expect(
      problems(
        broken(() => {}),
        'pod-security',
      ),
    ).toEqual([]);
  });

  test.each<[string, (t: Target) => void, string]>([
    [
      'a container allows privilege escalation',
      (t) => (server(t).securityContext.allowPrivilegeEscalation = true),
      'allowPrivilegeEscalation != false (container "server"',
    ],
    ['a container keeps its capabilities', (t) => delete server(t).securityContext.capabilities, 'unrestricted capabilities'],
    [
      'a container adds SYS_ADMIN',
      (t) => (server(t).securityContext.capabilities.add = ['SYS_ADMIN']),
      'must not include "SYS_ADMIN"',
    ],
    ['a container may run as root', (t) => (server(t).securityContext.runAsNonRoot = false), 'runAsNonRoot != true'],
    ['a container runs as UID 0', (t) => (server(t).securityContext.runAsUser = 0), 'runAsUser=0'],
    [
      'a container sets no seccomp profile',
      (t) => delete server(t).securityContext.seccompProfile,
      'seccompProfile (pod or container "server" must set',
    ],
    [
      'a pod mounts a hostPath volume',
      (t) => (serverPod(t).volumes = [{ name: 'host', hostPath: { path: '/var' } }]),
      'restricted volume types (volume "host" uses restricted volume type "hostPath")',
    ],
    ['a pod shares the host network', (t) => (serverPod(t).hostNetwork = true), 'host namespaces (hostNetwork=true)'],
    [
      'a container is privileged',
      (t) => (server(t).securityContext.privileged = true),
      'privileged (container "server" must not set securityContext.privileged=true)',
    ],
    [
      'a container uses a hostPort',
      (t) => (server(t).ports[0].hostPort = 8000),
      'hostPort (container "server" uses hostPort 8000)',
    ],
    [
      "Argo's executor containers get no security context (issue 13 item 7)",
      (t) => delete argoRelease(t).executor,
      'allowPrivilegeEscalation != false (containers "init", "wait"',
    ],
    [
      'a Trainer runtime has no security context (issue 13 item 7)',
      (t) => delete trainRuntimePod(t).containers[0].securityContext,
      'TrainJob research/finetune (runtime ClusterTrainingRuntime torch-h100)',
    ],
    [
      'the GPU operator runs in a restricted namespace',
      (t) => (find(t, 'Namespace', 'gpu-operator').metadata.labels['pod-security.kubernetes.io/enforce'] = 'restricted'),
      'Pod Security "restricted" refuses the pods of release platform-gpu-operator',
    ],
  ])('throws when %s', (_, mutate, expected) => {
    // GIVEN the valid target broken in one place WHEN checked THEN the refusal names the rule
    expect(refusal(broken(mutate))).toContain(expected);
  });

  const bad = { spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] } };
  test.each<[string, string, Record<string, unknown>, string]>([
    ['apps/v1', 'StatefulSet', { template: bad }, 'spec.template.spec.containers[0].securityContext.privileged'],
    ['apps/v1', 'DaemonSet', { template: bad }, 'spec.template.spec.containers[0].securityContext.privileged'],
    [
      'batch/v1',
      'CronJob',
      { jobTemplate: { spec: { template: bad } } },
      'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged',
    ],
    [
      'jobset.x-k8s.io/v1alpha2',
      'JobSet',
      { replicatedJobs: [{ name: 'w', template: { spec: { template: bad } } }] },
      'spec.replicatedJobs[0].template.spec.template.spec.containers[0].securityContext.privileged',
    ],
    [
      'serving.kserve.io/v1beta1',
      'InferenceService',
      { predictor: bad.spec },
      'spec.predictor.containers[0].securityContext.privileged',
    ],
    [
      'keda.sh/v1alpha1',
      'ScaledJob',
      { jobTargetRef: { template: bad } },
      'spec.jobTargetRef.template.spec.containers[0].securityContext.privileged',
    ],
    [
      'leaderworkerset.x-k8s.io/v1',
      'LeaderWorkerSet',
      { leaderWorkerTemplate: { size: 2, workerTemplate: bad } },
      'spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].securityContext.privileged',
    ],
  ])('throws when a %s %s runs a privileged pod in a restricted namespace', (apiVersion, kind, spec, field) => {
    // GIVEN a workload of that kind in the restricted serving namespace
    const t = broken((x) => x.objects.push({ apiVersion, kind, metadata: { name: 'w', namespace: 'serving' }, spec }));
    // THEN its pod template is found and refused at the right field
    const found = problems(t, 'pod-security').filter((p) => p.object === `${kind} serving/w`);
    expect(found.map((p) => p.field)).toContain(field);
  });

  test('the fix for an injected container points at what configures it', () => {
    // GIVEN Argo's executor without a security context
    const found = problems(
      broken((t) => delete argoRelease(t).executor),
      'pod-security',
    );
    // THEN the fix names the release values, not the workflow
    expect(found[0].fix).toContain('release platform-argo-workflows (values executor.securityContext)');
    expect(found[0].field).toBe('spec.templates[1].initContainers[0].securityContext.allowPrivilegeEscalation');
  });

  test('a baseline namespace accepts what only restricted refuses', () => {
    // GIVEN serving at baseline and a container without seccomp
    const t = broken((x) => {
      find(x, 'Namespace', 'serving').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline';
      delete server(x).securityContext.seccompProfile;
    });
    // THEN nothing is refused
    expect(problems(t, 'pod-security')).toEqual([]);
  });

  test('the namespace enforce-version pins the rules', () => {
    // GIVEN a probe host, refused only from 1.34, in a namespace pinned to v1.33
    const t = broken((x) => {
      find(x, 'Namespace', 'serving').metadata.labels['pod-security.kubernetes.io/enforce-version'] = 'v1.33';
      server(x).livenessProbe = { httpGet: { host: 'example.com', port: 80 } };
    });
    expect(problems(t, 'pod-security')).toEqual([]);
    // WHEN the pin is dropped THEN the cluster's 1.35 rules refuse it
    delete find(t, 'Namespace', 'serving').metadata.labels['pod-security.kubernetes.io/enforce-version'];
    expect(refusal(t)).toContain('violates PodSecurity "restricted:v1.35"');
  });

  test('an unused cluster runtime is judged where workloads run', () => {
    // GIVEN a runtime no TrainJob uses yet, without security context
    const t = broken((x) => {
      x.objects.splice(x.objects.indexOf(find(x, 'TrainJob') as never), 1);
      delete trainRuntimePod(x).containers[0].securityContext;
    });
    // THEN it is refused as the team namespace would refuse it
    expect(refusal(t)).toContain('used from any namespace, e.g. research at restricted');
  });
});
