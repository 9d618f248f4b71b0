#!/bin/sh
# End-to-end test of the crtk command: run.sh CRTK CASE_DIR
# CASE_DIR holds: cmd (arguments after `crtk`, one shell line; $DATA is tests/data, files
# are made in the current temporary folder), optional stdin, expected.out, expected.err,
# expected.rc. CRTK_REGEN=1 rewrites the expectations for review.
set -u
crtk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
case_dir=$(cd "$2" && pwd)
data=$(cd "$(dirname "$0")/../data" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2
cmd=$(cat "$case_dir/cmd")
stdin=/dev/null
[ -f "$case_dir/stdin" ] && stdin="$case_dir/stdin"
# shellcheck disable=SC2086
DATA="$data" CRTK="$crtk" sh -c "set -e; crtk() { \"\$CRTK\" \"\$@\"; }; $cmd" <"$stdin" >out 2>err
rc=$?
# Paths printed by crtk are made relative: the data folder becomes $DATA.
sed "s|$data|\$DATA|g" out >out.n
sed "s|$data|\$DATA|g" err >err.n
if [ "${CRTK_REGEN:-}" = 1 ]; then
    cp out.n "$case_dir/expected.out"
    cp err.n "$case_dir/expected.err"
    echo "$rc" >"$case_dir/expected.rc"
    exit 0
fi
fail=0
want_rc=$(cat "$case_dir/expected.rc" 2>/dev/null || echo 0)
if [ "$rc" != "$want_rc" ]; then
    echo "exit status $rc, expected $want_rc"
    fail=1
fi
if [ -f "$case_dir/expected.out" ] && ! diff -u "$case_dir/expected.out" out.n; then
    fail=1
fi
if [ -f "$case_dir/expected.err" ] && ! diff -u "$case_dir/expected.err" err.n; then
    fail=1
fi
if [ "$fail" != 0 ]; then
    echo "--- stderr:"; cat err
fi
exit $fail
