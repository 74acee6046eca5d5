#!/usr/bin/env bash
# Reviews a pull request of an IaC repository that uses aiready: synthesizes every target with every
# Helm chart and kustomize base rendered, validates what was written, and diffs it against the base
# branch as Markdown for a PR comment. The same steps as github-actions.yml, for any CI.
#
#   BASE_REF                 branch to compare with (default origin/main; fetch it first)
#   REVIEW_FILE              where the Markdown goes (default aiready-review.md)
#   AIREADY                  how to run aiready (default: npx --no-install aiready)
#   AIREADY_CACHE_DIR        rendered releases and the bundled helm (default ~/.cache/aiready; cache it)
#   AIREADY_CHART_CACHE      a prepared folder of pinned chart archives; unset: `aiready charts pull`
#                            fills <cache dir>/charts (needs the network once, then it is cached)
#   AIREADY_KUSTOMIZE_CACHE  kustomize bases (default <chart cache>/kustomize)
#   AIREADY_BASE_SETUP       how to install the base branch's checkout (default: its package manager)
#   VALIDATE                 schema validator run on each target's manifests/ and rendered/
#                            (e.g. "kubeconform -strict -summary"); unset: aiready's own checks only
# Exit 0 whether or not the pull request changes anything; non-zero when a step fails.
set -euo pipefail

BASE_REF="${BASE_REF:-origin/main}"
REVIEW_FILE="${REVIEW_FILE:-aiready-review.md}"
read -r -a AIREADY <<< "${AIREADY:-npx --no-install aiready}"
CACHE_DIR="${AIREADY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aiready}"

if [ -n "${AIREADY_CHART_CACHE:-}" ]; then
  CHART_CACHE="$AIREADY_CHART_CACHE"
else
  CHART_CACHE="$CACHE_DIR/charts"
  echo "== charts: fetching what the cache lacks"
  "${AIREADY[@]}" charts pull --chart-cache "$CHART_CACHE" --cache-dir "$CACHE_DIR"
fi
KUSTOMIZE_CACHE="${AIREADY_KUSTOMIZE_CACHE:-$CHART_CACHE/kustomize}"
render=(--render --chart-cache "$CHART_CACHE" --kustomize-cache "$KUSTOMIZE_CACHE" --cache-dir "$CACHE_DIR")

echo "== synth, every chart rendered (values checked against the charts, no object applied twice)"
"${AIREADY[@]}" synth "${render[@]}"

if [ -n "${VALIDATE:-}" ]; then
  echo "== schema validation: $VALIDATE"
  read -r -a validate <<< "$VALIDATE"
  while IFS= read -r summary; do
    target="$(dirname "$summary")"
    dirs=()
    for d in manifests rendered; do [ -d "$target/$d" ] && dirs+=("$target/$d"); done
    echo "-- $target"
    "${validate[@]}" "${dirs[@]}"
  done < <(find dist -name SUMMARY.md | sort)
fi

echo "== diff against $BASE_REF"
setup=()
if [ -n "${AIREADY_BASE_SETUP:-}" ]; then setup=(--setup "$AIREADY_BASE_SETUP"); fi
set +e
"${AIREADY[@]}" diff --base "$BASE_REF" "${render[@]}" "${setup[@]}" --format markdown > "$REVIEW_FILE"
status=$?
set -e
case "$status" in
  0) echo "no changes against $BASE_REF ($REVIEW_FILE)" ;;
  1) echo "changes against $BASE_REF: $REVIEW_FILE" ;;
  *) echo "aiready diff failed (exit $status)" >&2; exit "$status" ;;
esac
