#!/usr/bin/env bash
# Times husk against a copy floor on a generated crawl (see README,
# "Performance"). Interleaved rounds (floor, clean, clean --diff, floor, …),
# each run into a fresh folder after a `sync`; nothing is deleted until the
# timing is over, since re-creating a tree right after `rm -rf` is slower on
# ext4 and would bias whichever command runs later.
#
#   PAGES=100000 ROUNDS=5 JOBS=2 PROSE=../shared/devset/expected bench/run.sh
#
# It first waits until SETTLE seconds (default 480) have passed since the
# previous run deleted its outputs (see below).
#
# PGO=1 also builds husk with profile-guided optimisation (bench/pgo.sh,
# which needs llvm-profdata) and times that build too, in the same rounds.
#
# CACHE=cold drops the page cache before each timed run (needs root), so
# that every command reads the corpus from disk, as a crawl just copied in
# or left idle would be; the default, warm, times the work on cached files.
set -euo pipefail
cd "$(dirname "$0")/.."

PAGES=${PAGES:-100000}
ROUNDS=${ROUNDS:-5}
JOBS=${JOBS:-$(nproc)}
SEED=${SEED:-42}
PROSE=${PROSE:-../shared/devset/expected}
WORK=${WORK:-/tmp/husk-bench}
CACHE=${CACHE:-warm}
case "$CACHE" in
  warm) ;;
  cold) [ -w /proc/sys/vm/drop_caches ] || { echo "bench: CACHE=cold needs to write /proc/sys/vm/drop_caches (root)" >&2; exit 2; } ;;
  *) echo "bench: CACHE must be warm or cold, not '$CACHE'" >&2; exit 2 ;;
esac

cargo build --release --quiet --bin husk --example gen_corpus --example copy_floor
# Each husk build is timed as clean and diff, with a suffix for the PGO one.
builds="target/release/husk"
names="floor clean diff"
if [ "${PGO:-0}" = 1 ]; then
  builds="$builds $(bench/pgo.sh)"
  names="$names clean-pgo diff-pgo"
fi

# Files created within minutes of deleting a large tree are much slower to
# create (ext4 skips inodes freed in the last minutes, one by one), and
# every run ends by deleting its outputs: wait until SETTLE seconds have
# passed since the last run's cleanup (on this machine the floor went from
# 3.3-3.9 s to 1.5 s about eight minutes after one). SETTLE=0 does not wait.
SETTLE=${SETTLE:-480}
stamp="$WORK/.last-cleanup"
if [ -f "$stamp" ] && [ "$SETTLE" -gt 0 ]; then
  left=$(( $(stat -c %Y "$stamp") + SETTLE - $(date +%s) ))
  if [ "$left" -gt 0 ]; then
    echo "bench: the last run's cleanup was under ${SETTLE}s ago; waiting ${left}s for the file system to settle (SETTLE=0 to skip)" >&2
    sleep "$left"
  fi
fi
corpus="$WORK/corpus-$PAGES-$SEED"
if [ ! -d "$corpus" ]; then
  target/release/examples/gen_corpus --out "$corpus" --pages "$PAGES" --prose "$PROSE" --seed "$SEED"
fi
bytes=$(du -sb "$corpus" | cut -f1)
files=$(find "$corpus" -type f | wc -l)

