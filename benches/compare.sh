#!/usr/bin/env bash
# Times amanat against the Go `age` CLI on the same data, in the same run, and prints
# medians, ratios and peak RSS. Usage: benches/compare.sh [quick]
#   quick: small sizes, for a smoke run (CI); the default sizes are the ones the issues set.
# Needs: age, age-keygen, /usr/bin/time, python3. Works in $BENCH_DIR (default: a fresh
# directory under /var/tmp, on disk, removed at the end).
set -euo pipefail
here=$(dirname "$(realpath "$0")")
cd "$here/.."

mode=${1:-full}
if [ "$mode" = quick ]; then
  BIG_MIB=64; INGEST_N=500; SCALE_N=2000; RUNS=3
else
  BIG_MIB=1024; INGEST_N=10000; SCALE_N=100000; RUNS=5
fi

cargo build --release --quiet
bin=$PWD/target/release/amanat
for t in age age-keygen python3 /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "compare.sh needs $t (apt-get install -y age time python3)"; exit 2; }
done

work=${BENCH_DIR:-$(mktemp -d /var/tmp/amanat-bench.XXXXXX)}
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cd "$work"
# A private copy, so rebuilding during a long run does not change what is measured.
cp "$bin" ./amanat
AMANAT=$work/amanat
printf 'bench passphrase\n' > pass
export AMANAT_PASSPHRASE_FILE=$work/pass
age-keygen -o key.txt 2>/dev/null
R=$(grep -o 'age1[a-z0-9]*' key.txt)

. "$here/timing.sh"
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
row() { printf '| %-44s | %9s s | %9s KiB |\n' "$1" "$(secs "$2")" "$(rss "$2")"; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); date: $(date -u +%F)"
echo "age: $(age --version); amanat: $($AMANAT --version)"
echo

