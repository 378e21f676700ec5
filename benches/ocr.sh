#!/usr/bin/env bash
# OCR (`amanat ocr`), same run. Quality: five invented document pages with known text (Kazakh,
# Russian, Uyghur in Arabic script, simplified Chinese, English; ocr_pages.py), rendered at
# 300 dpi, each clean, blurred, rotated 2 degrees and as a JPEG of quality 40; the character
# error rate of the tesseract CLI on each image beside that of the same image added to a vault
# and recognised by `amanat ocr` (the same engine: the two should be equal), and whether
# `amanat search` finds each clean page by a word that is on no other page. Speed: PAGES
# pages, cycling through the five clean pages (each page its own bytes, recognised in its own
# language), one record per page: the tesseract CLI one page after another and two at a time
# (xargs -P2, the fair reference on 2 cores), both with OMP_THREAD_LIMIT=1, against
# `amanat ocr --all` on a copy of a vault holding them. Runs alternate; medians of RUNS.
#
# Usage: benches/ocr.sh AMANAT_BINARY [PAGES]   (default 100; RUNS=3)
# Needs: tesseract with kaz rus uig chi_sim eng, ImageMagick's convert with the pango coder,
# the fonts Noto Serif, Noto Serif CJK SC and UKIJ Tuz Tom, python3, /usr/bin/time.
set -euo pipefail
here=$(dirname "$(realpath "$0")")
bin=$(realpath "$1"); N=${2:-100}; RUNS=${RUNS:-3}
for t in tesseract convert python3 /usr/bin/time xargs; do
  command -v "$t" >/dev/null || { echo "ocr.sh needs $t"; exit 2; }
done
for l in kaz rus uig chi_sim eng; do
  tesseract --list-langs 2>/dev/null | grep -qx "$l" || { echo "ocr.sh needs tesseract's $l data"; exit 2; }
