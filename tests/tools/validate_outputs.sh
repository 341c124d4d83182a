#!/usr/bin/env bash
# validate_outputs.sh argo|kfp|schema DIR: runs a validator over every output of that kind in DIR.
# The upstream validators live in ../shared beside the checkout; without it (a user's clone) the
# test is skipped visibly (exit 77, which CTest reports as skipped).
set -euo pipefail
kind=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
shared="$here/../../../shared"
python=/usr/bin/python3
shopt -s nullglob
case $kind in
  argo) files=("$dir"/*.argo.yaml) ;;
  kfp|schema) files=("$dir"/*.kfp.yaml) ;;
  *) echo "unknown kind: $kind" >&2; exit 2 ;;
esac
[ ${#files[@]} -gt 0 ] || { echo "no $kind outputs in $dir" >&2; exit 1; }
if [ "$kind" != schema ] && [ ! -d "$shared/tools" ]; then
  echo "SKIPPED: $shared not found (a user's clone); the upstream $kind validator was not run"
  exit 77
fi
case $kind in
  argo) exec "$python" "$shared/tools/validate_argo.py" --strict --go-scalars --semantic "${files[@]}" ;;
  kfp) exec "$python" "$shared/tools/validate_kfp_ir.py" "${files[@]}" ;;
  schema) exec "$python" "$here/check_ir_schema.py" -q "${files[@]}" ;;
esac