runs="$WORK/runs-$$"
mkdir -p "$runs"
times="$runs/times"
: > "$times"
# Each line of $times: NAME WALL RSS USER SYS and WALL over its round's
# floor (the floor runs first in each round).
round_floor=1
timed() { # NAME COMMAND...
  local name=$1; shift
  # Each command starts with nothing left to write back: the previous one's
  # dirty pages would otherwise be flushed (and throttle writers) during it.
  sync
  if [ "$CACHE" = cold ]; then echo 3 > /proc/sys/vm/drop_caches; fi
  /usr/bin/time -f "%e %M %U %S" -o "$runs/t" "$@" > /dev/null 2> "$runs/stderr" || {
    echo "bench: $name failed:" >&2; cat "$runs/stderr" >&2; exit 1; }
  local wall; wall=$(cut -d' ' -f1 "$runs/t")
  [ "$name" = floor ] && round_floor=$wall
  echo "$name $(cat "$runs/t") $(echo "$wall / $round_floor" | bc -l)" >> "$times"
}
# CPU time the hypervisor gave to other guests while this VM wanted it
# ("steal", in clock ticks): a noisy neighbour shows here, not in the table.
steal() { awk '/^cpu /{print $9 + 0}' /proc/stat 2>/dev/null || echo 0; }
steal_before=$(steal)
for r in $(seq 1 "$ROUNDS"); do
  timed floor target/release/examples/copy_floor "$corpus" "$runs/floor-$r" --jobs "$JOBS"
  suffix=
  for husk in $builds; do
    timed "clean$suffix" "$husk" clean "$corpus" -o "$runs/clean$suffix-$r" -q -j "$JOBS"
    timed "diff$suffix" "$husk" clean "$corpus" -o "$runs/diff$suffix-$r" -q -j "$JOBS" --diff
    suffix=-pgo
  done
done

steal_after=$(steal)

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
floor=$(awk '$1=="floor"{print $2}' "$times" | median)
printf '\n%s pages (%s files, %.1f MB), %s threads, %s rounds, %s page cache, medians:\n\n' "$PAGES" "$files" "$(echo "$bytes / 1000000" | bc -l)" "$JOBS" "$ROUNDS" "$CACHE"
printf '| %-24s | %8s | %8s | %9s | %12s | %8s | %8s | %8s |\n' command "wall s" "MB/s" "files/s" "peak RSS MB" "× floor" "user s" "sys s"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------------------------- ---------- ---------- ----------- -------------- ---------- ---------- ----------
for name in $names; do
  secs=$(awk -v n=$name '$1==n{print $2}' "$times" | median)
  rss=$(awk -v n=$name '$1==n{print $3}' "$times" | median)
  usr=$(awk -v n=$name '$1==n{print $4}' "$times" | median)
  sys=$(awk -v n=$name '$1==n{print $5}' "$times" | median)
  case $name in
    floor) label="copy floor" ;;
    clean) label="husk clean" ;;
    diff) label="husk clean --diff" ;;
    clean-pgo) label="husk clean (PGO)" ;;
    diff-pgo) label="husk clean --diff (PGO)" ;;
  esac
  awk -v l="$label" -v s="$secs" -v r="$rss" -v b="$bytes" -v f="$files" -v fl="$floor" -v u="$usr" -v y="$sys" 'BEGIN {
    printf "| %-24s | %8.2f | %8.1f | %9.0f | %12.1f | %8.2f | %8.2f | %8.2f |\n", l, s, b/1e6/s, f/s, r/1024, s/fl, u, y }'
done
# Each round too, each run against its own round's floor: one slow run
# (the file system busy with something else) shows here rather than only
# shifting a median, and a round where the file system slowed every
# command reads differently from one where only husk was slower.
printf '\nEach run (wall s, user s, sys s, × its round'"'"'s floor, in order):\n'
awk '{ printf "  %-9s %6.2f %6.2f %6.2f %6.2f\n", $1, $2, $4, $5, $6 }' "$times"
printf '\nMedian of the per-round ratios:'
for name in $names; do
  [ "$name" = floor ] && continue
  r=$(awk -v n="$name" '$1 == n { print $6 }' "$times" | median)
  printf ' %s %.2f×' "$name" "$r"
done
echo
printf '\nCPU time stolen by the hypervisor during the timing: %.1f s\n' \
  "$(echo "($steal_after - $steal_before) / $(getconf CLK_TCK)" | bc -l)"
# Freed inodes stay "recently deleted" for minutes and slow down creating
# files on ext4: a run started right after this one finds a slower floor.
echo
echo "bench: removing $runs; the next run waits until the file system has settled"
rm -rf "$runs"
sync
mkdir -p "$WORK" && touch "$stamp"
