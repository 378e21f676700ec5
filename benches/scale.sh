#!/usr/bin/env bash
# The scale run of issue #7: a vault of 100,000 records (2 KiB testimonies) carrying 10 GiB
# of attachments (1,024 records with a 10 MiB attachment each); then open, list, search,
# check and an export of 1,000 records (100 of them with attachments, 1 GiB), each timed
# once with its peak RSS, and the disk usage against the plaintext.
# Usage: benches/scale.sh [RECORDS] [ATTACHED] [MIB_EACH]   (defaults 100000 1000 10)
# Needs 35 GB free in $BENCH_DIR (default: a fresh directory under /var/tmp, removed at end).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}; ATTACHED=${2:-1024}; MIB=${3:-10}

cargo build --release --quiet
work=${BENCH_DIR:-$(mktemp -d /var/tmp/amanat-scale.XXXXXX)}
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cp target/release/amanat "$work/amanat"
cd "$work"
A=$work/amanat
printf 'scale passphrase\n' > pass
export AMANAT_PASSPHRASE_FILE=$work/pass

t() { # t NAME CMD...: time once, print a table row
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o one "$@" >/dev/null 2>err || { cat err; exit 1; }
  read -r s k < one
  printf '| %-48s | %8s s | %8s MiB |\n' "$name" "$s" "$((k / 1024))"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
# 100 distinct attachment files, each attached to ATTACHED/100 records.
mkdir -p att texts
for i in $(seq 0 99); do head -c $((MIB << 20)) /dev/urandom > "att/$i.bin"; done
python3 - "$N" "$ATTACHED" <<'PY'
import json, random, sys
n, attached = int(sys.argv[1]), int(sys.argv[2])
random.seed(11)
vocab = ("әке лагерь Үрімші шекара паспорт отец задержали граница camp detained border "
         "school teacher family letter night police document 乌鲁木齐 拘留 ئۈرۈمچى").split()
syll = "ба ке лы ма ры са та ul ka mer dan ost pol вой ник ско ша чи ге".split()
vocab += ["".join(random.choice(syll) for _ in range(random.randint(2, 4))) for _ in range(3000)]
weights = [1.0 / (r + 1) for r in range(len(vocab))]
for i in range(10000):
    with open(f"texts/{i}.txt", "w") as f:
        f.write(" ".join(random.choices(vocab, weights, k=330))[:2048])
with open("scale.jsonl", "w") as out:
    for i in range(n):
        rec = {"title": f"Testimony {i}", "tags": ["sample"] if i < 1000 else ["scale"],
               "witness": f"W-{i % 997}", "testimony": f"texts/{i % 10000}.txt"}
        # Attachments on records 0, 10, 20, …: 100 of them among the first 1,000.
        if i % 10 == 0 and i // 10 < attached:
            rec["attachments"] = [f"att/{(i // 10) % 100}.bin"]
        out.write(json.dumps(rec) + "\n")
PY
plain_kib=$(( $(du -sk --apparent-size texts | cut -f1) * N / 10000 + ATTACHED * MIB * 1024 ))

"$A" --vault v init --kdf-work-factor 10 2>/dev/null
echo
echo "| what | time | peak RSS |"
echo "| --- | ---: | ---: |"
t "ingest $N records, $ATTACHED × $MIB MiB of attachments" "$A" --vault v ingest scale.jsonl
t "open and unlock (keys), work factor 10" "$A" --vault v keys
t "list --json" "$A" --vault v list --json
t "search (2 terms)" "$A" --vault v search "乌鲁木齐 teacher"
t "check (every part of every record)" "$A" --vault v check
"$A" --vault vp init --kdf-work-factor 10 2>/dev/null
PR=$("$A" --vault vp keys --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["recipient"])')
"$A" --vault v contact add P --recipient "$PR" 2>/dev/null
t "export 1,000 records (100 with attachments)" "$A" --vault v export --to P --tag sample -o b.amanat
ls -l b.amanat | awk '{printf "bundle: %d MiB\n", $5 / 1048576}'
vault_kib=$(du -sk v | cut -f1)
db_kib=$(du -sk v/db | cut -f1)
obj_kib=$(du -sk v/objects | cut -f1)
echo
echo "vault: $((vault_kib / 1024)) MiB on disk (database $((db_kib / 1024)) MiB, objects $((obj_kib / 1024)) MiB) for $((plain_kib / 1024)) MiB of plaintext as ingested: $(python3 -c "print(f'{$vault_kib/$plain_kib:.2f}')")x"
