#!/usr/bin/env bash
# runner_overhead.sh [BUILD_DIR] [N]: what `pipecc run` adds per task (issue 16). It runs a chain
# of N (default 100) tasks, each a `true` container, through `pipecc run`, then the same N
# containers one by one with `podman run` and the same flags (network, mounts, env), and prints
# both wall times, the difference per task, and the runner's own CPU time from its record. Needs podman, runc and busybox-static (.ci/install-deps)
# and makes its image with tests/tools/runner_images.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
n=${2:-100}
work=$(mktemp -d /tmp/pipecc-runner-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
export CONTAINERS_CONF=$("$here/tests/tools/runner_images.sh" "$build/tests/runner-images")
image=localhost/pipecc-test/tools:2

# The chain, as KFP IR: task t<i> depends on t<i-1>.
{
  echo 'components:'
  echo '  comp-t: {executorLabel: exec-t}'
  echo 'deploymentSpec:'
  echo '  executors:'
  echo "    exec-t: {container: {image: 'busybox:1.37', command: ['true']}}"
  echo 'pipelineInfo: {name: chain}'
  echo 'root:'
  echo '  dag:'
  echo '    tasks:'
  for i in $(seq 1 "$n"); do
    deps=""
    [ "$i" -gt 1 ] && deps=", dependentTasks: [t$((i - 1))]"
    echo "      t$i: {componentRef: {name: comp-t}, taskInfo: {name: t$i}$deps}"
  done
  echo 'schemaVersion: 2.1.0'
  echo 'sdkVersion: bench'
} > "$work/chain.yaml"

now() { date +%s.%N; }
start=$(now)
"$build/pipecc" run "$work/chain.yaml" --image "busybox:1.37=$image" --pull never --root "$work/run" \
  --record "$work/record.json" > "$work/run.log"
runner=$(awk "BEGIN {print $(now) - $start}")

mkdir -p "$work/plain/out" "$work/plain/minio" "$work/plain/gcs" "$work/plain/s3" "$work/plain/ws"
start=$(now)
for i in $(seq 1 "$n"); do
  podman run --rm --pull never --network none --name "bench-$i" -v "$work/plain/out:/tmp/kfp/outputs" \
    -v "$work/plain/minio:/minio" -v "$work/plain/gcs:/gcs" -v "$work/plain/s3:/s3" \
    -v "$work/plain/ws:/kfp-workspace" --entrypoint true "$image"
done
plain=$(awk "BEGIN {print $(now) - $start}")

printf 'tasks: %d\n' "$n"
printf 'pipecc run, the chain:           %6.2f s wall\n' "$runner"
printf 'podman run, one by one:          %6.2f s wall (%.0f ms a container)\n' "$plain" "$(awk "BEGIN {print $plain * 1000 / $n}")"
printf "difference per task:             %6.1f ms wall\n" "$(awk "BEGIN {print ($runner - $plain) * 1000 / $n}")"
cpu=$(python3 -c "import json; print(json.load(open('$work/record.json'))['run']['runner_cpu_seconds'])")
printf "pipecc's own CPU per task:       %6.2f ms (%.2f s in all, containers not counted)\n" "$(awk "BEGIN {print $cpu * 1000 / $n}")" "$cpu"
