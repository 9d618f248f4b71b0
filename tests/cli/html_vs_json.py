#!/usr/bin/env python3
"""Parse a crtk check HTML report and check it against the JSON summary and the JSON Lines
detail of the same run: totals, failing edits, errors by field and the record detail must
all agree with the detail lines. Usage: html_vs_json.py REPORT.html SUMMARY.json DETAIL.jsonl"""
import collections
import hashlib
import os
import html.parser
import json
import sys


class Report(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = {}
        self.tables = collections.defaultdict(list)
        self.table = None
        self.row = None
        self.cell = None
        self.cur_id = None
        self.records = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'table':
            self.table = a.get('id')
        elif tag == 'tr' and self.table:
            self.row = []
            if self.table == 'records' and 'data-edits' in a:
                self.records.append(a['data-edits'].split())
        elif tag in ('td', 'th') and self.row is not None:
            self.cell = ''
        if 'id' in a and tag == 'td':
            self.cur_id = a['id']
            self.ids[self.cur_id] = ''

    def handle_endtag(self, tag):
        if tag in ('td', 'th') and self.row is not None and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
            self.cur_id = None
        elif tag == 'tr' and self.row is not None:
            if self.row and self.table:
                self.tables[self.table].append(self.row)
            self.row = None
        elif tag == 'table':
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.cur_id:
            self.ids[self.cur_id] += data


def number(s):
    return int(s.replace(',', ''))


def main():
    rep = Report()
    rep.feed(open(sys.argv[1], encoding='utf-8').read())
    summ = json.load(open(sys.argv[2], encoding='utf-8'))
    lines = [json.loads(l) for l in open(sys.argv[3], encoding='utf-8') if l.strip()]
    problems = []

    def same(what, a, b):
        if a != b:
            problems.append('%s: %r != %r' % (what, a, b))

    tumors = {(l['file'], l['patient'], l['tumor']) for l in lines}
    same('errors: html vs json', number(rep.ids['errors']), summ['errors'])
    same('errors: json vs detail lines', summ['errors'], len(lines))
    same('tumors with errors: html vs json', number(rep.ids['tumors-with-errors']),
         summ['tumorsWithErrors'])
    same('tumors with errors: json vs detail lines', summ['tumorsWithErrors'], len(tumors))
    same('tumors: html vs json', number(rep.ids['tumors']), summ['tumors'])
    same('patients: html vs json', number(rep.ids['patients']), summ['patients'])
    by_edit = collections.Counter(l['edit'] for l in lines)
    html_edits = {r[0]: number(r[2]) for r in rep.tables['failing-edits'][1:]}
    same('failing edits: html vs detail lines', html_edits, dict(by_edit))
    same('failing edits: json vs detail lines',
         {e['edit']: e['count'] for e in summ['failingEdits']}, dict(by_edit))
    html_fields = {int(r[0]): number(r[2]) for r in rep.tables['errors-by-field'][1:]}
    same('errors by field: html vs json', html_fields,
         {f['item']: f['count'] for f in summ['errorsByField']})
    # The record detail: one row per failing tumor (up to the bound), its edits listed.
    detail_edits = collections.Counter(t for r in rep.records for t in r)
    if len(rep.records) == len(tumors):
        same('record detail: edits', dict(detail_edits), dict(by_edit))
    elif len(rep.records) > len(tumors):
        problems.append('record detail has %d rows for %d tumors' % (len(rep.records),
                                                                     len(tumors)))
    # Each input file's SHA-256, as evidence of what was checked.
    for f in summ['files']:
        if os.path.isfile(f['path']):
            same('sha256 of ' + f['path'], f['sha256'],
                 hashlib.sha256(open(f['path'], 'rb').read()).hexdigest())
    html_files = {r[0]: r[-1] for r in rep.tables['files'][1:]}
    same('files: html sha256 vs json', html_files, {f['path']: f['sha256'] for f in summ['files']})
    for p in problems:
        print(p)
    print('consistent' if not problems else '%d problem(s)' % len(problems))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
