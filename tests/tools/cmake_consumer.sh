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
cmake --build "$work/consumer" > /dev/null
"$work/consumer/consumer" --target argo | grep -q '^kind: Workflow$'
"$work/consumer/consumer" --target kfp | grep -q '^schemaVersion: 2.1.0$'
echo "find_package(pipecc) consumer built and compiled its pipeline to both targets"
