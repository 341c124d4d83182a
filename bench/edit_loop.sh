#!/usr/bin/env bash
# edit_loop.sh [BUILD_DIR]: what one edit of a pipeline costs its user (issue 17).
#
# Installs pipecc from BUILD_DIR (default: build) into a scratch prefix, makes a project of
# examples/daily_prediction.cpp with find_package(pipecc) and pipecc_add_pipeline, builds it once,
# then RUNS times (default 5): touches the source and runs `cmake --build --target daily.yaml`,
# which recompiles, relinks and writes daily.kfp.yaml and daily.argo.yaml. It prints the median
# CPU (user + sys, of cmake and everything it ran) and wall time. Where the kfp SDK is installed,
# it times as many cold compiles of the same pipeline written with kfp (a fresh python3 each:
# bench/daily_prediction_kfp.py) and prints the ratio.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" > /dev/null
mkdir "$work/project"
cp "$root/examples/daily_prediction.cpp" "$work/project/daily.cpp"
cat > "$work/project/CMakeLists.txt" << 'EOF'
cmake_minimum_required(VERSION 3.20)
project(daily LANGUAGES CXX)
find_package(pipecc REQUIRED)
pipecc_add_pipeline(daily daily.cpp)
EOF
cmake -S "$work/project" -B "$work/b" -DCMAKE_PREFIX_PATH="$work/prefix" > /dev/null
cmake --build "$work/b" --target daily.yaml > /dev/null  # the first build also makes the PCH

# median FILE: the median of the numbers in FILE, one per line.
median() { sort -n "$1" | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# time_runs NAME COMMAND...: runs COMMAND `runs` times (after `touch`ing the source), collecting
# CPU and wall seconds into $work/NAME.cpu and $work/NAME.wall.
time_runs() {
  local name=$1
  shift
  : > "$work/$name.cpu"
  : > "$work/$name.wall"
  for _ in $(seq "$runs"); do
    touch "$work/project/daily.cpp"
    /usr/bin/time -f "%U %S %e" -o "$work/t" "$@" > /dev/null
    awk '{printf "%.2f\n", $1 + $2}' "$work/t" >> "$work/$name.cpu"
    awk '{print $3}' "$work/t" >> "$work/$name.wall"
  done
}

time_runs pipecc cmake --build "$work/b" --target daily.yaml
test -s "$work/b/daily.kfp.yaml" && test -s "$work/b/daily.argo.yaml"
pipecc_cpu=$(median "$work/pipecc.cpu")
echo "pipecc edit loop (touch, rebuild, emit both targets), median of $runs: CPU ${pipecc_cpu} s, wall $(median "$work/pipecc.wall") s"

if /usr/bin/python3 -c 'import kfp' 2> /dev/null; then
  time_runs kfp /usr/bin/python3 "$root/bench/daily_prediction_kfp.py" "$work/kfp.yaml"
  kfp_cpu=$(median "$work/kfp.cpu")
  echo "kfp $(/usr/bin/python3 -c 'import kfp; print(kfp.__version__)') cold compile, median of $runs: CPU ${kfp_cpu} s, wall $(median "$work/kfp.wall") s"
  awk -v p="$pipecc_cpu" -v k="$kfp_cpu" 'BEGIN {printf "kfp / pipecc CPU: %.1fx\n", k / p}'
else
  echo "kfp: not installed here, so not measured (pip install kfp, then run this again)"
fi
