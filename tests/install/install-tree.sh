#!/bin/sh
# install-tree.sh MESON BUILD_DIR SOURCE_DIR CC SANITIZE
# Install crtk into a DESTDIR, check what a user gets (library with its soname, headers,
# crtk.pc, edits, man pages, bash completion), build examples/api/count.c against it with
# pkg-config (shared, and static through Libs.private), run it on the bundled examples and
# on third-party samples when ../shared is there, and compare its counts with crtk's own.
set -u
meson=$1 build=$2 src=$3 cc=$4 sanitize=$5
fails=0
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT INT TERM

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

"$meson" install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$dest/install.log" 2>&1 ||
    { cat "$dest/install.log"; echo "FAIL: meson install"; exit 1; }

pc=$(find "$dest" -name crtk.pc | head -1)
[ -n "$pc" ] || { echo "FAIL: no crtk.pc installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
prefix_dir=$(find "$dest" -type d -path '*/include/crtk' | head -1)
[ -n "$prefix_dir" ] || { echo "FAIL: no include/crtk installed"; exit 1; }
root=$(dirname "$(dirname "$prefix_dir")") # DESTDIR/PREFIX
echo "installed under $root (libdir $libdir)"

# Files a user expects.
for h in "$src"/src/include/crtk/*.h; do
    [ -f "$root/include/crtk/$(basename "$h")" ] || fail "header $(basename "$h") not installed"
done
[ -f "$root/include/crtk/version.h" ] || fail "crtk/version.h not installed"
for h in "$root"/include/crtk/*.h; do
    b=$(basename "$h" .h)
    [ "$b" = crtk ] || [ "$b" = version ] || grep -q "#include \"crtk/$b.h\"" "$root/include/crtk/crtk.h" ||
        fail "crtk.h does not include crtk/$b.h"
done
[ -f "$libdir/libcrtk.a" ] || fail "libcrtk.a not installed"
so=$(ls "$libdir"/libcrtk.so.*.*.* 2>/dev/null | head -1)
[ -n "$so" ] || fail "libcrtk.so.X.Y.Z not installed"
if [ -n "$so" ]; then
    soname=$(readelf -d "$so" | sed -n 's/.*SONAME.*\[\(.*\)\].*/\1/p')
    case $soname in libcrtk.so.[0-9]*) ;; *) fail "soname is '$soname'" ;; esac
    [ -e "$libdir/$soname" ] || fail "$soname link not installed"
fi
[ -x "$root/bin/crtk" ] || fail "bin/crtk not installed"
[ -f "$root/share/crtk/edits/sets/all.set" ] || fail "share/crtk/edits not installed"
comp=$root/share/bash-completion/completions/crtk
[ -f "$comp" ] || fail "bash completion not installed"
[ -f "$comp" ] && { bash -n "$comp" || fail "bash completion does not parse"; }
[ -f "$comp" ] && command -v bash >/dev/null && {
    words=$(bash -c ". '$comp'; COMP_WORDS=(crtk ch); COMP_CWORD=1;
        PATH='$root/bin':\$PATH _crtk; echo \"\${COMPREPLY[*]}\"" 2>&1)
    [ "$words" = check ] || fail "completion of 'crtk ch' gave '$words'"
    words=$(bash -c ". '$comp'; COMP_WORDS=(crtk check --fail-w); COMP_CWORD=2;
        PATH='$root/bin':\$PATH _crtk; echo \"\${COMPREPLY[*]}\"" 2>&1)
    [ "$words" = --fail-warnings ] || fail "completion of 'crtk check --fail-w' gave '$words'"
}
# A man page for crtk and for every command `crtk help` lists (docs/meson.build names them).
pages="crtk $("$root/bin/crtk" help | awk '/^commands:/ {on = 1; next}
    on && /^  [a-z]/ && $1 != "help" {print "crtk-" $1}')"
[ "$(echo $pages | wc -w)" -ge 5 ] || fail "crtk help lists no commands: $pages"
for page in $pages; do
    m=$root/share/man/man1/$page.1
    if [ ! -f "$m" ]; then
        fail "man page $page(1) not installed"
    elif command -v groff >/dev/null; then
        warn=$(groff -man -Tutf8 -ww -z "$m" 2>&1)
        [ -z "$warn" ] || fail "$page.1: $warn"
        grep -q '^\.SH SYNOPSIS' "$m" ||
            fail "$page.1 has no SYNOPSIS"
    fi
done

# The installed crtk names its version and the NAACCR versions it supports.
"$root/bin/crtk" --version >"$dest/version.out" 2>&1 || fail "crtk --version failed"
grep -q "^crtk [0-9]" "$dest/version.out" || fail "crtk --version: $(cat "$dest/version.out")"
grep -q "dictionaries:.* 25" "$dest/version.out" || fail "crtk --version names no NAACCR 25"

# Build the example against the DESTDIR with pkg-config, shared and static.
export PKG_CONFIG_PATH="$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_SYSROOT_DIR="$dest"
cflags=$(pkg-config --cflags crtk) || fail "pkg-config --cflags crtk"
libs=$(pkg-config --libs crtk) || fail "pkg-config --libs crtk"
slibs=$(pkg-config --static --libs crtk | sed 's/-lcrtk\b//') || fail "pkg-config --static"
san=
[ "$sanitize" != none ] && [ -n "$sanitize" ] && san="-fsanitize=$sanitize"
# shellcheck disable=SC2086
$cc $san -std=c99 -Wall -Wextra -Werror $cflags "$src/examples/api/count.c" $libs \
    -o "$dest/count-shared" || fail "count.c does not build with pkg-config --cflags --libs crtk"
# shellcheck disable=SC2086
$cc $san -std=c99 $cflags "$src/examples/api/count.c" "$libdir/libcrtk.a" $slibs \
    -o "$dest/count-static" || fail "count.c does not link statically with pkg-config --static"

files="$src/examples/sample-v250-abstract.xml $src/examples/sample-v18-incidence.txt"
samples=$src/../shared/reference/samples
if [ -d "$samples" ]; then
    for f in "$samples"/naaccr-xml-sample-v180-incidence-100.xml.gz \
        "$samples"/naaccr-xml-sample-v230-abstract-100.xml.gz "$samples"/fake-naaccr18-1-rec.txt; do
        [ -f "$f" ] && files="$files $f"
    done
else
    echo "SKIP third-party samples: $samples not found"
fi
for f in $files; do
    want=$("$root/bin/crtk" validate "$f" 2>&1 | sed -n 's/.*: \([0-9]* patients, [0-9]* tumors\),.*/\1/p')
    [ -n "$want" ] || { fail "crtk validate $f gave no counts"; continue; }
    for kind in shared static; do
        [ -x "$dest/count-$kind" ] || continue
        got=$(LD_LIBRARY_PATH="$libdir" "$dest/count-$kind" "$f" 2>&1)
        case $got in
        "$f: $want ("*) echo "ok count-$kind $(basename "$f"): $want" ;;
        *) fail "count-$kind $f: '$got', crtk validate says '$want'" ;;
        esac
    done
done
# The shared build really uses the installed library.
if [ -x "$dest/count-shared" ] && command -v ldd >/dev/null; then
    LD_LIBRARY_PATH="$libdir" ldd "$dest/count-shared" | grep -q "$libdir/libcrtk.so" ||
        fail "count-shared does not load $libdir/libcrtk.so"
fi
if [ "$fails" != 0 ]; then
    echo "$fails checks failed"
    exit 1
fi
echo "install tree ok"
