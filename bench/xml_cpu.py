#!/usr/bin/env python3
"""xml_cpu.py - the XML validate goals of issue 11 on given files, CPU time only (on demand,
never a test). Each round runs, in turn, `crtk validate --quiet`, `xmllint --stream --noout`
and the bare SAX2 parse (bench/sax_floor.c), plus BASE_CRTK's validate when given (the build
before a change); CPU = user + sys from wait4(2), so other work on the machine weighs less
than in wall time. Prints per command the median CPU seconds and the median over rounds of
each round's ratios to xmllint and to the floor.
  bench/xml_cpu.py [--rounds N] FILE.xml...
  CRTK=build-h/src/cli/crtk BASE_CRTK=/tmp/base/crtk bench/xml_cpu.py bench/out/ims-v250-A-100000.xml
"""
import os
import statistics
import subprocess
import sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
args = sys.argv[1:]
rounds = 5
if len(args) >= 2 and args[0] == '--rounds':
    rounds = int(args[1])
    args = args[2:]
if not args:
    sys.exit(__doc__)
floor = os.path.join(top, 'bench', 'out', 'sax_floor')
src = os.path.join(top, 'bench', 'sax_floor.c')
if not os.path.exists(floor) or os.path.getmtime(floor) < os.path.getmtime(src):
    os.makedirs(os.path.dirname(floor), exist_ok=True)
    flags = subprocess.run(['xml2-config', '--cflags', '--libs'], capture_output=True, text=True,
                           check=True).stdout.split()
    subprocess.run([os.environ.get('CC', 'cc'), '-O2', src] + flags + ['-o', floor], check=True)
cmds = [('crtk validate', [os.environ.get('CRTK', os.path.join(top, 'build', 'src', 'cli', 'crtk')),
                           'validate', '--quiet'])]
if os.environ.get('BASE_CRTK'):
    cmds.append(('base validate', [os.environ['BASE_CRTK'], 'validate', '--quiet']))
cmds += [('xmllint --stream', ['xmllint', '--stream', '--noout']), ('bare SAX2 parse', [floor])]


def cpu(argv):
    with open(os.devnull, 'w') as null:
        p = subprocess.Popen(argv, stdout=null, stderr=null)
        _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit('xml_cpu.py: %s failed' % ' '.join(argv))
    return ru.ru_utime + ru.ru_stime


for f in args:
    t = {name: [] for name, _ in cmds}
    for _ in range(rounds):
        for name, argv in cmds:
            t[name].append(cpu(argv + [f]))
    print(f)
    for name, _ in cmds:
        to_lint = [a / b for a, b in zip(t[name], t['xmllint --stream'])]
        to_floor = [a / b for a, b in zip(t[name], t['bare SAX2 parse'])]
        print('  %-17s %6.3f s CPU   %5.3f x xmllint   %5.3f x floor' %
              (name, statistics.median(t[name]), statistics.median(to_lint),
               statistics.median(to_floor)))
