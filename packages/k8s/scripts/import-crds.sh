#!/usr/bin/env bash
# Regenerates src/imports/ from the upstream CRDs in ../shared/crds with `cdk8s import`.
# Generated files are committed and never edited by hand. Only small CRDs are imported; huge ones
# (Argo CD Application, Argo Workflow, KubeRay) get hand-written interfaces of the fields aiready uses.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
crds="$(cd "${AIREADY_CRDS:-$here/../../../shared/crds}" && pwd)"
cd "$here"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# One file per API group, so each group becomes one module.
{ cat "$crds/karpenter/karpenter.sh_nodepools.yaml"; echo '---';
  cat "$crds/karpenter/karpenter.sh_nodeoverlays.yaml"; } > "$tmp/karpenter.sh.yaml"
cat "$crds/karpenter/karpenter.k8s.aws_ec2nodeclasses.yaml" > "$tmp/karpenter.k8s.aws.yaml"
{ cat "$crds/prometheus-operator/monitoring.coreos.com_servicemonitors.yaml"; echo '---';
  cat "$crds/prometheus-operator/monitoring.coreos.com_prometheusrules.yaml"; } > "$tmp/monitoring.coreos.com.yaml"
rm -rf src/imports && mkdir -p src/imports
for f in "$tmp"/*.yaml; do
  npx -y cdk8s-cli@2.207.60 import --language typescript --output src/imports "$f"
done
