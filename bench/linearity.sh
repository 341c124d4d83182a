#!/bin/sh
# The linearity check of bench/README.md: time per task (build + emit) at N=100000 over N=1000,
# for every shape and target. Each shape runs in a process of its own, which measures both sizes
# back to back (median of 5 runs each); that repeats REPEAT times (default 5), and the ratio
# reported is the median of the repeats' ratios. A repeat's ratio compares two figures taken a
# second or two apart, so a change in the VM's speed between them moves it: on the build VM the
# same N=1000 compile takes 2.4 ms one minute and 4.5 ms another. The median of repeats leaves
# out the repeats where that happened; every repeat's ratio is printed too.
#
#   bench/linearity.sh [BENCH [REPEAT [RAW]]]
#
# BENCH defaults to build/bench/compile_bench; RAW, if given, keeps compile_bench's lines, each
# prefixed with its repeat's number.
set -eu
bench=${1:-build/bench/compile_bench}
repeat=${2:-5}
shapes="chain fanout copies fanin nested ordered"
out=${3:-$(mktemp)}
[ $# -ge 3 ] || trap 'rm -f "$out"' EXIT
: >"$out"
for r in $(seq "$repeat"); do
    for s in $shapes; do
        "$bench" --shape "$s" --n 1000,100000 | sed "s/^/$r /" >>"$out"
    done
done
# Lines: REPEAT {"shape":"chain","target":"kfp","n":1000,"build_ms":0.18,"emit_ms":2.49,...}
awk -v repeat="$repeat" '
function field(name) { return value[name] }
{
    split("", value)
    parts = split(substr($0, index($0, "{")), kv, /[{}",:]+/)
    for (i = 2; i < parts; i += 2) value[kv[i]] = kv[i + 1]
    key = field("shape") "/" field("target")
    ms = field("build_ms") + field("emit_ms")
    if (field("n") == 1000) small[$1, key] = ms; else large[$1, key] = ms
    if (!(key in seen)) { seen[key] = 1; order[++keys] = key }
}
END {
    printf "%-14s %7s %7s  %s\n", "shape/target", "median", "max", "each repeat"
    for (k = 1; k <= keys; ++k) {
        key = order[k]
        n = 0; list = ""
        for (r = 1; r <= repeat; ++r) {
            ratio = large[r, key] / 100 / small[r, key]
            v[++n] = ratio; list = list sprintf(" %.2f", ratio)
        }
        for (i = 2; i <= n; ++i) for (j = i; j > 1 && v[j - 1] > v[j]; --j) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        printf "%-14s %7.2f %7.2f %s\n", key, v[int((n + 1) / 2)], v[n], list
    }
}' "$out"
