#!/usr/bin/env bash
# Builds husk with profile-guided optimisation (see README, "Performance"):
# an instrumented build cleans a generated training crawl, with and without
# --diff, and the release build is then compiled with what it recorded
# (which branches are taken, which calls are hot). The training crawl has
# its own seed, so the bench never times the pages the profile came from.
#
#   PROSE=../shared/devset/expected bench/pgo.sh   # prints the binary's path
#
# Needs llvm-profdata of the LLVM major version rustc is built on: rustup's
# llvm-tools component, Debian's llvm-N package, or LLVM_PROFDATA=PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

PROSE=${PROSE:-../shared/devset/expected}
PAGES=${TRAIN_PAGES:-10000}
SEED=${TRAIN_SEED:-7}
WORK=${WORK:-/tmp/husk-bench}

host=$(rustc -vV | awk '/^host:/{print $2}')
major=$(rustc -vV | awk '/^LLVM version:/{split($3, v, "."); print v[1]}')
if [ -n "${LLVM_PROFDATA:-}" ]; then
  candidates=("$LLVM_PROFDATA")
else
  candidates=("$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
              "/usr/lib/llvm-$major/bin/llvm-profdata"
              "$(command -v "llvm-profdata-$major" || true)"
              "$(command -v llvm-profdata || true)")
fi
profdata=
for p in "${candidates[@]}"; do
  # A profile is read only by the LLVM that wrote it, or a newer one of
  # the same major version.
  if [ -x "$p" ] && "$p" --version 2>/dev/null | grep -q "LLVM version $major\."; then
    profdata=$p
    break
  fi
done
if [ -z "$profdata" ]; then
  echo "pgo: no llvm-profdata of LLVM $major (rustc's) in: ${candidates[*]}" >&2
  echo "pgo: install rustup's llvm-tools component or Debian's llvm-$major, or set LLVM_PROFDATA" >&2
  exit 2
fi

cargo build --release --quiet --example gen_corpus
corpus="$WORK/train-$PAGES-$SEED"
if [ ! -d "$corpus" ]; then
  mkdir -p "$WORK"
  target/release/examples/gen_corpus --out "$corpus" --pages "$PAGES" --prose "$PROSE" --seed "$SEED" >&2
fi

# With --target, RUSTFLAGS reach husk and its dependencies only, not build
# scripts and procedural macros, which the compiler runs.
build() { # TARGET_DIR RUSTFLAGS
  RUSTFLAGS="${RUSTFLAGS:-} $2" cargo build --release --quiet --bin husk --target "$host" --target-dir "$1"
}
# Outputs go to memory where there is some: deleting trees on ext4 slows
# down the next files created there (see bench/run.sh).
if [ -w /dev/shm ]; then
  scratch=$(mktemp -d -p /dev/shm husk-pgo.XXXXXX)
  trap 'rm -rf "$scratch"' EXIT
else
  # On disk, the cleanup is one that bench/run.sh waits out.
  scratch=$(mktemp -d -p "$WORK" husk-pgo.XXXXXX)
  trap 'rm -rf "$scratch"; touch "$WORK/.last-cleanup"' EXIT
fi

# The instrumented build writes its counts under raw/, emptied first.
raw=$PWD/target/pgo-gen/raw
rm -rf "$raw"
build target/pgo-gen "-Cprofile-generate=$raw"
train() { # ARGS...
  local status=0
  target/pgo-gen/"$host"/release/husk clean "$corpus" -q -j "$(nproc)" "$@" 2> /dev/null || status=$?
  # 1 only says some inputs failed, which the generated odd files may.
  [ "$status" -le 1 ] || { echo "pgo: the instrumented husk failed ($status)" >&2; exit 1; }
}
train -o "$scratch/clean"
train -o "$scratch/diff" --diff
mkdir -p target/pgo
"$profdata" merge -o "$scratch/husk.profdata" "$raw"
# Named by its content: cargo rebuilds on a change of flags, not of the
# file they name, and a new profile must reach every crate.
profile=$PWD/target/pgo/husk-$(sha256sum "$scratch/husk.profdata" | cut -c1-16).profdata
rm -f target/pgo/husk-*.profdata
mv "$scratch/husk.profdata" "$profile"
build target/pgo "-Cprofile-use=$profile"
echo "target/pgo/$host/release/husk"
