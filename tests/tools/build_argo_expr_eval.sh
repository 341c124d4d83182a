#!/usr/bin/env bash
# build_argo_expr_eval.sh OUT_DIR: builds tests/tools/argo_expr_eval (the offline evaluator of
# Argo's template tags) into OUT_DIR/argo_expr_eval, unless it is already up to date, and prints
# its path. It uses Debian's golang-go, golang-github-masterminds-sprig-dev and
# golang-github-antonmedv-expr-dev (see .ci/install-deps) and nothing from the network: a GOPATH
# folder inside OUT_DIR links the import paths sprig v3 uses to Debian's copies, and the Go
# cache lives in OUT_DIR too. Exit 77 (skipped) when Go or those packages are missing.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
src=$(cd "$(dirname "$0")/argo_expr_eval" && pwd)
gocode=/usr/share/gocode/src
missing=()
command -v go >/dev/null || missing+=(golang-go)
[ -d "$gocode/github.com/Masterminds/sprig" ] && [ -d "$gocode/github.com/Masterminds/semver" ] ||
  missing+=(golang-github-masterminds-sprig-dev)
[ -d "$gocode/github.com/antonmedv/expr" ] || missing+=(golang-github-antonmedv-expr-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "SKIPPED: missing Debian packages ${missing[*]} (installed by .ci/install-deps)" >&2
  exit 77
fi
binary="$out/argo_expr_eval"
exec 9>"$out/.build.lock"
flock 9
if [ -x "$binary" ] && [ "$binary" -nt "$src/main.go" ] && [ "$binary" -nt "$0" ]; then
  echo "$binary"
  exit 0
fi
gopath="$out/gopath"
mkdir -p "$gopath/src/github.com/Masterminds/sprig" "$gopath/src/github.com/Masterminds/semver"
ln -sfn "$gocode/github.com/Masterminds/sprig" "$gopath/src/github.com/Masterminds/sprig/v3"
ln -sfn "$gocode/github.com/Masterminds/semver" "$gopath/src/github.com/Masterminds/semver/v3"
(
  cd "$src"
  env GOPATH="$gopath:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOENV=off CGO_ENABLED=0 \
      GOCACHE="$out/gocache" GOTMPDIR= \
      go build -o "$binary.tmp" .
)
mv -f "$binary.tmp" "$binary"
echo "$binary"
