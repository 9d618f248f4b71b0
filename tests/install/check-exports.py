#!/usr/bin/env python3
"""check-exports.py LIBCRTK.so HEADER...: the shared library exports exactly the functions
the public headers declare (every public function is CRTK_API, nothing internal leaks)."""
import re
import subprocess
import sys


def main():
    lib, headers = sys.argv[1], sys.argv[2:]
    text = ''
    for h in headers:
        with open(h, encoding='utf-8') as fh:
            text += fh.read() + '\n'
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'#[^\n]*(\\\n[^\n]*)*', ' ', text)
    declared = set(re.findall(r'\b(crtk_[a-z0-9_]+)\s*\(', text))
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True, capture_output=True,
                         text=True).stdout
    exported = {l.split()[-1] for l in out.splitlines() if l.split() and l.split()[1] in 'TDBRW'}
    exported = {s for s in exported if not s.startswith('_') and s not in ('_init', '_fini')}
    missing = sorted(declared - exported)
    extra = sorted(exported - declared)
    for s in missing:
        print('declared in a public header but not exported (CRTK_API missing?):', s)
    for s in extra:
        print('exported but declared in no public header:', s)
    print('%d functions declared, %d exported' % (len(declared), len(exported)))
    sys.exit(1 if missing or extra else 0)


if __name__ == '__main__':
    main()
