#!/usr/bin/env bash
# Same-run A/B of two amanat binaries on a vault where every record has an attachment stored
# as an object file: what format 3's padding costs on disk, and what setting every object's
# times at the close of a writing command (FORMAT.md 6.2) costs `add`, `rm` and `ingest`
# when the vault holds N objects. Runs alternate old and new; medians side by side.
#
# Usage: benches/objects.sh OLD_BINARY NEW_BINARY [RECORDS]   (default 100,000; RUNS=5)
# Needs: python3, /usr/bin/time. Works in a fresh directory under /var/tmp (on disk).
set -euo pipefail
here=$(dirname "$(realpath "$0")")
old_bin=$(realpath "$1"); new_bin=$(realpath "$2"); N=${3:-100000}; RUNS=${RUNS:-5}
work=$(mktemp -d /var/tmp/amanat-objects.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$old_bin" old; cp "$new_bin" new
printf 'bench passphrase\n' > pass
export AMANAT_PASSPHRASE_FILE=$work/pass

# 1,000 distinct attachments of 17-48 KiB (over the 16 KiB inline limit: objects), reused.
python3 - "$N" <<'PY'
import json, os, random, sys
n = int(sys.argv[1]); random.seed(11)
os.makedirs("att", exist_ok=True)
for i in range(1000):
    with open(f"att/{i}.bin", "wb") as f:
        f.write(os.urandom(random.randint(17 * 1024, 48 * 1024)))
with open("t.txt", "w") as f:
    f.write("Мен Үрімшіде ұсталдым. " * 20)
with open("objects.jsonl", "w") as out:
    for i in range(n):
        out.write(json.dumps({"title": f"Scan {i}", "testimony": "t.txt",
                              "attachments": [f"att/{i % 1000}.bin"]}) + "\n")
PY
head -c 70000 /dev/urandom > one.bin

. "$here/timing.sh"
# As timing.sh's run, keeping each command's output in NAME.out.
run() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$name.one" "$@" >"$name.out" 2>"$name.err" || { cat "$name.err"; exit 1; }
  cat "$name.one" >> "$name.times"
}

for b in old new; do
  ./$b --vault v$b init --kdf-work-factor 10 2>/dev/null
  run ${b}_ingest ./$b --vault v$b ingest objects.jsonl
done
for i in $(seq "$RUNS"); do
  for b in old new; do
    run ${b}_add ./$b --vault v$b add --title "one more" --testimony t.txt one.bin
    id=$(cat ${b}_add.out)
    run ${b}_get ./$b --vault v$b get "$id" one.bin -o /dev/null
    run ${b}_rm ./$b --vault v$b rm "$id"
  done
done
du_old=$(du -sk vold/objects | cut -f1); du_new=$(du -sk vnew/objects | cut -f1)
db_old=$(du -sk vold/db | cut -f1); db_new=$(du -sk vnew/db | cut -f1)
att=$(du -sk att | cut -f1)

echo "machine: $(nproc) cores, $(uname -r); date: $(date -u +%F); $N records with an attachment each, median of $RUNS alternating runs"
echo "| what | old | new | new/old | peak RSS old / new (KiB) |"
echo "| --- | ---: | ---: | ---: | ---: |"
for w in ingest add get rm; do
  o=$(secs old_$w); n=$(secs new_$w)
  printf '| %s | %s s | %s s | %s | %s / %s |\n' "$w" "$o" "$n" \
    "$(python3 -c "print(f'{$n/$o:.2f}' if $o > 0 else '-')")" "$(rss old_$w)" "$(rss new_$w)"
done
printf '| objects/ on disk (KiB) | %s | %s | %s | |\n' "$du_old" "$du_new" \
  "$(python3 -c "print(f'{$du_new/$du_old:.3f}')")"
printf '| db/ on disk (KiB) | %s | %s | %s | |\n' "$db_old" "$db_new" \
  "$(python3 -c "print(f'{$db_new/$db_old:.3f}')")"
echo "| the 1,000 distinct attachments (KiB, for scale) | $att | | | |"
