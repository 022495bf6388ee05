#!/usr/bin/env bash
# Runs fuzz targets from a seed corpus of real files (the demo's signed PDFs and the attack corpus
# made from them, drafts, the ledger CSV, the exported log, the shipped templates).
#   scripts/fuzz.sh                      every target, 60 s each
#   scripts/fuzz.sh pdf_changes 600      one target for ten minutes
# Findings land in fuzz/artifacts/TARGET/; the grown corpus in target/fuzz-corpus/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked --quiet
seeds=target/fuzz-seeds
[ -d "$seeds/word_file" ] || cargo run -q -p steward-core --example fuzz_seeds -- "$seeds"
targets=("${1:-all}")
[ "${targets[0]}" = all ] && targets=(template_file vars_file condition ledger_csv decision_log embedded_draft partner_pdf pdf_structure pdf_changes sanctions_list questionnaire obligation_rules exit_record library_release timestamp_token word_file)
secs="${2:-60}"
cd fuzz
for t in "${targets[@]}"; do
  corpus="../target/fuzz-corpus/$t"
  mkdir -p "$corpus"
  echo "== $t: ${secs}s"
  # No sanitizer: the code is #![forbid(unsafe_code)], and the build is many times faster.
  RUSTC_BOOTSTRAP=1 cargo fuzz run -s none "$t" "$corpus" "../$seeds/$t" -- \
    -max_total_time="$secs" -max_len=1048576 -rss_limit_mb=4096 -print_final_stats=1 2>&1 |
    grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+== ERROR|SUMMARY|artifact_prefix|Test unit written)" || true
done
