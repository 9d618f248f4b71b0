#!/usr/bin/env python3
"""Audit of an edits folder (crtk's format, docs/edits-format.md): every %Fn/%Vn placeholder a
message or text of an edit can print names one of the edit's fields, every message number
the edit uses exists, and every edit name is exact (no "?" placeholder left in it).
Usage: audit_edits.py EDITS_DIR. Prints each problem; exit 1 when there is one."""
import os
import re
import sys

PH = re.compile(r'%([FV])(\d+)')


def parse_edit(path):
    meta, logic, key = {}, [], None
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith('logic:'):
            logic = lines[i + 1:]
            break
        m = re.match(r'^([a-z-]+):\s?(.*)$', line)
        if m:
            key = m.group(1)
            meta.setdefault(key, []).append(m.group(2))
        i += 1
    return meta, '\n'.join(logic)


def main():
    d = sys.argv[1]
    messages = {}
    with open(os.path.join(d, 'messages.txt'), encoding='utf-8') as f:
        for line in f:
            if line.strip() and not line.startswith('#'):
                num, _typ, text = line.rstrip('\n').split(' ', 2)
                messages[int(num)] = text
    problems = []
    edir = os.path.join(d, 'edits')
    for name in sorted(os.listdir(edir)):
        if not name.endswith('.edit'):
            continue
        meta, logic = parse_edit(os.path.join(edir, name))
        tag = meta.get('tag', ['?'])[0]
        nfields = len(meta.get('field', []))
        ename = meta.get('name', [''])[0]
        if '?' in ename:
            problems.append(f'{tag}: name "{ename}" is not exact')
        used = set()
        for v in meta.get('message', []) + meta.get('messages', []):
            used.update(int(x) for x in v.split())
        body = re.sub(r'/\*.*?\*/', '', logic, flags=re.S)
        for m in re.finditer(r'(?i)\b(?:ERROR_MSG|SAVE_ERROR_TEXT|SET_ERROR|SAVE_WARNING_TEXT|'
                             r'SET_WARNING)\s*\(\s*(\d+)', body):
            used.add(int(m.group(1)))
        for m in re.finditer(r'(?i)\breturn\s+(\d+)\s*;', body):
            if int(m.group(1)) > 1:
                used.add(int(m.group(1)))
        texts = [(f'message {n}', messages.get(n)) for n in sorted(used)]
        texts += [('logic text', s) for s in re.findall(r'"([^"]*)"', body)]
        for what, text in texts:
            if text is None:
                problems.append(f'{tag}: {what} does not exist')
                continue
            for kind, num in PH.findall(text):
                if int(num) < 1 or int(num) > nfields:
                    problems.append(f'{tag}: {what} has %{kind}{num} but the edit has '
                                    f'{nfields} field(s): "{text}"')
    for p in problems:
        print(p)
    print(f'{len(problems)} problem(s) in {d}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
