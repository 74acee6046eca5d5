#!/usr/bin/env node
// Regenerates schemas/ from the upstream schema folder (../shared/crds beside the repository, or the
// folder given as the first argument; the second names another output folder): the CRDs and Kubernetes kinds aiready writes or installs, with
// descriptions, printer columns and other presentation removed, the Kubernetes OpenAPI pruned to the
// definitions those kinds reach, and schemas/SOURCES.md naming each upstream file, its tag and licence
// (copied from the upstream folder's SOURCES.md). Verbatim upstream files are checked against the git
// blob id SOURCES.md gives. Deterministic: the same input gives byte-identical output.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const REPO = path.resolve(__dirname, '../../..');
const UPSTREAM = path.resolve(process.argv[2] || path.join(REPO, '../shared/crds'));
const OUT = path.resolve(process.argv[3] || path.join(__dirname, '../schemas'));
/** Upstream CRDs kept in this repository (verbatim, with their own SOURCES.md): ones the shared folder lacks. */
const IN_REPO = path.join(__dirname, '../upstream');

/** The folder an upstream file is read from: this package's own upstream folder first, else the shared one. */
function upstreamPath(file) {
  const own = path.join(IN_REPO, file);
  return fs.existsSync(own) ? own : path.join(UPSTREAM, file);
}

/** The upstream CRD files kept, and why. Every kind aiready synthesizes, or a chart it installs renders. */
const CRD_FILES = {
  'karpenter/karpenter.sh_nodepools.yaml': 'GpuNodePool, CpuNodePool',
  'karpenter/karpenter.k8s.aws_ec2nodeclasses.yaml': 'GpuNodePool, CpuNodePool',
  'karpenter/karpenter.sh_nodeoverlays.yaml': 'GpuNodePool of a pool that shares its GPUs',
  'gpu-operator/nvidia.com_clusterpolicies.yaml': 'rendered by the gpu-operator chart',
  'gpu-operator/nvidia.com_nvidiadrivers.yaml': 'NvidiaGpuOperator per-pool drivers',
  'argo-workflows/argoproj.io_workflowtemplates.yaml':
    'GpuWorkflowTemplate (its spec is the Workflow spec, used for workflowDefaults)',
  'argo-cd/application-crd.yaml': 'Argo CD materialiser',
  'argo-cd/appproject-crd.yaml': 'Argo CD materialiser (project of the Applications)',
  'flux/helm.toolkit.fluxcd.io_helmreleases.yaml': 'Flux materialiser (planned)',
  'flux/source.toolkit.fluxcd.io_helmrepositories.yaml': 'Flux materialiser (planned)',
  'flux/source.toolkit.fluxcd.io_ocirepositories.yaml': 'Flux materialiser (planned)',
  'flux/source.toolkit.fluxcd.io_gitrepositories.yaml': 'Flux materialiser (planned)',
  'flux/source.toolkit.fluxcd.io_helmcharts.yaml': 'Flux materialiser (planned)',
  'flux/kustomize.toolkit.fluxcd.io_kustomizations.yaml': 'Flux materialiser (planned)',
  'keda/keda.sh_scaledobjects.yaml': 'GpuInferenceScaler',
  'kueue/kueue.x-k8s.io_clusterqueues.yaml': 'Kueue, Team',
  'kueue/kueue.x-k8s.io_localqueues.yaml': 'Team',
  'kueue/kueue.x-k8s.io_resourceflavors.yaml': 'Kueue',
  'kueue/kueue.x-k8s.io_workloadpriorityclasses.yaml': 'Kueue',
  'prometheus-operator/monitoring.coreos.com_servicemonitors.yaml': 'GpuMonitoring, GpuInferenceService; charts',
  'prometheus-operator/monitoring.coreos.com_prometheusrules.yaml': 'GpuMonitoring; kube-prometheus-stack chart',
  'prometheus-operator/monitoring.coreos.com_prometheuses.yaml': 'rendered by the kube-prometheus-stack chart',
  'prometheus-operator/monitoring.coreos.com_alertmanagers.yaml': 'rendered by the kube-prometheus-stack chart',
  'kubeflow-trainer/trainer.kubeflow.org_trainjobs.yaml': 'GpuTrainingJob',
  'kubeflow-trainer/trainer.kubeflow.org_clustertrainingruntimes.yaml': 'KubeflowTrainer runtimes',
  'kserve/serving.kserve.io_inferenceservices.yaml': 'GpuInferenceService on KServe',
  'cert-manager/crd-certificates.yaml': 'rendered by the kserve-resources chart (webhook certificate)',
  'cert-manager/crd-issuers.yaml': 'rendered by the kserve-resources chart (webhook certificate issuer)',
};