# --- 1. Adding one large attachment -------------------------------------------------
head -c $((BIG_MIB << 20)) /dev/urandom > big.bin
"$AMANAT" --vault v1 init --kdf-work-factor 10 2>/dev/null
for i in $(seq "$RUNS"); do
  sync
  run age_big age -r "$R" -o big.age big.bin; rm -f big.age; sync
  run age_big_sync sh -c "age -r $R -o big.age big.bin && sync big.age"; rm -f big.age; sync
  run amanat_add "$AMANAT" --vault v1 add --title big big.bin
  id=$("$AMANAT" --vault v1 list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
  run amanat_get "$AMANAT" --vault v1 get "$id" big.bin -o big.out --force; rm -f big.out
  "$AMANAT" --vault v1 rm "$id" 2>/dev/null
done

# --- 1b. A bundle with the large attachment: export and import --------------------------
rm -rf v1
"$AMANAT" --vault v1 init --kdf-work-factor 10 2>/dev/null
SK=$("$AMANAT" --vault v1 keys --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["signing_key"])')
"$AMANAT" --vault v1 add --title big big.bin >/dev/null
for i in $(seq "$RUNS"); do
  # A fresh partner vault each run, so every import does the whole work.
  rm -rf vp
  "$AMANAT" --vault vp init --kdf-work-factor 10 2>/dev/null
  PR=$("$AMANAT" --vault vp keys --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["recipient"])')
  "$AMANAT" --vault v1 contact rm P 2>/dev/null || true
  "$AMANAT" --vault v1 contact add P --recipient "$PR" 2>/dev/null
  "$AMANAT" --vault vp contact add HQ --signing-key "$SK" 2>/dev/null
  sync
  run tar_age sh -c "tar c big.bin | age -r $R > ref.age"; sync
  run age_tar_x sh -c "mkdir -p refx && age -d -i key.txt ref.age | tar x -C refx"; rm -rf refx ref.age; sync
  run amanat_export "$AMANAT" --vault v1 export --to P --all -o b.amanat; sync
  run amanat_import "$AMANAT" --vault vp import b.amanat --from HQ
  rm -f b.amanat
done

# --- 2. Ingest of many small testimonies --------------------------------------------
python3 "$here/testimonies.py" "$INGEST_N"
for i in $(seq "$RUNS"); do
  rm -rf v2 enc; mkdir enc
  "$AMANAT" --vault v2 init --kdf-work-factor 10 2>/dev/null
  run amanat_ingest "$AMANAT" --vault v2 ingest ingest.jsonl
  run age_loop sh -c 'for f in texts/*.txt; do age -r '"$R"' -o "enc/${f#texts/}.age" "$f"; done'
done

# --- 2b. A bundle of the ingested records: export and import ----------------------------
SK2=$("$AMANAT" --vault v2 keys --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["signing_key"])')
for i in $(seq "$RUNS"); do
  rm -rf vq
  "$AMANAT" --vault vq init --kdf-work-factor 10 2>/dev/null
  QR=$("$AMANAT" --vault vq keys --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["recipient"])')
  "$AMANAT" --vault v2 contact rm Q 2>/dev/null || true
  "$AMANAT" --vault v2 contact add Q --recipient "$QR" 2>/dev/null
  "$AMANAT" --vault vq contact add HQ --signing-key "$SK2" 2>/dev/null
  rm -f many.amanat; sync
  run amanat_export_many "$AMANAT" --vault v2 export --to Q --all -o many.amanat; sync
  run amanat_import_many "$AMANAT" --vault vq import many.amanat --from HQ
  run tar_age_many sh -c "tar c texts | age -r $R > many.age"; sync
  run age_tar_x_many sh -c "mkdir -p mx && age -d -i key.txt many.age | tar x -C mx"; rm -rf mx many.age; sync
done
# Key lifecycle on the 10,000-record vault.
printf 'bench passphrase two\n' > pass2
run amanat_passwd "$AMANAT" --vault v2 passwd --kdf-work-factor 10 --new-passphrase-file pass2
mv pass2 pass
run amanat_rotate "$AMANAT" --vault v2 rotate
run amanat_check_many "$AMANAT" --vault v2 check

# --- 3. List and search at scale ----------------------------------------------------
python3 - "$SCALE_N" "$INGEST_N" <<'PY'
import json, sys
n, texts = int(sys.argv[1]), int(sys.argv[2])
with open("scale.jsonl", "w") as out:
    for i in range(n):
        out.write(json.dumps({"title": f"Testimony {i}", "tags": ["scale"], "witness": f"W-{i % 997}",
                              "testimony": f"texts/{i % texts}.txt"}) + "\n")
PY
rm -rf v3
"$AMANAT" --vault v3 init --kdf-work-factor 10 2>/dev/null
run amanat_ingest_scale "$AMANAT" --vault v3 ingest scale.jsonl
for i in $(seq "$RUNS"); do
  run amanat_unlock_only "$AMANAT" --vault v3 keys
  run amanat_list "$AMANAT" --vault v3 list --json
  run amanat_search "$AMANAT" --vault v3 search "乌鲁木齐 teacher"
done
run amanat_check_scale "$AMANAT" --vault v3 check
du_vault=$(du -sk v3 | cut -f1)
du_journal=$(du -sk v3/journal | cut -f1)
# The journal: recreate the database from it, rewrite it, and rm (which rewrites it).
run amanat_rebuild_scale "$AMANAT" --vault v3 rebuild
run amanat_rewrite_journal_scale "$AMANAT" --vault v3 rebuild --journal
one=$("$AMANAT" --vault v3 list --json | sed -n 2p | python3 -c 'import json,sys; print(json.loads(sys.stdin.read().rstrip().rstrip(","))["id"])')
run amanat_rm_scale "$AMANAT" --vault v3 rm "$one"
du_plain=$(du -sk --apparent-size texts | cut -f1)

run amanat_shred_scale "$AMANAT" --vault v3 shred --yes

# --- 4. Opening with the default (calibrated) KDF; a duress unlock ------------------------
printf 'duress passphrase\n' > dpass
head -c $((BIG_MIB << 16)) /dev/urandom > some.bin   # 1/16 of the large file: records to wipe
for i in $(seq "$RUNS"); do
  rm -rf v4
  run amanat_init_default "$AMANAT" --vault v4 init
  "$AMANAT" --vault v4 add --title t some.bin >/dev/null
  run amanat_unlock_default "$AMANAT" --vault v4 keys
  "$AMANAT" --vault v4 duress set --duress-passphrase-file dpass 2>/dev/null
  run amanat_unlock_default_duress_set "$AMANAT" --vault v4 keys
  run amanat_duress_unlock "$AMANAT" --vault v4 --passphrase-file dpass keys
done

echo "| what (median of $RUNS runs; peak RSS the max)      |      time |      peak RSS |"
echo "| --- | ---: | ---: |"
row "age -r R -o out ${BIG_MIB} MiB (no fsync)" age_big
row "age ... && sync out (durable)" age_big_sync
row "amanat add ${BIG_MIB} MiB (fsynced)" amanat_add
row "amanat get ${BIG_MIB} MiB to a file (fsynced)" amanat_get
row "tar c | age -r R, ${BIG_MIB} MiB (no fsync)" tar_age
row "amanat export, ${BIG_MIB} MiB bundle (fsynced)" amanat_export
row "age -d | tar x, ${BIG_MIB} MiB (no fsync)" age_tar_x
row "amanat import, ${BIG_MIB} MiB bundle (fsynced)" amanat_import
row "age per-file loop, $INGEST_N × 2 KiB" age_loop
row "amanat ingest, $INGEST_N × 2 KiB" amanat_ingest
row "amanat ingest, $SCALE_N records (once)" amanat_ingest_scale
row "unlock only (keys), $SCALE_N records, wf 10" amanat_unlock_only
row "list --json, $SCALE_N records" amanat_list
row "search (2 terms), $SCALE_N records" amanat_search
row "check, $SCALE_N records (once)" amanat_check_scale
row "rebuild the database from the journal, $SCALE_N records (once)" amanat_rebuild_scale
row "rebuild --journal, $SCALE_N records (once)" amanat_rewrite_journal_scale
row "rm one record of $SCALE_N (rewrites the journal; once)" amanat_rm_scale
row "export, $INGEST_N-record bundle (fsynced)" amanat_export_many
row "tar c | age -r R, $INGEST_N files (no fsync)" tar_age_many
row "import, $INGEST_N-record bundle (fsynced)" amanat_import_many
row "age -d | tar x, $INGEST_N files (no fsync)" age_tar_x_many
row "check, $INGEST_N records" amanat_check_many
row "passwd, $INGEST_N records, wf 10 (once)" amanat_passwd
row "rotate, $INGEST_N records (once)" amanat_rotate
row "shred, $SCALE_N records (once)" amanat_shred_scale
row "init, default calibrated KDF" amanat_init_default
row "unlock, default calibrated KDF (keys)" amanat_unlock_default
row "unlock, default KDF, duress set (keys)" amanat_unlock_default_duress_set
row "duress unlock: wipe + empty vault (keys)" amanat_duress_unlock
echo
echo "add throughput vs age (no fsync):   $(ratio "$(secs age_big)" "$(secs amanat_add)")x"
echo "add throughput vs age + fsync:      $(ratio "$(secs age_big_sync)" "$(secs amanat_add)")x"
echo "export vs tar | age:                $(ratio "$(secs tar_age)" "$(secs amanat_export)")x"
echo "import vs age -d | tar x:           $(ratio "$(secs age_tar_x)" "$(secs amanat_import)")x"
echo "ingest vs per-file age loop:        $(ratio "$(secs age_loop)" "$(secs amanat_ingest)")x"
echo "10k-record export vs tar c | age:  $(ratio "$(secs tar_age_many)" "$(secs amanat_export_many)")x"
echo "10k-record import vs age -d | tar x: $(ratio "$(secs age_tar_x_many)" "$(secs amanat_import_many)")x"
echo "ingest rate:                        $(python3 -c "print(int($INGEST_N/$(secs amanat_ingest)))") records/s"
echo "vault of $SCALE_N records: $du_vault KiB on disk (journal $du_journal KiB) for $INGEST_N distinct testimony texts of $du_plain KiB"
