#!/bin/sh
# codes-current.sh SOURCE_DIR: layouts/codes.txt is what scripts/gen-codes derives from the
# NAACCR code lists today (skipped, 77, when ../shared/reference is absent).
set -u
src=$1
ref=$src/../shared/reference
[ -d "$ref/lookups" ] || { echo "SKIP: $ref/lookups not found"; exit 77; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT INT TERM
python3 "$src/scripts/gen-codes" "$ref" "$tmp" || exit 1
if ! diff -q "$src/layouts/codes.txt" "$tmp" >/dev/null; then
    diff "$src/layouts/codes.txt" "$tmp" | head -20
    echo "layouts/codes.txt is stale: run scripts/gen-codes"
    exit 1
fi
echo "layouts/codes.txt is current ($(grep -vc '^#' "$tmp") codes)"