/** Built-in kinds kept: what aiready writes, what the charts and kustomize bases it installs render. */
const KUBERNETES_KINDS = [
  ['', 'v1', 'ConfigMap'],
  ['', 'v1', 'LimitRange'],
  ['', 'v1', 'Namespace'],
  ['', 'v1', 'PersistentVolumeClaim'],
  ['', 'v1', 'Pod'],
  ['', 'v1', 'ResourceQuota'],
  ['', 'v1', 'Secret'],
  ['', 'v1', 'Service'],
  ['', 'v1', 'ServiceAccount'],
  ['admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration'],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration'],
  ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'],
  ['apiregistration.k8s.io', 'v1', 'APIService'],
  ['apps', 'v1', 'DaemonSet'],
  ['apps', 'v1', 'Deployment'],
  ['apps', 'v1', 'StatefulSet'],
  ['autoscaling', 'v2', 'HorizontalPodAutoscaler'],
  ['batch', 'v1', 'CronJob'],
  ['batch', 'v1', 'Job'],
  ['networking.k8s.io', 'v1', 'Ingress'],
  ['networking.k8s.io', 'v1', 'NetworkPolicy'],
  ['policy', 'v1', 'PodDisruptionBudget'],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole'],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'],
  ['rbac.authorization.k8s.io', 'v1', 'Role'],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding'],
  ['scheduling.k8s.io', 'v1', 'PriorityClass'],
  ['storage.k8s.io', 'v1', 'StorageClass'],
];
const SWAGGER = 'kubernetes/swagger-v1.36.json';

/** Keys that only document or present a schema; the validator needs none of them. */
const DROP = new Set(['description', 'example', 'externalDocs', 'x-kubernetes-patch-merge-key', 'x-kubernetes-patch-strategy']);

function strip(node) {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const key of Object.keys(node)) {
    if (DROP.has(key)) continue;
    // `properties` keys are field names (a field may be called `description`): keep every one.
    out[key] =
      key === 'properties' || key === 'definitions'
        ? Object.fromEntries(Object.entries(node[key]).map(([k, v]) => [k, strip(v)]))
        : strip(node[key]);
  }
  return out;
}

