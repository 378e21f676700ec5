#!/usr/bin/env bash
# `amanat serve` at N records (default 100,000 testimonies of ~2 KiB, testimonies.py): the
# server-side time of the first page of the record list and of one search-as-you-type
# request (a POST of the search box, as htmx sends it), each RUNS times, alternating, with
# curl's time_total on loopback. Medians, and the server's peak RSS.
#
# Usage: benches/web.sh AMANAT_BINARY   (N=100000 RUNS=11)
set -euo pipefail
here=$(dirname "$(realpath "$0")")
bin=$(realpath "$1"); N=${N:-100000}; RUNS=${RUNS:-11}
work=$(mktemp -d /var/tmp/amanat-web.XXXXXX)
spid=
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
printf 'bench passphrase for the web\n' > pass
"$bin" --vault v --passphrase-file pass init --kdf-work-factor 10 --allow-weak-passphrase >/dev/null 2>&1
python3 "$here/testimonies.py" "$N"
"$bin" --vault v --passphrase-file pass ingest ingest.jsonl >/dev/null 2>&1
"$bin" --vault v serve --port 0 > url 2>/dev/null &
spid=$!
for _ in $(seq 100); do [ -s url ] && break; sleep 0.1; done
url=$(head -1 url); host=${url%%/\?*}
entry=$(curl -s -i "$url")
cookie=$(echo "$entry" | grep -o 'amanat-session=[0-9a-f]*')
# Every address of the run is under the prefix the entry redirects to.
base=$host$(echo "$entry" | grep -i '^location:' | tr -d '\r' | awk '{print $2}' | sed 's|/$||')
csrf=$(curl -s -b "$cookie" "$base/" | grep -o 'name="csrf-token" content="[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
# The passphrase file ends in a newline, which the form would not send.
curl -s -o /dev/null -b "$cookie" -X POST "$base/unlock?csrf=$csrf" --data-urlencode "passphrase=bench passphrase for the web"
t() { curl -s -o /dev/null -w '%{time_total}\n' -b "$cookie" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
[ "$(curl -s -o /dev/null -w '%{http_code}' -b "$cookie" "$base/records")" = 200 ] || { echo "not unlocked"; exit 1; }
: > list.t; : > search.t
for _ in $(seq "$RUNS"); do
  t "$base/records" >> list.t
  t -X POST -H "X-CSRF-Token: $csrf" -H "HX-Request: true" --data "q=detained" "$base/records" >> search.t
done
rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$spid/status")
echo "| records | first page of the list | search as you type (one keystroke) | serve peak RSS |"
echo "| --- | --- | --- | --- |"
printf '| %d | %.0f ms | %.0f ms | %d MiB |\n' "$N" "$(median < list.t | awk '{print $1 * 1000}')" \
  "$(median < search.t | awk '{print $1 * 1000}')" "$rss"