done
"$bin" ocr --help >/dev/null 2>&1 || { echo "ocr.sh: $bin has no ocr command"; exit 2; }
work=$(mktemp -d /var/tmp/amanat-ocr.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$bin" amanat
printf 'bench passphrase\n' > pass
export AMANAT_PASSPHRASE_FILE=$work/pass
# The CLI reference gets one thread per process below; Amanat runs as a user would run it.
unset OMP_THREAD_LIMIT
. "$here/timing.sh"
cer() { python3 "$here/ocr_pages.py" cer "$@"; }
python3 "$here/ocr_pages.py" render pages

# A. Quality: every image through the CLI, then each as its own record through Amanat.
./amanat --vault q init --kdf-work-factor 10 >/dev/null 2>&1
while IFS=$'\t' read -r lang tess variant file word; do
  OMP_THREAD_LIMIT=1 tesseract "pages/$file" stdout -l "$tess" < /dev/null > "cli.$lang.$variant.txt" 2>/dev/null
  ./amanat --vault q add --title "Scan $variant $lang" --language "$lang" "pages/$file" < /dev/null \
    2>/dev/null | tail -1 > "id.$lang.$variant"
done < pages/pages.tsv
./amanat --vault q ocr --all --json > q-ocr.json 2> q-ocr.err || { cat q-ocr.err; exit 1; }
quality=; same_all=yes
while IFS=$'\t' read -r lang tess variant file word; do
  ./amanat --vault q get "$(cat "id.$lang.$variant")" "$file.ocr.txt" -o - < /dev/null \
    > "amanat.$lang.$variant.txt" || echo "ocr.sh: no text for $file (taken as empty)"
  same=$(python3 "$here/ocr_pages.py" same "$lang" "cli.$lang.$variant.txt" "amanat.$lang.$variant.txt")
  [ "$same" = yes ] || same_all=no
  quality+=$(printf '| %-12s | %-8s | %6s | %6s | %-4s |' "$lang ($tess)" "$variant" \
    "$(cer "$lang" "pages/$lang.ref" "cli.$lang.$variant.txt")" \
    "$(cer "$lang" "pages/$lang.ref" "amanat.$lang.$variant.txt")" "$same")$'\n'
done < pages/pages.tsv
searched=; missed=0
while IFS=$'\t' read -r lang tess variant file word; do
  [ "$variant" = clean ] || continue
  ./amanat --vault q search "$word" --json < /dev/null > found.json 2>/dev/null || true
  r=$(python3 -c 'import json, sys
ids = [r["id"] for r in json.load(open(sys.argv[1]))] if open(sys.argv[1]).read().strip() else []
print("found" if any(i.startswith(sys.argv[2]) for i in ids) else "NOT FOUND", len(ids))' found.json "$(cat "id.$lang.clean")")
  [ "${r% *}" = found ] || missed=$((missed + 1))
  searched+=$(printf '| %-8s | %-12s | %-9s | %9s |' "$lang" "$word" "${r% *}" "${r#* }")$'\n'
done < pages/pages.tsv

# B. Speed: N pages, one record each, in a vault copied afresh for every run.
python3 "$here/ocr_pages.py" speed pages "$N" speed
./amanat --vault s0 init --kdf-work-factor 10 >/dev/null 2>&1
: > speed/ids
while IFS=$'\t' read -r f tess lang; do
  ./amanat --vault s0 add --title "Page $(basename "$f" .png)" --language "$lang" "$f" < /dev/null 2>/dev/null \
    | tail -1 >> speed/ids
done < speed/list.tsv
for i in $(seq "$RUNS"); do
  run cli_seq env OMP_THREAD_LIMIT=1 sh -c \
    'while read -r f t l; do tesseract "$f" stdout -l "$t" < /dev/null 2>/dev/null; done < speed/list.tsv'
  run cli_par env OMP_THREAD_LIMIT=1 sh -c \
    'cut -f1,2 speed/list.tsv | xargs -n2 -P2 sh -c '\''tesseract "$0" stdout -l "$1" 2>/dev/null'\'
  rm -rf s; cp -a s0 s; sync
  run amanat ./amanat --vault s ocr --all
done
# Every page of the last run was recognised, as the CLI recognises its clean page.
paste speed/list.tsv speed/ids | while IFS=$'\t' read -r f tess lang id; do
  ./amanat --vault s get "$id" "$(basename "$f").ocr.txt" -o - < /dev/null > page.txt 2>/dev/null || { echo x; continue; }
  [ "$(python3 "$here/ocr_pages.py" same "$lang" page.txt "cli.$lang.clean.txt")" = yes ] || echo x
done > speed/wrong
wrong=$(wc -l < speed/wrong)

per() { python3 -c "print(f'{$1/$N:.3f}')"; }
ratio=$(python3 -c "print(f'{$(secs amanat)/$(secs cli_par):.2f}')")
echo "\`amanat ocr --all --json\` on the quality vault printed: $(tr -s ' \n' ' ' < q-ocr.json | head -c 400)"
echo
echo "### OCR: \`amanat ocr\` against the tesseract CLI (same run)"
echo
echo "$(nproc) cores; $(date -u +%F); $(tesseract --version 2>/dev/null | head -1), $(convert -version | head -1 | cut -d' ' -f2-3);" \
  "\`benches/ocr.sh\`, medians of $RUNS alternating runs."
echo
echo "Quality: character error rate (edit distance over code points / reference length; NFC," \
  "whitespace runs made one space, none for Chinese) of one invented page per language, about" \
  "50-80 words or 140 characters, 300 dpi: clean, \`-blur 0x1.2\`, \`-rotate 2\`, JPEG quality 40." \
  "\"same\": Amanat's text equals the CLI's."
echo
printf '| %-12s | %-8s | %6s | %6s | %-4s |\n' language variant CLI Amanat same
printf '| %-12s | %-8s | %6s | %6s | %-4s |\n' --- --- ---: ---: ---
printf '%s' "$quality"
echo
echo "\`amanat search WORD\` for the word on each clean page only (records found in all, with the degraded scans):"
echo
printf '| %-8s | %-12s | %-9s | %9s |\n' language word "its page" records
printf '| %-8s | %-12s | %-9s | %9s |\n' --- --- --- ---:
printf '%s' "$searched"
echo
echo "Speed: $N pages cycling kk, ru, ug, zh, en (the clean pages above, each recognised in its own" \
  "language), one record per page for Amanat; the CLI with OMP_THREAD_LIMIT=1, Amanat's" \
  "environment without it. Peak RSS: the largest single process."
echo
printf '| %-46s | %8s | %8s | %10s |\n' what seconds "s/page" "peak RSS"
printf '| %-46s | %8s | %8s | %10s |\n' --- ---: ---: ---:
printf '| %-46s | %6s s | %8s | %6s KiB |\n' "tesseract CLI, one page after another" "$(secs cli_seq)" "$(per "$(secs cli_seq)")" "$(rss cli_seq)"
printf '| %-46s | %6s s | %8s | %6s KiB |\n' "tesseract CLI, two at a time (xargs -P2)" "$(secs cli_par)" "$(per "$(secs cli_par)")" "$(rss cli_par)"
printf '| %-46s | %6s s | %8s | %6s KiB |\n' "\`amanat ocr --all\`" "$(secs amanat)" "$(per "$(secs amanat)")" "$(rss amanat)"
echo
echo "amanat / CLI two at a time: $ratio; Amanat's text equals the CLI's on every quality image: $same_all;" \
  "speed pages whose Amanat text differs from the CLI's (or is missing): $wrong of $N."
if [ "$missed" -gt 0 ]; then echo "ocr.sh: $missed clean page(s) NOT FOUND by search"; exit 1; fi