function gitBlob(buf) {
  return crypto.createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

/** SOURCES.md rows of the upstream folders (the shared one and this package's own), by file. */
function sourceRows() {
  const rows = new Map();
  const text = [UPSTREAM, IN_REPO].map((dir) => fs.readFileSync(path.join(dir, 'SOURCES.md'), 'utf8')).join('\n');
  for (const line of text.split('\n')) {
    const m = /^\| `([^`]+)`/.exec(line);
    if (!m) continue;
    const cells = line.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
    rows.set(m[1], cells);
  }
  return rows;
}

/** Checks a verbatim file against the blob id its SOURCES.md row gives. */
function checkBlob(file, buf, fidelity) {
  const m = /blob ([0-9a-f]{8})/.exec(fidelity);
  if (!m || !/^verbatim/.test(fidelity)) return;
  const blob = gitBlob(buf);
  if (!blob.startsWith(m[1])) throw new Error(`${file}: git blob ${blob} does not match ${m[1]} in SOURCES.md`);
}

function bundleCrds(rows, index) {
  for (const [file, why] of Object.entries(CRD_FILES)) {
    const buf = fs.readFileSync(upstreamPath(file));
    checkBlob(file, buf, rows.get(file)[7]);
    const crds = YAML.parseAllDocuments(buf.toString('utf8'))
      .map((d) => d.toJS())
      .filter((d) => d && d.kind === 'CustomResourceDefinition');
    const out = crds.map((crd) => ({
      group: crd.spec.group,
      kind: crd.spec.names.kind,
      scope: crd.spec.scope,
      versions: crd.spec.versions
        .filter((v) => v.served)
        .map((v) => ({
          name: v.name,
          statusSubresource: Boolean(v.subresources && v.subresources.status),
          schema: strip(v.schema.openAPIV3Schema),
        })),
    }));
    const name = `crds/${path.basename(file).replace(/\.yaml$/, '.json')}`;
    fs.writeFileSync(path.join(OUT, name), `${JSON.stringify({ source: file, why, crds: out })}\n`);
    for (const crd of out)
      for (const v of crd.versions) index[`${crd.group}/${v.name}/${crd.kind}`] = { file: name, scope: crd.scope };
  }
}

function bundleKubernetes(rows, index) {
  const buf = fs.readFileSync(path.join(UPSTREAM, SWAGGER));
  checkBlob(SWAGGER, buf, `verbatim, ${rows.get(SWAGGER)[7]}`);
  const swagger = JSON.parse(buf.toString('utf8'));
  const defs = swagger.definitions;
  // Scope from the paths: a kind listed under /namespaces/{namespace}/ is namespaced.
  const namespaced = new Set();
  for (const [p, ops] of Object.entries(swagger.paths)) {
    if (!p.includes('/namespaces/{namespace}/')) continue;
    for (const op of Object.values(ops)) {
      const gvk = op && op['x-kubernetes-group-version-kind'];
      if (gvk) namespaced.add(`${gvk.group}/${gvk.version}/${gvk.kind}`);
    }
  }
  const roots = new Map();
  for (const [name, def] of Object.entries(defs))
    for (const g of def['x-kubernetes-group-version-kind'] || []) roots.set(`${g.group}/${g.version}/${g.kind}`, name);
  const keep = new Set();
  const visit = (name) => {
    if (keep.has(name)) return;
    if (!defs[name]) throw new Error(`${SWAGGER}: no definition ${name}`);
    keep.add(name);
    JSON.stringify(defs[name], (k, v) => {
      if (k === '$ref' && typeof v === 'string') visit(v.replace('#/definitions/', ''));
      return v;
    });
  };
  const file = 'kubernetes-1.36.json';
  for (const [group, version, kind] of KUBERNETES_KINDS) {
    const def = roots.get(`${group}/${version}/${kind}`);
    if (!def) throw new Error(`${SWAGGER}: no definition for ${group}/${version}/${kind}`);
    visit(def);
    index[`${group ? `${group}/` : ''}${version}/${kind}`] = {
      file,
      scope: namespaced.has(`${group}/${version}/${kind}`) ? 'Namespaced' : 'Cluster',
      definition: def,
    };
  }
  const definitions = {};
  for (const name of [...keep].sort()) definitions[name] = strip(defs[name]);
  fs.writeFileSync(path.join(OUT, file), `${JSON.stringify({ source: SWAGGER, definitions })}\n`);
  return keep.size;
}

function sourcesMd(rows, definitions) {
  const lines = [
    '# Bundled schemas: sources',
    '',
    'Generated by `scripts/bundle-schemas.js` from the upstream schema files below; do not edit. Each JSON',
    'file keeps, of its upstream file, only what validation needs: for a CRD its group, kind, scope and',
    'served versions with their `openAPIV3Schema`; for Kubernetes the OpenAPI definitions reachable from the',
    `kinds listed in \`index.json\` (${definitions} definitions). Descriptions, examples, printer columns and`,
    'patch-strategy hints are removed; nothing else is changed. The upstream files are Apache-2.0 licensed',
    '(see each row); aiready redistributes these modified copies under the same licence.',
    '',
    'Every verbatim file was checked against the upstream git blob id below when the bundle was generated.',
    '',
    '| bundled | upstream file | why aiready needs it | source repository | path in repository | tag → commit | licence | kinds | fidelity |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [file, why] of [...Object.entries(CRD_FILES), [SWAGGER, 'built-in kinds']]) {
    const c = rows.get(file);
    const bundled = file === SWAGGER ? 'kubernetes-1.36.json' : `crds/${path.basename(file).replace(/\.yaml$/, '.json')}`;
    const cells = [bundled, file, why, c[2], c[3], c[4], c[5], c[6], c[7]].map((s) => s.replace(/\|/g, '\\|'));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

function main() {
  if (!fs.existsSync(path.join(UPSTREAM, 'SOURCES.md'))) {
    process.stderr.write(`bundle-schemas: ${UPSTREAM}/SOURCES.md not found; pass the upstream schema folder\n`);
    process.exit(2);
  }
  const rows = sourceRows();
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(path.join(OUT, 'crds'), { recursive: true });
  const index = {};
  bundleCrds(rows, index);
  const definitions = bundleKubernetes(rows, index);
  const sorted = Object.fromEntries(
    Object.keys(index)
      .sort()
      .map((k) => [k, index[k]]),
  );
  fs.writeFileSync(path.join(OUT, 'index.json'), `${JSON.stringify(sorted, null, 2)}\n`);
  fs.writeFileSync(path.join(OUT, 'SOURCES.md'), sourcesMd(rows, definitions));
  process.stdout.write(`bundle-schemas: ${Object.keys(sorted).length} kinds, ${definitions} Kubernetes definitions\n`);
}

main();
