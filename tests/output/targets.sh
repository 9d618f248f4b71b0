#!/bin/sh
# Output targets, end to end: targets.sh CRTK DATA_DIR. A device or FIFO is written through
# and never replaced, a write error is reported naming the file, a symlink is written
# through (or refused with --no-follow), a folder or the input itself is refused before
# anything is read, and a SIGKILL mid-conversion leaves no file. Cases that need root (to
# write /dev/null and /dev/full as the issue's user did) are skipped when not root.
set -u
crtk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
data=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 2
fails=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect_rc() { # want got what
    if [ "$1" = "$2" ]; then ok; else bad "$3: exit $2, expected $1"; cat err 2>/dev/null; fi
}
# No temporary file or partial output may be left in the folder.
no_leftovers() {
    left=$(ls -A | grep -v -x -e f.xml -e f.txt -e err -e out -e got -e fifo -e dir -e link.xml -e in.fifo -e dummy || true)
    [ -z "$left" ] && ok || bad "$1: left behind: $left"
}
# Wait (up to 10 s) until process $1 has its output open: the unnamed temporary file
# ("#INODE (deleted)") or a named one (".NAME.crtk-XXXXXX").
wait_for_output() {
    i=0
    while [ $i -lt 100 ] && ! ls -l /proc/"$1"/fd 2>/dev/null |
        grep -q -E "$tmp/(#[0-9]+ \(deleted\)|\.[a-z]+\.csv\.crtk-)"; do
        sleep 0.1
        i=$((i + 1))
    done
    [ $i -lt 100 ] || bad "process $1 never opened its output"
}
cp "$data/good-v250.xml" f.xml
cp "$data/good-v18-I.txt" f.txt
mkdir dir

# The input itself, directly or through a symlink or hard link: refused, input untouched.
before=$(cksum <f.xml)
"$crtk" convert f.xml f.xml 2>err
expect_rc 2 $? "convert a.xml a.xml"
grep -q "is the same file as the input" err && ok || bad "same-file message: $(cat err)"
ln -s f.xml link.xml
"$crtk" convert --to csv f.xml link.xml 2>err
expect_rc 2 $? "convert through a symlink to the input"
[ "$(cksum <f.xml)" = "$before" ] && ok || bad "the input was changed"
no_leftovers "same file"

# A folder: refused before reading (a missing input proves nothing was read first).
"$crtk" convert --to csv missing.xml dir 2>err
expect_rc 2 $? "convert to a folder"
grep -q "dir: is a directory" err && ok || bad "folder message: $(cat err)"
[ -z "$(ls -A dir)" ] && ok || bad "something was written into the folder"

# A symlink is written through to its target; --no-follow refuses it.
"$crtk" convert --quiet f.txt link.xml 2>err
expect_rc 0 $? "convert through a symlink"
[ -L link.xml ] && ok || bad "the symlink was replaced"
grep -q '<NaaccrData' f.xml && ok || bad "the symlink's target was not written"
"$crtk" convert --quiet --no-follow f.txt link.xml 2>err
expect_rc 2 $? "--no-follow"
grep -q "symbolic link" err && ok || bad "--no-follow message: $(cat err)"
cp "$data/good-v250.xml" f.xml
no_leftovers "symlink"

# A FIFO gets the data (a reader process on the other end) and stays a FIFO.
mkfifo fifo
cat fifo >got &
reader=$!
"$crtk" convert --quiet --to csv f.xml fifo 2>err
expect_rc 0 $? "convert to a FIFO"
wait $reader
[ -p fifo ] && ok || bad "the FIFO was replaced"
[ "$(wc -l <got)" -gt 1 ] && ok || bad "the FIFO's reader got $(wc -l <got) lines"
"$crtk" convert --quiet --to csv f.xml - >out 2>err
cmp -s out got && ok || bad "the FIFO's data differs from stdout's"
no_leftovers "fifo"

# A closed pipe is a write error (SIGPIPE ignored), not a silent exit.
"$crtk" generate --tumors 20000 - 2>err | head -c 10 >/dev/null
grep -q "Broken pipe" err && ok || bad "closed pipe: $(cat err)"

