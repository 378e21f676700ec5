#!/usr/bin/env bash
# Same-run A/B of two amanat binaries on the paths whose cost a change may move: list,
# search (a Latin and Chinese query, and a Kazakh Cyrillic one), an id typed as a prefix,
# check, rebuild --journal and rebuild (which read or write the whole database), rm (which
# erases: the journal and the database are rewritten), and the first unlock of a vault the
# old binary wrote (a format migration, if any). Runs alternate old and new, and the
# medians (and the largest peak RSS) are printed side by side.
#
# Usage: benches/ab.sh OLD_BINARY NEW_BINARY [RECORDS]   (default 100,000; RUNS=5)
# Needs: python3, /usr/bin/time. Works in a fresh directory under /var/tmp (on disk).
set -euo pipefail
here=$(dirname "$(realpath "$0")")
old_bin=$(realpath "$1"); new_bin=$(realpath "$2"); N=${3:-100000}; RUNS=${RUNS:-5}
work=$(mktemp -d /var/tmp/amanat-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$old_bin" old; cp "$new_bin" new
printf 'bench passphrase\n' > pass
export AMANAT_PASSPHRASE_FILE=$work/pass

python3 - "$N" <<'PY'
import json, os, random, sys
n = int(sys.argv[1]); random.seed(7); texts = max(1, n // 10)
vocab = ("әке лагерь Үрімші шекара паспорт отец задержали граница camp detained border "
         "school teacher family letter night police document 乌鲁木齐 拘留 ئۈرۈمچى").split()
vocab += [f"w{i}" for i in range(3000)]
os.makedirs("texts", exist_ok=True)
for i in range(texts):
    with open(f"texts/{i}.txt", "w") as f:
        f.write(" ".join(random.choices(vocab, k=330))[:2048])
with open("scale.jsonl", "w") as out:
    for i in range(n):
        out.write(json.dumps({"title": f"Testimony {i}", "tags": ["scale"], "witness": f"W-{i % 997}",
                              "testimony": f"texts/{i % texts}.txt"}) + "\n")
PY

. "$here/timing.sh"
ids() { ./"$1" --vault "$2" list --json | python3 -c 'import json,sys; print("\n".join(r["id"] for r in json.load(sys.stdin)))'; }

for b in old new; do
  ./$b --vault v$b init --kdf-work-factor 10 2>/dev/null
  run ${b}_ingest ./$b --vault v$b ingest scale.jsonl
done
# The first unlock by the new binary of a vault the old one wrote (a copy of it).
cp -a vold vmig
run new_first_unlock_of_old ./new --vault vmig keys
rm -rf vmig
ids old vold > old.ids; ids new vnew > new.ids
# Reads first: rm writes (and, from format 2 on, rewrites and overwrites) the whole
# database, which evicts the page cache and would leave the next reads cold.
for i in $(seq "$RUNS"); do
  for b in old new; do
    run ${b}_list ./$b --vault v$b list --json
    run ${b}_search ./$b --vault v$b search "乌鲁木齐 teacher"
    run ${b}_search_cyrillic ./$b --vault v$b search "ҮРІМШІ лагерь"
    id=$(sed -n "$((i * 7))p" $b.ids)
    run ${b}_prefix ./$b --vault v$b show "${id:0:8}"
  done
done
# The whole database read (check; the journal rewritten from it) and written (rebuild,
# from that key-ordered journal).
for i in $(seq "$RUNS"); do
  for b in old new; do
    run ${b}_check ./$b --vault v$b check
    run ${b}_rebuild_journal ./$b --vault v$b rebuild --journal
    run ${b}_rebuild ./$b --vault v$b rebuild
  done
done
for i in $(seq "$RUNS"); do
  for b in old new; do
    id=$(sed -n "$((i * 7))p" $b.ids)
    run ${b}_rm ./$b --vault v$b rm "$id"
  done
done
du_old=$(du -sk vold | cut -f1); du_new=$(du -sk vnew | cut -f1)

echo "machine: $(nproc) cores, $(uname -r); date: $(date -u +%F); $N records, median of $RUNS alternating runs"
echo "| what | old | new | new/old | peak RSS old / new (KiB) |"
echo "| --- | ---: | ---: | ---: | ---: |"
for w in ingest list search search_cyrillic prefix check rebuild_journal rebuild rm; do
  o=$(secs old_$w); n=$(secs new_$w)
  printf '| %s | %s s | %s s | %s | %s / %s |\n' "$w" "$o" "$n" \
    "$(python3 -c "print(f'{$n/$o:.2f}' if $o > 0 else '-')")" "$(rss old_$w)" "$(rss new_$w)"
done
echo "| first unlock of the old binary's vault by the new one | | $(secs new_first_unlock_of_old) s | | $(rss new_first_unlock_of_old) |"
echo "| disk after the runs (KiB) | $du_old | $du_new | | |"
