#!/usr/bin/env python3
"""crtk check on third-party NAACCR files (issue 7): every shipped edit set on every XML sample
of the reference data, and on the fixed-width conversion of each v180 sample, compared with
tests/conformance/sample-failures.txt, where every expected failure is listed with a reason
(why the data really is inconsistent, from the standard's code definitions).

Usage: check_samples.py CRTK SAMPLES_DIR EXPECTATIONS [--write]. Exit 77 (skipped) when the
samples folder is absent (a user's machine has no ../shared)."""
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile

SETS = ['validity', 'hospital-to-state', 'npcr', 'naaccr-cfd', 'seer', 'coc-ncdb', 'all']
TODAY = '20261201'


def run_check(crtk, path, edit_set):
    """Failures of one run: Counter of (tumor key, edit tag)."""
    p = subprocess.run([crtk, 'check', '--set', edit_set, '--today', TODAY, '--format', 'json',
                        '--quiet', path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode not in (0, 1):
        raise SystemExit('crtk check --set %s %s: exit %d\n%s' % (edit_set, path, p.returncode,
                                                                p.stderr))
    got = collections.Counter()
    for line in p.stdout.splitlines():
        o = json.loads(line)
        key = (o['patientIdNumber'], o['tumor'], o.get('otherTumor', 0))
        got[(key, o['edit'])] += 1
    if p.returncode == 1 and not got:
        raise SystemExit('crtk check %s exited 1 with no failure' % path)
    return got


def failures(crtk, path, problems):
    """Every set on one file: Counter of (tumor key, tag); the same edit must give the same
    failures in every set that holds it."""
    union = {}
    for s in SETS:
        for k, n in run_check(crtk, path, s).items():
            if k in union and union[k] != n:
                problems.append('%s: %s fails %d times with --set %s, %d with another set'
                                % (os.path.basename(path), k, n, s, union[k]))
            union[k] = n
    return collections.Counter(union)


def by_tag(fails):
    c = collections.Counter()
    for (key, tag), n in fails.items():
        c[tag] += n
    return c


def read_expectations(path):
    reasons, counts = {}, {}
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.startswith('#'):
                continue
            parts = line.split(None, 2)
            if parts[0] == 'reason' and len(parts) == 3:
                t, text = parts[1], parts[2] if len(parts) > 2 else ''
                reasons[t] = text
            elif len(parts) == 3 and parts[2].isdigit():
                counts[(parts[0], parts[1])] = int(parts[2])
            else:
                raise SystemExit('%s:%d: not "reason TAG text" nor "FILE TAG COUNT"'
                                 % (path, lineno))
    return reasons, counts


def main():
    crtk, samples, expect = sys.argv[1:4]
    write = '--write' in sys.argv[4:]
    if not os.path.isdir(samples):
        print('no reference samples at %s: skipped' % samples)
        return 77
    # Every XML sample, and the fixed-width sample of real-looking records (the one-record
    # "fake-naaccr" files hold random characters in every field: validate's business).
    files = sorted(glob.glob(os.path.join(samples, '*.xml.gz')) +
                   glob.glob(os.path.join(samples, '*.xml')) +
                   glob.glob(os.path.join(samples, 'synthetic-data_*.txt')))
    problems = []
    observed = {}
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            name = os.path.basename(path)
            fails = failures(crtk, path, problems)
            observed[name] = by_tag(fails)
            if '-v180-' not in name:
                continue
            # The same tumors must fail the same edits in the fixed-width conversion.
            flat = os.path.join(tmp, name.replace('.xml.gz', '.txt'))
            p = subprocess.run([crtk, 'convert', '--quiet', path, flat], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                problems.append('%s: crtk convert to fixed-width failed: %s' % (name, p.stderr))
                continue
            ffails = failures(crtk, flat, problems)
            if ffails != fails:
                only_x = sorted(set(fails.items()) - set(ffails.items()))[:5]
                only_f = sorted(set(ffails.items()) - set(fails.items()))[:5]
                problems.append('%s: XML and fixed-width give different failures; XML only: %s; '
                                'fixed-width only: %s' % (name, only_x, only_f))
    if write:
        reasons, _ = read_expectations(expect) if os.path.exists(expect) else ({}, {})
        with open(expect, 'w', encoding='utf-8') as f:
            f.write('# Failures of the shipped edits on the reference samples (see check_samples.py)\n'
                    '# reason TAG why the data really is inconsistent\n# FILE TAG COUNT\n')
            tags = sorted({t for c in observed.values() for t in c})
            for t in tags:
                f.write('reason %s %s\n' % (t, reasons.get(t, 'TODO')))
            for name in sorted(observed):
                for t, n in sorted(observed[name].items()):
                    f.write('%s %s %d\n' % (name, t, n))
        return 0
    reasons, counts = read_expectations(expect)
    for name, c in sorted(observed.items()):
        for t, n in sorted(c.items()):
            want = counts.get((name, t))
            if want is None:
                problems.append('%s: %s fails %d times; not in the expectations' % (name, t, n))
            elif want != n:
                problems.append('%s: %s fails %d times; expected %d' % (name, t, n, want))
            if t not in reasons or reasons[t] in ('', 'TODO'):
                problems.append('%s: no reason given for %s' % (name, t))
    for (name, t), n in sorted(counts.items()):
        if observed.get(name, {}).get(t) is None:
            problems.append('%s: %s expected to fail %d times; it does not fail' % (name, t, n))
    for p in problems:
        print(p)
    nfail = sum(sum(c.values()) for c in observed.values())
    print('%d files, %d sets, %d failures, %d problem(s)' % (len(files), len(SETS), nfail,
                                                             len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
