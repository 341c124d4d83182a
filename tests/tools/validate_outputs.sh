#!/usr/bin/env bash
# validate_outputs.sh argo|kfp|schema DIR: runs a validator over every output of that kind in DIR.
# Argo outputs are checked against the schemas of the engines they were compiled for:
# NAME.argo.yaml (the default, argo@4.1, byte-identical to argo@3.6, 3.7 and 4.0: see
# tests/engine_profile_test.cpp) against v4.1.2 and v3.7.18; NAME.argo-kfp-1.8.yaml (KFP 1.8
# runs Argo 3.1.6) against v3.5.15, the oldest schema at hand.
# The upstream validators live in ../shared beside the checkout; without it (a user's clone) the
# test is skipped visibly (exit 77, which CTest reports as skipped).
set -euo pipefail
kind=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
shared="$here/../../../shared"
python=/usr/bin/python3
shopt -s nullglob
case $kind in
  argo) files=("$dir"/*.argo*.yaml) ;;
  kfp|schema) files=("$dir"/*.kfp.yaml) ;;
  *) echo "unknown kind: $kind" >&2; exit 2 ;;
esac
[ ${#files[@]} -gt 0 ] || { echo "no $kind outputs in $dir" >&2; exit 1; }
if [ "$kind" != schema ] && [ ! -d "$shared/tools" ]; then
  echo "SKIPPED: $shared not found (a user's clone); the upstream $kind validator was not run"
  exit 77
fi
case $kind in
  kfp) exec "$python" "$shared/tools/validate_kfp_ir.py" "${files[@]}" ;;
  schema) exec "$python" "$here/check_ir_schema.py" -q "${files[@]}" ;;
esac
v35=() v37=() v41=()
for f in "${files[@]}"; do
  case $f in
    *.argo-kfp-1.8.yaml) v35+=("$f") ;;
    *) v41+=("$f"); v37+=("$f") ;;
  esac
done
argo() {
  local schema=$1; shift
  [ $# -eq 0 ] && return 0
  "$python" "$shared/tools/validate_argo.py" --strict --go-scalars --semantic \
    --schema "$shared/reference/argo/argo-workflows-$schema.schema.json" "$@"
}
argo v3.5.15 "${v35[@]}"
argo v3.7.18 "${v37[@]}"
argo v4.1.2 "${v41[@]}"
