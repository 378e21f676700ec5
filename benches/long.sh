#!/usr/bin/env bash
# Same-run A/B of two amanat binaries where the size of database values matters: 2,000
# long testimonies (4,000 words each from a 60,000-word vocabulary, so each record has
# about 3,900 distinct words and search index segments are large), and the fixed cost of
# one command on a vault of three records (sled reads and pads its last log segment at
# every open). Prints medians of alternating runs, peak RSS, sizes and blob files left.
#
# Usage: benches/long.sh OLD_BINARY NEW_BINARY   (RUNS=5)
# Needs: python3, /usr/bin/time. Works in a fresh directory under /var/tmp (on disk).
set -euo pipefail
here=$(dirname "$(realpath "$0")")
old_bin=$(realpath "$1"); new_bin=$(realpath "$2"); RUNS=${RUNS:-5}
work=$(mktemp -d /var/tmp/amanat-long.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$old_bin" old; cp "$new_bin" new
printf 'bench passphrase\n' > pass
export AMANAT_PASSPHRASE_FILE=$work/pass

python3 - <<'PY'
import json, os, random
random.seed(9)
vocab = [f"{random.choice(['kz', 'ru', 'ug', 'zh'])}{i:05d}" for i in range(60000)]
os.makedirs("texts", exist_ok=True)
with open("long.jsonl", "w") as out:
    for i in range(2000):
        with open(f"texts/{i}.txt", "w") as f:
            f.write(" ".join(random.choices(vocab, k=4000)))
        out.write(json.dumps({"title": f"Long {i}", "testimony": f"texts/{i}.txt"}) + "\n")
PY

. "$here/timing.sh"

for b in old new; do
  ./$b --vault long$b init --kdf-work-factor 10 2>/dev/null
  run ${b}_ingest ./$b --vault long$b ingest long.jsonl
  ./$b --vault small$b init --kdf-work-factor 10 2>/dev/null
  for t in a b c; do ./$b --vault small$b add --title $t >/dev/null; done
done
for i in $(seq "$RUNS"); do
  for b in old new; do
    run ${b}_search ./$b --vault long$b search kz01234
    run ${b}_small_list ./$b --vault small$b list
    run ${b}_small_add ./$b --vault small$b add --title "run $i"
  done
done

echo "machine: $(nproc) cores; date: $(date -u +%F); median of $RUNS alternating runs"
echo "| what | old | new | new/old | peak RSS old / new (KiB) |"
echo "| --- | ---: | ---: | ---: | ---: |"
for w in ingest search small_list small_add; do
  o=$(secs old_$w); n=$(secs new_$w)
  printf '| %s | %s s | %s s | %s | %s / %s |\n' "$w" "$o" "$n" \
    "$(python3 -c "print(f'{$n/$o:.2f}' if $o > 0 else '-')")" "$(rss old_$w)" "$(rss new_$w)"
done
for b in old new; do
  echo "$b: 2,000 long testimonies: vault $(du -sk long$b | cut -f1) KiB, db $(du -sk long$b/db | cut -f1) KiB, blob files $(find long$b/db -path '*blobs/*' -type f | wc -l); 3-record vault $(du -sk small$b | cut -f1) KiB"
done