# A named temporary file left by a killed run (where O_TMPFILE is missing) is removed the
# next time that file is written; one of a live process is not.
dead=$(sh -c 'echo $$')
touch ".swept.csv.crtk-$dead-abcdef" ".swept.csv.crtk-1-abcdef"
"$crtk" convert --quiet --to csv f.xml swept.csv 2>err
expect_rc 0 $? "convert beside a stale temporary file"
[ ! -e ".swept.csv.crtk-$dead-abcdef" ] && ok || bad "the stale temporary file was kept"
[ -e ".swept.csv.crtk-1-abcdef" ] && ok || bad "a live process's temporary file was removed"
rm -f swept.csv .swept.csv.crtk-*

# A file-size limit is a write error (SIGXFSZ ignored): reported, nothing left behind.
(ulimit -f 20 && "$crtk" generate --tumors 2000 big.xml) 2>err
rc=$?
[ "$rc" = 2 ] && ok || bad "ulimit -f: exit $rc, expected 2"
grep -q "big.xml: write failed: File too large" err && ok || bad "ulimit -f message: $(cat err)"
[ ! -e big.xml ] && ok || bad "ulimit -f left big.xml"
no_leftovers "ulimit -f"

# SIGKILL mid-conversion leaves no file: the input is a FIFO fed part of a file and held
# open, so crtk is stopped while writing. Not a timed test: it waits for crtk to open OUT.
mkfifo in.fifo
( head -c 6000 f.xml; exec sleep 30 ) >in.fifo &
feeder=$!
"$crtk" convert --quiet --to csv in.fifo killed.csv 2>err &
pid=$!
wait_for_output $pid
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
kill $feeder 2>/dev/null
wait $feeder 2>/dev/null
[ ! -e killed.csv ] && ok || bad "SIGKILL left killed.csv"
no_leftovers "SIGKILL"

# SIGQUIT is handled like SIGTERM: crtk stops and cleans up instead of dumping core.
( head -c 6000 f.xml; exec sleep 30 ) >in.fifo &
feeder=$!
"$crtk" convert --quiet --to csv in.fifo quit.csv 2>err &
pid=$!
wait_for_output $pid
kill -QUIT $pid 2>/dev/null
kill $feeder 2>/dev/null
wait $feeder 2>/dev/null
wait $pid
rc=$?
[ "$rc" -ge 1 ] && [ "$rc" -le 2 ] && ok || bad "SIGQUIT: exit $rc (expected 1 or 2, not killed)"
[ ! -e quit.csv ] && ok || bad "SIGQUIT left quit.csv"
no_leftovers "SIGQUIT"
rm -f in.fifo

# As root, devices: the report goes through /dev/null, which stays a device; /dev/full
# gives "No space left on device" and a non-zero exit.
if [ "$(id -u)" = 0 ]; then
    "$crtk" check --html /dev/null --edits "$data/../edits-mini" f.xml >/dev/null 2>err
    rc=$?
    [ "$rc" -le 1 ] && ok || bad "check --html /dev/null: exit $rc: $(cat err)"
    [ -c /dev/null ] && ok || bad "/dev/null is no longer a character device"
    "$crtk" convert --quiet f.txt /dev/full --to csv 2>err
    expect_rc 2 $? "convert to /dev/full"
    grep -q "/dev/full: write failed: No space left on device" err && ok ||
        bad "/dev/full message: $(cat err)"
    [ -c /dev/full ] && ok || bad "/dev/full is no longer a character device"
    "$crtk" generate --tumors 10 /dev/full 2>err
    expect_rc 2 $? "generate to /dev/full"
    grep -q "/dev/full:.*No space left on device" err && ok || bad "generate message: $(cat err)"
    "$crtk" convert --quiet f.txt /dev/full.gz 2>err
    expect_rc 2 $? "convert to a new name in /dev"
    "$crtk" check --html /dev/full --edits "$data/../edits-mini" f.xml >/dev/null 2>err
    expect_rc 2 $? "check --html /dev/full"
    grep -q "/dev/full: write failed: No space left on device" err && ok ||
        bad "check --html /dev/full message: $(cat err)"
else
    echo "SKIP: device cases need root"
fi
echo "$pass passed, $fails failed"
[ "$fails" = 0 ]
