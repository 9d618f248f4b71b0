#!/usr/bin/env python3
"""Replicate the Patients of a NAACCR XML sample (gzip or plain) until N tumors, giving
every copy unique patientIdNumber values, and write the result to OUT.
    bench/replicate.py SAMPLE N OUT
Third-party samples (../shared/reference/samples) give files of the shape real abstracts
have; the sample itself is read at run time, never copied into the project."""
import gzip
import re
import sys


def main():
    sample, want, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    opener = gzip.open if sample.endswith(".gz") else open
    with opener(sample, "rb") as f:
        text = f.read()
    start = text.index(b"<Patient")
    end = text.rindex(b"</Patient>") + len(b"</Patient>")
    head, body, tail = text[:start], text[start:end], text[end:]
    patients = re.findall(rb"<Patient>.*?</Patient>", body, re.S)
    pid = re.compile(rb'(<Item naaccrId="patientIdNumber">)([^<]*)(</Item>)')
    written = 0
    copy = 0
    with open(out, "wb") as o:
        o.write(head)
        while written < want:
            for p in patients:
                if written >= want:
                    break
                n = p.count(b"<Tumor>")
                q = pid.sub(lambda m: m.group(1) + b"%05d%s" % (copy % 100000, m.group(2)[-3:])
                            + m.group(3), p, count=1)
                o.write(q)
                o.write(b"\n    ")
                written += max(n, 1)
            copy += 1
        o.write(tail)
    print(written)


if __name__ == "__main__":
    main()
