# Shared by the A/B scripts (source it): timing one command, and medians of many.
# run NAME CMD...: runs CMD once, appends "seconds peak-RSS-KiB" to NAME.times.
run() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$name.one" "$@" >/dev/null 2>"$name.err" || { cat "$name.err"; exit 1; }
  cat "$name.one" >> "$name.times"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# secs NAME: the median seconds; rss NAME: the largest peak RSS (KiB).
secs() { cut -d' ' -f1 < "$1.times" | median; }
rss() { cut -d' ' -f2 < "$1.times" | sort -n | tail -1; }
