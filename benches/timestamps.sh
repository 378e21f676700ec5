#!/usr/bin/env bash
# Trusted timestamps (issue #22), same run: on a vault of N records (about 2 KiB each, so
# N + a few log events), the cost of `amanat timestamp` (the Merkle tree over every event
# and its signature, the request, the token's checks, the event) and of `audit --verify`
# with a token in the log, beside the reference a user would pick instead: `openssl ts
# -query` over a file of the log's size, the same local authority over HTTP (curl), and
# `openssl ts -verify` of the answer. Also export of N records with and without an
# authority configured. Runs alternate; medians of RUNS.
#
# Usage: benches/timestamps.sh AMANAT_BINARY [RECORDS]   (default 10,000; RUNS=5)
# Needs: openssl, curl, python3, /usr/bin/time, age-keygen.
set -euo pipefail
here=$(dirname "$(realpath "$0")")
bin=$(realpath "$1"); N=${2:-10000}; RUNS=${RUNS:-5}
for t in openssl curl python3 /usr/bin/time age-keygen; do
  command -v "$t" >/dev/null || { echo "timestamps.sh needs $t"; exit 2; }
done
work=$(mktemp -d /var/tmp/amanat-stamps.XXXXXX)
tsa_pid=
trap '[ -n "$tsa_pid" ] && kill "$tsa_pid"; rm -rf "$work"' EXIT
cd "$work"
cp "$bin" amanat
printf 'bench passphrase\n' > pass
export AMANAT_PASSPHRASE_FILE=$work/pass
python3 "$here/testimonies.py" "$N"
. "$here/timing.sh"

./amanat tsa local-authority "$work/tsa" > tsa.out 2>/dev/null &
tsa_pid=$!
while [ "$(wc -l < tsa.out)" -lt 2 ]; do sleep 0.1; done
url=$(sed -n 1p tsa.out); ca=$(sed -n 2p tsa.out)

./amanat --vault v init --kdf-work-factor 10 2>/dev/null
./amanat --vault v ingest ingest.jsonl >/dev/null
age-keygen -o key.txt 2>/dev/null
./amanat --vault v contact add P --recipient "$(grep -o 'age1[a-z0-9]*' key.txt)" >/dev/null 2>&1
# Export without an authority first, then with one, alternating by adding and removing it.
cp -a v plain
./amanat --vault v tsa add Local "$url" --cert "$ca" 2>/dev/null
# The reference's input: a file as large as the log's signed events.
head -c "$(( N * 700 ))" /dev/urandom > log-sized.bin

for i in $(seq "$RUNS"); do
  run stamp ./amanat --vault v timestamp --tsa Local
  run verify ./amanat --vault v audit --verify
  run ref_ts sh -c "openssl ts -query -data log-sized.bin -sha256 -cert -out q.tsq 2>/dev/null &&
    curl -s -H 'Content-Type: application/timestamp-query' --data-binary @q.tsq '$url' -o r.tsr &&
    openssl ts -verify -in r.tsr -queryfile q.tsq -CAfile '$ca' >/dev/null 2>&1"
  rm -f a.amanat b.amanat; sync
  run export_plain ./amanat --vault plain export --to P --all -o a.amanat
  run export_stamped ./amanat --vault v export --to P --all -o b.amanat
done

echo "machine: $(nproc) cores; $(date -u +%F); $N records of about 2 KiB; medians of $RUNS runs"
echo
printf '| %-40s | %10s | %10s |\n' what seconds "peak RSS"
printf '| %-40s | %10s | %10s |\n' --- ---: ---:
for w in stamp verify ref_ts export_plain export_stamped; do
  printf '| %-40s | %8s s | %6s KiB |\n' "$w" "$(secs $w)" "$(rss $w)"
done
echo
echo "timestamp / reference: $(python3 -c "print(f'{$(secs stamp)/$(secs ref_ts):.1f}')");" \
  "export with / without an authority: $(python3 -c "print(f'{$(secs export_stamped)/$(secs export_plain):.2f}')")"
