#!/usr/bin/env bash
# Checks that vendor/sled is the sled 0.34.7 published on crates.io with exactly the changes
# in amanat.patch (AMANAT.md says why): the crate is taken from Cargo's cache or the
# registry, checked against the checksum Cargo.lock pinned before it was vendored, patched,
# and compared file by file. Run by .ci/run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sum=7f96b4737c2ce5987354855aed3797279def4ebf734436c6aa4552cf8e169935
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cached=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/sled-0.34.7.crate 2>/dev/null | head -1 || true)
if [ -n "$cached" ]; then
  cp "$cached" "$work/sled.crate"
else
  curl -sSfL --retry 3 -o "$work/sled.crate" https://static.crates.io/crates/sled/sled-0.34.7.crate
fi
echo "$sum  $work/sled.crate" | sha256sum -c --quiet -
tar xzf "$work/sled.crate" -C "$work"
published=$work/sled-0.34.7
(cd "$published" && patch -s -p1 < "$here/amanat.patch")
# Every vendored file but these three notes is the published one, patched.
status=0
while IFS= read -r f; do
  case "$f" in ./AMANAT.md|./amanat.patch|./verify.sh) continue ;; esac
  cmp -s "$here/$f" "$published/$f" || { echo "vendor/sled/${f#./} is not the published file with amanat.patch"; status=1; }
done < <(cd "$here" && find . -type f | sort)
[ "$status" = 0 ] && echo "vendor/sled: the published sled 0.34.7 with amanat.patch"
exit "$status"
