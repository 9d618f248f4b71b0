#!/bin/sh
# The C sources follow .clang-format (STYLE.md section 12): clang-format --dry-run --Werror.
cd "$(dirname "$0")/.." || exit 2
command -v clang-format >/dev/null 2>&1 || { echo "clang-format not installed: skipped"; exit 77; }
git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 2>/dev/null >/tmp/crtk-format-files.$$ ||
    find src tests -name '*.[ch]' >/tmp/crtk-format-files.$$
status=0
while read -r f; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || { echo "not formatted: $f"; status=1; }
done </tmp/crtk-format-files.$$
rm -f /tmp/crtk-format-files.$$
exit $status
