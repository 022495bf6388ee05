#!/usr/bin/env bash
# Whole-process figures of the release desktop app under a virtual display: time from launch to
# the collaborations list shown, and resident memory (the app and its WebKit processes) once the
# demo collaboration is open. Each run starts on a fresh store (the first run installs the library
# and the demo) or, with --warm, on the store of a previous run. Record the figures in
# docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10}
scripts/deps.sh test
scripts/ui.sh
cargo build --release -q -p steward-desktop
# A store of many collaborations (five agreements each) for the list-with-health figure.
many=${MANY:-1000}
many_store="$PWD/target/bench-stores/desktop-many-$many.db"
if [ "$many" -gt 0 ] && [ ! -f "$many_store" ]; then
  mkdir -p "$(dirname "$many_store")"
  cargo run --release -q -p steward-core --example seed_many -- "$many_store.tmp" "$many"
  mv "$many_store.tmp" "$many_store"
fi
# The window needs a display: run the rest under a virtual one.
if [ -z "${STEWARD_BENCH_DISPLAY:-}" ]; then
  exec env STEWARD_BENCH_DISPLAY=1 xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
bin="$PWD/target/release/steward-desktop"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Memory of a process and all its descendants, in MiB: RSS summed, and PSS (shared pages split
# between the processes that map them, so nothing is counted twice).
tree_rss() {
  local pids=("$1") all=() p
  while ((${#pids[@]})); do
    p=${pids[0]}; pids=("${pids[@]:1}"); all+=("$p")
    mapfile -t kids < <(pgrep -P "$p" || true)
    pids+=("${kids[@]}")
  done
  local kb=0 k pss=0 q
  for p in "${all[@]}"; do
    k=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    q=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    kb=$((kb + ${k:-0})); pss=$((pss + ${q:-0}))
  done
  echo "$((kb / 1024)) $((pss / 1024))"
}

one_run() { # $1: store folder, $2: the mark to wait for
  local log="$work/log" start shown opened pid rss
  : >"$log"
  start=$(date +%s%3N)
  local envs=(STEWARD_TIMINGS=1 STEWARD_DB="$1/steward.db" XDG_DATA_HOME="$1/xdg")
  # As scripts/run.sh starts it (STEWARD_COMPOSITING=on measures WebKit's default instead).
  [ "${STEWARD_COMPOSITING:-off}" = off ] && envs+=(WEBKIT_DISABLE_COMPOSITING_MODE=1)
  env "${envs[@]}" "$bin" 2>"$log" &
  pid=$!
  for _ in $(seq 400); do grep -q "steward-timing $2 " "$log" && break; sleep 0.025; done
  shown=$(awk '/steward-timing collaborations-shown/ {print $3}' "$log")
  opened=$(awk '/steward-timing collaboration-shown/ {print $3}' "$log")
  sleep 1 # let the page settle before reading memory
  rss=$(tree_rss "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local listed; listed=$(awk '/steward-timing list-collaborations/ {print $3}' "$log" | head -1)
  echo "$((shown - start)) $(( ${opened:-$start} - start)) $rss ${listed:-0}"
}

for mode in fresh warm; do
  : >"$work/$mode.txt"
  for i in $(seq "$runs"); do
    dir="$work/store-$mode-$i"; [ "$mode" = warm ] && dir="$work/store-warm"
    mkdir -p "$dir"
    mark=collaboration-shown; [ "$mode" = warm ] && mark=collaborations-shown
    one_run "$dir" "$mark" >>"$work/$mode.txt"
  done
done
# The list of many collaborations with their health: launch to the list shown, then the list
# loaded again in the window (the app prints the time the screen took from its request).
if [ "$many" -gt 0 ]; then
  : >"$work/many.txt"
  for i in $(seq "$runs"); do
    dir="$work/store-many-$i"; mkdir -p "$dir"; cp "$many_store" "$dir/steward.db"
    one_run "$dir" collaborations-shown >>"$work/many.txt"
  done
fi
col() { awk -v c="$2" '{print $c}' "$1" | sort -n; }
median() { awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for mode in fresh warm; do
  f="$work/$mode.txt"
  printf '%s store, %s runs: launch to collaborations list shown median %s ms (min %s, max %s)' \
    "$mode" "$(wc -l <"$f")" "$(col "$f" 1 | median)" "$(col "$f" 1 | head -1)" "$(col "$f" 1 | tail -1)"
  [ "$mode" = fresh ] && printf '; demo collaboration open median %s ms' "$(col "$f" 2 | median)"
  printf '; memory of the app + its WebKit processes: PSS median %s MiB (max %s), RSS summed median %s MiB\n' \
    "$(col "$f" 4 | median)" "$(col "$f" 4 | tail -1)" "$(col "$f" 3 | median)"
done
if [ "$many" -gt 0 ]; then
  printf '%s collaborations with health, %s runs: launch to the list shown median %s ms (min %s, max %s); list screen median %s ms\n' \
    "$many" "$(wc -l <"$work/many.txt")" "$(col "$work/many.txt" 1 | median)" "$(col "$work/many.txt" 1 | head -1)" \
    "$(col "$work/many.txt" 1 | tail -1)" "$(col "$work/many.txt" 5 | median)"
fi
