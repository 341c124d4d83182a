#!/usr/bin/env bash
# runner_images.sh OUT_DIR: makes the two local images that the `pipecc run` tests map every
# task's image to, unless podman already has them, and writes OUT_DIR/containers.conf (podman's
# settings for this kind of machine: runc, no default ulimits; see ../shared/design/engine-facts.md).
# No registry is reachable, so both are `podman import`s of root file systems made from this
# machine's own files:
#   localhost/pipecc-test/tools:2  busybox, dash, GNU date with the zone files (the resolver step), and
#                                  Debian's python3 (the examples' `python -c` components run for real);
#   localhost/pipecc-test/stub:1   busybox and a stub for each application tool (python, curl,
#                                  bq-extract, ...): it prints its arguments and writes a value
#                                  into each output path it is given.
# Prints the containers.conf path. Fails loudly (exit 1) when podman is missing: the tests that
# need it are not skipped.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
command -v podman >/dev/null || { echo "podman is not installed (.ci/install-deps installs podman, runc and busybox-static)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "/bin/busybox is missing (Debian's busybox-static)" >&2; exit 1; }
conf="$out/containers.conf"
printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' > "$conf.tmp" && mv -f "$conf.tmp" "$conf"
export CONTAINERS_CONF="$conf"
exec 9>"$out/.images.lock"
flock 9

# busybox with its applets as links in /bin.
base_rootfs() {
  mkdir -p "$1/bin" "$1/tmp" "$1/etc" "$1/usr/bin" "$1/usr/local/bin"
  cp /bin/busybox "$1/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$1/bin/$applet" ] || ln -s busybox "$1/bin/$applet"
  done
}

# A program and the shared libraries it loads, at their own paths.
copy_program() {
  local root=$1 program=$2
  mkdir -p "$root$(dirname "$program")"
  cp -L "$program" "$root$program"
  for lib in $(ldd "$program" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

make_image() {
  local name=$1 fill=$2
  podman image exists "$name" && return 0
  local root="$out/rootfs-$(basename "${name%%:*}")"
  rm -rf "$root" && mkdir -p "$root"
  base_rootfs "$root"
  "$fill" "$root"
  tar -C "$root" -cf "$root.tar" .
  podman import -q "$root.tar" "$name" >/dev/null
  rm -rf "$root" "$root.tar"
}

fill_tools() {
  # Debian's dash as /bin/sh: busybox's own shell runs its applets first, so its `date` (no GNU
  # -d parsing of RFC 3339) would shadow GNU date.
  copy_program "$1" /bin/dash
  ln -sf dash "$1/bin/sh"
  copy_program "$1" /usr/bin/date
  mkdir -p "$1/usr/share"
  cp -r /usr/share/zoneinfo "$1/usr/share/zoneinfo"
  copy_program "$1" /usr/bin/python3.11
  ln -s python3.11 "$1/usr/bin/python3"
  ln -s python3.11 "$1/usr/bin/python"
  mkdir -p "$1/usr/lib"
  tar -C /usr/lib --exclude=test --exclude=__pycache__ --exclude=idlelib --exclude=tkinter -cf - python3.11 |
    tar -C "$1/usr/lib" -xf -
}

fill_stub() {
  cat > "$1/usr/local/bin/stub" <<'EOF'
#!/bin/sh
# A stand-in for an application tool: prints how it was called, and writes a value into each
# output path among its arguments, as the real tool would.
echo "stub $(basename "$0"): $*"
for a in "$@"; do
  case "$a" in
    /tmp/kfp/outputs/*|/minio/*|/gcs/*|/s3/*)
      mkdir -p "$(dirname "$a")"
      case "$(basename "$a")" in
        rows) v=42 ;;
        stats) v='{"rows": 42}' ;;
        *) v=stub ;;
      esac
      printf '%s' "$v" > "$a" ;;
  esac
done
EOF
  chmod +x "$1/usr/local/bin/stub"
  for tool in python python3 curl bq-extract train validate-table gcloud gsutil; do
    ln -s stub "$1/usr/local/bin/$tool"
  done
}

make_image localhost/pipecc-test/tools:2 fill_tools
make_image localhost/pipecc-test/stub:1 fill_stub
echo "$conf"
