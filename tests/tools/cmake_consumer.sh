#!/usr/bin/env bash
# cmake_consumer.sh BUILD_DIR SOURCE_DIR: installs pipecc from BUILD_DIR into a scratch prefix,
# builds tests/cmake_consumer against it with find_package(pipecc), and runs the program.
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > /dev/null
cmake -S "$source/tests/cmake_consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$work/consumer" --target consumer.yaml > /dev/null
grep -q '^kind: Workflow$' "$work/consumer/consumer.argo.yaml"
grep -q '^schemaVersion: 2.1.0$' "$work/consumer/consumer.kfp.yaml"
"$work/consumer/consumer" --engine argo | cmp - "$work/consumer/consumer.argo.yaml"
echo "find_package(pipecc) consumer built, and its consumer.yaml target compiled the pipeline to both targets"
