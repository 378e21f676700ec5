#!/usr/bin/env bash
# Same-run A/B of two amanat binaries on the paths of many small records (issue #17):
# export of N records to a contact, import of that bundle into a fresh partner vault, and
# check of the N-record vault; beside them, in the same run, the references a user would
# pick instead: `tar c texts | age -r R` and `age -d | tar x`. Runs alternate old and new
# (and the references), and the medians and peak RSS are printed side by side, with the
# bundle sizes.
#
# Usage: benches/bundles.sh OLD_BINARY NEW_BINARY [RECORDS]   (default 10,000; RUNS=5)
# Needs: age, age-keygen, python3, /usr/bin/time. Works in a fresh directory under /var/tmp.
set -euo pipefail
here=$(dirname "$(realpath "$0")")
old_bin=$(realpath "$1"); new_bin=$(realpath "$2"); N=${3:-10000}; RUNS=${RUNS:-5}
for t in age age-keygen python3 /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "bundles.sh needs $t (apt-get install -y age time python3)"; exit 2; }
done
work=$(mktemp -d /var/tmp/amanat-bundles.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$old_bin" old; cp "$new_bin" new
printf 'bench passphrase\n' > pass
export AMANAT_PASSPHRASE_FILE=$work/pass
age-keygen -o key.txt 2>/dev/null
R=$(grep -o 'age1[a-z0-9]*' key.txt)

# The testimonies of compare.sh: about 2 KiB of multilingual text each.
python3 "$here/testimonies.py" "$N"

. "$here/timing.sh"
key() { ./"$1" --vault "$2" keys --json | python3 -c "import json,sys; print(json.load(sys.stdin)['$3'])"; }

# One sender vault and one empty partner vault per binary; each import goes into a copy of
# the empty one, so that every run does the whole work.
for b in old new; do
  ./$b --vault s$b init --kdf-work-factor 10 2>/dev/null
  ./$b --vault s$b ingest ingest.jsonl >/dev/null
  ./$b --vault p$b init --kdf-work-factor 10 2>/dev/null
  ./$b --vault s$b contact add P --recipient "$(key $b p$b recipient)" >/dev/null 2>&1
  ./$b --vault p$b contact add HQ --signing-key "$(key $b s$b signing_key)" >/dev/null 2>&1
done
for i in $(seq "$RUNS"); do
  for b in old new; do
    rm -f $b.amanat; sync
    run ${b}_export ./$b --vault s$b export --to P --all -o $b.amanat; sync
    rm -rf q$b; cp -a p$b q$b; sync
    run ${b}_import ./$b --vault q$b import $b.amanat --from HQ
    run ${b}_check ./$b --vault s$b check
  done
  rm -f ref.age; sync
  run ref_tar_age sh -c "tar c texts | age -r $R > ref.age"; sync
  rm -rf refx; mkdir refx
  run ref_age_tar_x sh -c "age -d -i key.txt ref.age | tar x -C refx"
done

echo "machine: $(nproc) cores; $(date -u +%F); $N records of about 2 KiB; medians of $RUNS runs"
echo
printf '| %-24s | %12s | %12s | %10s |\n' what "old" "new" "new/old"
printf '| %-24s | %12s | %12s | %10s |\n' --- ---: ---: ---:
for w in export import check; do
  o=$(secs old_$w); n=$(secs new_$w)
  printf '| %-24s | %10s s | %10s s | %10s |\n' "$w" "$o" "$n" "$(python3 -c "print(f'{$n/$o:.2f}')")"
  printf '| %-24s | %8s KiB | %8s KiB | %10s |\n' "$w peak RSS" "$(rss old_$w)" "$(rss new_$w)" ""
done
printf '| %-24s | %12s | %12s | %10s |\n' "bundle bytes" "$(stat -c %s old.amanat)" "$(stat -c %s new.amanat)" \
  "$(python3 -c "print(f'{$(stat -c %s new.amanat)/$(stat -c %s old.amanat):.2f}')")"
echo
echo "references in the same run: tar c | age -r: $(secs ref_tar_age) s ($(stat -c %s ref.age) bytes);" \
  "age -d | tar x: $(secs ref_age_tar_x) s, $(rss ref_age_tar_x) KiB"
