#!/bin/sh
# Every shipped export profile on every third-party sample (../shared/reference/samples):
# the export succeeds (edit failures only warned, values of retired items dropped and
# counted), the output is re-read by `crtk validate` as conforming with as many tumors as
# the export says it wrote, and without the overrides the export never ends in trouble
# (exit 2) or a crash. Skipped (exit 77) when the samples are not beside the repository.
set -u
crtk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
samples=$2
[ -d "$samples" ] || { echo "reference samples not found: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0 n=0
profiles=$("$crtk" export --list-profiles | awk '{print $1}')
for f in "$samples"/*; do
    case "$f" in *-100.xml.gz) continue ;; esac # the -10 files cover the same versions
    for p in $profiles; do
        d="$tmp/$(basename "$f")-$p"
        mkdir "$d"
        if ! out=$("$crtk" export -p "$p" --key k --today 20261201 --drop-unmappable \
            --set gate=warn --set class_of_case= -o "$d" "$f" 2>&1); then
            echo "FAIL $p $(basename "$f"): $out"; fail=1; continue
        fi
        written=$(echo "$out" | sed -n 's/.* \([0-9]*\) written$/\1/p')
        xml=$(echo "$out" | sed -n 's/^output: *//p')
        v=$("$crtk" validate "$xml" 2>&1) || { echo "FAIL $p $(basename "$f"): $v"; fail=1; }
        case "$v" in
        *": valid "*", $written tumors, 0 errors"*) ;;
        *) echo "FAIL $p $(basename "$f"): wrote $written: $v"; fail=1 ;;
        esac
        mkdir "$d/plain"
        "$crtk" export -q -p "$p" --key k --today 20261201 -o "$d/plain" "$f" >/dev/null 2>&1
        rc=$?
        [ "$rc" -le 1 ] || { echo "FAIL $p $(basename "$f"): exit $rc without overrides"; fail=1; }
        n=$((n + 1))
    done
done
# Version conversion on third-party data: the NAACCR 18 incidence sample carries items
# NAACCR 25 retired, and the report names them with the values lost.
f="$samples/synthetic-data_naaccr-18-incidence_5-records.txt"
if [ -f "$f" ]; then
    rep="$tmp/$(basename "$f")-hospital-to-state/0000000000_20261201_A250.report.txt"
    grep -q "retired: seerCodingSysCurrent (#2120), values lost *5$" "$rep" ||
        { echo "FAIL: $rep does not count the values of retired items"; fail=1; }
    "$crtk" export -q -p hospital-to-state --set class_of_case= --set gate=warn \
        --today 20261201 -o "$tmp" "$f" 2>/dev/null
    [ $? -eq 1 ] || { echo "FAIL: retired values dropped without --drop-unmappable"; fail=1; }
fi
echo "$n exports checked"
[ "$n" -gt 0 ] || fail=1
exit $fail
