#!/usr/bin/env bash
# Whole-process benchmarks of the release `steward` binary, against the real Secret Service
# (a private gnome-keyring on a private session bus). Prints hyperfine's figures; record them in
# docs/PERFORMANCE.md. In-process benchmarks: cargo bench -p steward-clauses -p steward-sign.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
dpkg -s hyperfine >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hyperfine >/dev/null; }
cargo build --release -q -p steward-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export STEWARD_DB="$work/steward.db" XDG_DATA_HOME="$work/xdg"
bin="$PWD/target/release/steward"
keyctl session - dbus-run-session -- sh -c "
  printf %s bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cd '$work'
  '$bin' demo >/dev/null
  '$bin' identity new --name 'Samuel Okafor' --email s@northmoor.ac.uk --org 'The University of Northmoor' >/dev/null
  '$bin' identity new --name 'Jonas Weidlich' --email j@ferrant-cryo.de --org 'Ferrant Cryogenics GmbH' >/dev/null
  '$bin' agreement export 4 --out once.pdf --sign 1
  '$bin' sign once.pdf --identity 2 --out twice.pdf >/dev/null
  pdfinfo twice.pdf | grep -E '^(Pages|File size)'
  hyperfine --warmup 5 --runs 60 -N --export-json '$work/h.json' \
    '$bin agreement export 4 --out unsigned.pdf' \
    '$bin agreement export 4 --out signed.pdf --sign 1' \
    '$bin verify twice.pdf' \
    '$bin agreement render 4 --format text --out collab.txt' \
    '$bin ledger report --collab 1 --currency GBP --json' \
    '$bin decision verify --collab 1'
  # Partner exchange: a partner's signed answer to the demo collaboration agreement (one value
  # changed), imported into a fresh copy of our store each run: verify, read, compare.
  '$bin' agreement export 4 --out to-partner.pdf --sign 1 >/dev/null
  STEWARD_DB=partner.db '$bin' init >/dev/null
  STEWARD_DB=partner.db '$bin' exchange import to-partner.pdf >/dev/null 2>&1
  STEWARD_DB=partner.db '$bin' agreement set 1 --set governing_law='Scotland' >/dev/null
  STEWARD_DB=partner.db '$bin' identity new --name 'Aiko Tanabe' --email a@kaminokawa-tech.ac.jp >/dev/null
  STEWARD_DB=partner.db '$bin' agreement export 1 --out answer.pdf --sign 1 >/dev/null
  cp '$work/steward.db' base.db
  hyperfine --warmup 3 --runs 40 -N --export-json '$work/x.json' \
    --prepare 'cp $work/base.db $work/steward.db' \
    '$bin exchange import answer.pdf'
  '$bin' exchange import answer.pdf >/dev/null 2>&1
  # (received draft 1 is the demo's own Word draft; the partner's answer is 2)
  hyperfine --warmup 3 --runs 40 -N --export-json '$work/y.json' '$bin exchange show 2 --format json'
  # The Word round trip: the demo collaboration agreement as .docx, a partner's plain edit in it
  # (made on the XML, as Word saves it), imported into a fresh copy of the store each run and then
  # redlined.
  '$bin' agreement export 4 --format docx --out rca.docx >/dev/null
  python3 -c \"
import zipfile
src = zipfile.ZipFile('rca.docx')
out = zipfile.ZipFile('rca-edited.docx', 'w', zipfile.ZIP_DEFLATED)
for item in src.infolist():
    data = src.read(item.filename)
    if item.filename == 'word/document.xml':
        data = data.replace(b'Background remains the property', b'Background always remains the property', 1)
    out.writestr(item, data)
out.close()
\"
  cp '$work/steward.db' word-base.db
  hyperfine --warmup 3 --runs 40 -N --export-json '$work/w.json' \
    '$bin agreement export 4 --format docx --out rca2.docx' \
    --prepare 'cp $work/word-base.db $work/steward.db' \
    '$bin exchange import rca-edited.docx'
  '$bin' exchange import rca-edited.docx >/dev/null 2>&1
  hyperfine --warmup 3 --runs 40 -N --export-json '$work/v.json' '$bin exchange show 3 --format json'
"
# Medians: this kind of machine is noisy, and a median is what a user feels.
python3 -c "
import json
import os
results = json.load(open('$work/h.json'))['results']
for extra in ('$work/x.json', '$work/y.json', '$work/w.json', '$work/v.json'):
    if os.path.exists(extra):
        results += json.load(open(extra))['results']
for r in results:
    print('%-60s median %6.1f ms  min %6.1f ms' % (r['command'].split('steward ', 1)[-1], r['median'] * 1000, r['min'] * 1000))"
