/* csv_reader.c - NAACCR CSV reader: a header row of naaccrIds, then one row per tumor with
 * root and patient items repeated. libcsv does the quoting; we feed it one input line at a
 * time (decoded to UTF-8, terminator included), so a row always starts at a line we know
 * and a quoted value may span lines without losing line numbers. Rows are grouped into
 * patients like flat lines (consecutive equal patientIdNumber, one row of lookahead).
 * Memory is bounded by one patient; a row is capped at 16 MiB. In findings the column of
 * a value is its field number. */
#include "reader_internal.h"
#include "charset_internal.h"
#include "error_internal.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROW (16u << 20)

typedef struct crow {
    strbuf data;
    size_t *off, *len;
    int nf, cap;
    long line; /* where the row starts */
    bool done;
    long bad_line, bad_col, bad_count; /* first invalid UTF-8 byte met in the row */
    unsigned char bad_byte;
} crow;

typedef struct citem {
    const crtk_item *it;
    int col;
} citem;

typedef struct csvr {
    struct csv_parser p;
    bool p_init, eof, in_row, oom;
    crtk__decoder dec;
    crow rows[2];
    int pend; /* index of the lookahead row */
    bool have_pend;
    crow *building;
    size_t row_bytes;
    int ncols;
    citem *items; /* root, patient, tumor items that have a column */
    int nroot, npat, ntum;
    const citem *id;
    const crtk_layout *layout;
    char rt;
    crow first; /* copy of the first data row's root values (by column) */
    strbuf cur_id;
    long first_line;
    bool mixed_reported;
} csvr;

static void on_field(void *s, size_t n, void *data)
{
    csvr *c = data;
    crow *r = c->building;

    if (c->oom)
        return;
    if (r->nf == r->cap) {
        int nc = r->cap ? r->cap * 2 : 64;
        size_t *o = realloc(r->off, (size_t)nc * sizeof *o), *l;
        if (!o) {
            c->oom = true;
            return;
        }
        r->off = o;
        l = realloc(r->len, (size_t)nc * sizeof *l);
        if (!l) {
            c->oom = true;
            return;
        }
        r->len = l;
        r->cap = nc;
    }
    r->off[r->nf] = r->data.len;
    r->len[r->nf] = n;
    if (sb_add(&r->data, s ? s : "", s ? n : 0) < 0) {
        c->oom = true;
        return;
    }
    r->nf++;
}

static void on_row(int ch, void *data)
{
    csvr *c = data;

    (void)ch;
    c->building->done = true;
}

static void row_clear(crow *r)
{
    sb_clear(&r->data);
    r->nf = 0;
    r->line = 0;
    r->done = false;
    r->bad_line = r->bad_col = r->bad_count = 0;
}

static void row_free(crow *r)
{
    sb_free(&r->data);
    free(r->off);
    free(r->len);
}

static const char *field(const crow *r, int i, size_t *n)
{
    if (i < 0 || i >= r->nf) {
        *n = 0;
        return "";
    }
    *n = r->len[i];
    return r->data.s + r->off[i];
}

/* A value: untrimmed, but all blanks = absent. */
static const char *value(const crow *r, int col, size_t *n)
{
    const char *v = field(r, col, n);

    if (crtk__all_blank(v, *n))
        *n = 0;
    return v;
}

/* Next complete row into r: 1, 0 at end, <0 error. */
static int read_row(crtk_reader *rd, csvr *c, crow *r)
{
    row_clear(r);
    c->building = r;
    c->row_bytes = 0;
    c->in_row = false;
    while (!c->eof) {
        crtk_error e = CRTK_ERROR_INIT;
        crtk__decoded d;
        const char *s, *term;
        size_t n;
        int t, rc = crtk__in_getline(&rd->in, &s, &n, &t, &e);

        if (rc < 0)
            return crtk__rfail(rd, rc, e.line, e.column, NULL, "%s", e.message);
        if (rc == 0) {
            c->eof = true;
            /* libcsv's state 2 (FIELD_BEGUN) with a quote open: the file ends inside a
             * quoted value, so the rest of the file was swallowed into it. */
            if (c->in_row && c->p.quoted && c->p.pstate == 2)
                return crtk__rfail(rd, CRTK_EPARSE, r->line, 0, NULL,
                                   "the row starting at line %ld has a quoted value that is "
                                   "never closed",
                                   r->line);
            if (c->in_row && csv_fini(&c->p, on_field, on_row, c) != 0)
                return crtk__rfail(rd, CRTK_EPARSE, r->line, 0, NULL,
                                   "the row starting at line %ld has a quoted value that is "
                                   "never closed (%s)",
                                   r->line, csv_strerror(csv_error(&c->p)));
            break;
        }
        term = s + n;
        if (rd->in.line == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
            s += 3;
            n -= 3;
        }
        if (!c->in_row && (n == 0 || (n == 1 && s[0] == 0x1A)))
            continue; /* blank line between rows; DOS end-of-file mark */
        if (!c->in_row) {
            c->in_row = true;
            r->line = rd->in.line;
        }
        c->row_bytes += n + (size_t)t;
        if (c->row_bytes > MAX_ROW)
            return crtk__rfail(rd, CRTK_ELIMIT, r->line, 0, NULL,
                               "the row starting at line %ld is longer than %u bytes (an "
                               "unclosed quote?)",
                               r->line, MAX_ROW);
        if (crtk__decode(&c->dec, s, n, &d) < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, rd->in.line, 0, NULL, "out of memory");
        if (d.bad_count && !r->bad_count) {
            r->bad_line = rd->in.line;
            r->bad_col = d.bad_column;
            r->bad_byte = d.bad_byte;
        }
        r->bad_count += d.bad_count;
        if (c->dec.saw_utf8 && c->dec.saw_1252 && !c->mixed_reported) {
            c->mixed_reported = true;
            crtk__finding(rd, CRTK_SEV_WARNING, "mixed-encoding", rd->in.line, 0, 0, NULL,
                          "line %ld is not valid UTF-8 but earlier lines were (or the "
                          "reverse); each line was decoded as UTF-8 when valid, else as "
                          "Windows-1252",
                          rd->in.line);
        }
        if (!d.ascii && c->dec.cs == CRTK__CS_AUTO && !strcmp(rd->encoding.s, "auto")) {
            sb_clear(&rd->encoding);
            if (sb_adds(&rd->encoding, crtk__charset_name(d.used)) < 0)
                return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
            rd->info.encoding = rd->encoding.s;
        }
        if (csv_parse(&c->p, d.s, d.len, on_field, on_row, c) != d.len ||
            csv_parse(&c->p, term, (size_t)t, on_field, on_row, c) != (size_t)t)
            return crtk__rfail(rd, CRTK_ENOMEM, r->line, 0, NULL, "CSV parser: %s",
                               csv_strerror(csv_error(&c->p)));
        if (c->oom)
            return crtk__rfail(rd, CRTK_ENOMEM, r->line, 0, NULL, "out of memory");
        if (r->done)
            return 1;
    }
    if (c->oom)
        return crtk__rfail(rd, CRTK_ENOMEM, r->line, 0, NULL, "out of memory");
    return r->done || r->nf ? 1 : 0;
}

static void trim(const char **v, size_t *n)
{
    while (*n && ((*v)[0] == ' ' || (*v)[0] == '\t')) {
        ++*v;
        --*n;
    }
    while (*n && ((*v)[*n - 1] == ' ' || (*v)[*n - 1] == '\t'))
        --*n;
}

static int col_of(const crow *hdr, const char *id)
{
    int i;
    size_t idn = strlen(id);

    for (i = 0; i < hdr->nf; i++) {
        size_t n;
        const char *v = field(hdr, i, &n);
        trim(&v, &n);
        if (n == idn && !memcmp(v, id, n))
            return i;
    }
    return -1;
}

/* Version and record type from the first data row or the options; then the layout. */
static int pick_layout(crtk_reader *rd, csvr *c, const crow *hdr, const crow *row)
{
    int vcol = col_of(hdr, "naaccrRecordVersion"), rcol = col_of(hdr, "recordType");
    int version = rd->opts.naaccr_version;
    crtk_error e = CRTK_ERROR_INIT;
    size_t n;
    const char *v;

    if (!version && vcol >= 0 && row) {
        char buf[16];
        v = field(row, vcol, &n);
        trim(&v, &n);
        if (n >= sizeof buf)
            n = sizeof buf - 1;
        memcpy(buf, v, n);
        buf[n] = '\0';
        version = crtk_version_normalize(buf);
        if (!version && !rd->opts.layout)
            return crtk__rfail(rd, CRTK_EUNSUPPORTED, row->line, vcol + 1, "naaccrRecordVersion",
                               "line %ld: naaccrRecordVersion \"%s\" is not a NAACCR version; "
                               "give one with --version",
                               row->line, buf);
    }
    c->rt = rd->opts.record_type ? rd->opts.record_type : 'A';
    if (rcol >= 0 && row) {
        v = field(row, rcol, &n);
        trim(&v, &n);
        if (n) {
            if (n != 1 || !crtk_rectype_bit(v[0]))
                return crtk__rfail(rd, CRTK_EUNSUPPORTED, row->line, rcol + 1, "recordType",
                                   "line %ld: recordType \"%.*s\" is not A, M, C or I", row->line,
                                   (int)(n > 20 ? 20 : n), v);
            c->rt = v[0];
        }
    }
    if (!crtk_rectype_bit(c->rt))
        return crtk__rfail(rd, CRTK_EARG, 0, 0, NULL, "record type %c is not A, M, C or I", c->rt);
    if (rd->opts.layout) {
        c->layout = rd->opts.layout;
    } else {
        const crtk_layout *base, *user;
        if (!version)
            return crtk__rfail(rd, CRTK_EUNSUPPORTED, 1, 0, "naaccrRecordVersion",
                               "CSV needs --version: the file has no naaccrRecordVersion "
                               "column%s",
                               vcol >= 0 ? " value" : "");
        base = crtk_layouts_dictionary(rd->ls, version);
        if (base) {
            user = crtk_layouts_default_user(rd->ls, version);
            c->layout = base;
            if (user && crtk_layouts_combine(rd->ls, base, &user, 1, &c->layout, &e) < 0)
                return crtk__rfail(rd, e.code, 0, 0, NULL, "%s", e.message);
        } else {
            /* NAACCR 12 and 13 have no XML dictionary, only a flat layout. */
            c->layout = crtk_layouts_flat(rd->ls, version);
        }
        if (!c->layout)
            return crtk__rfail(rd, CRTK_EUNSUPPORTED, row ? row->line : 1, vcol + 1,
                               "naaccrRecordVersion", "no dictionary for NAACCR version %d",
                               version);
    }
    return CRTK_OK;
}

static int map_columns(crtk_reader *rd, csvr *c, const crow *hdr)
{
    int i, j, k = 0, lv;
    unsigned bit = crtk_rectype_bit(c->rt);
    const crtk_item **colitem;
    char rts[8];

    c->ncols = hdr->nf;
    c->items = calloc((size_t)hdr->nf + 1, sizeof *c->items);
    colitem = calloc((size_t)hdr->nf + 1, sizeof *colitem);
    if (!c->items || !colitem) {
        free(colitem);
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    }
    for (i = 0; i < hdr->nf; i++) {
        size_t n;
        const char *v = field(hdr, i, &n);
        const crtk_item *it;
        trim(&v, &n);
        it = n ? crtk_layout_find_n(c->layout, v, n) : NULL;
        if (!it && n && n < 64) {
            /* A naaccrId renamed by NAACCR 18: the column is read under the current id. */
            char old[64];
            const char *renamed;
            memcpy(old, v, n);
            old[n] = '\0';
            renamed = crtk_layouts_renamed(rd->ls, old);
            it = renamed ? crtk_layout_find(c->layout, renamed) : NULL;
            if (it)
                crtk__finding(rd, CRTK_SEV_ERROR, "renamed-item", hdr->line, i + 1, 0, it->id,
                              "column %d \"%s\" is the former naaccrId of %s (#%d); read as %s",
                              i + 1, old, it->id, it->num, it->id);
        }
        if (!it || !(it->rectypes & bit)) {
            char id[64]; /* the column's name, as the item the finding is about */
            snprintf(id, sizeof id, "%.*s", (int)(n < sizeof id ? n : sizeof id - 1), v);
            crtk__finding(rd, CRTK_SEV_ERROR, "unknown-item", hdr->line, i + 1, 0, id,
                          "column %d \"%.*s\" is not an item of %s for record type %s; the "
                          "column is ignored",
                          i + 1, (int)(n > 60 ? 60 : n), v, crtk_layout_name(c->layout),
                          crtk_rectypes_str(bit, rts, sizeof rts));
            continue;
        }
        for (j = 0; j < i; j++)
            if (colitem[j] == it) {
                free(colitem);
                return crtk__rfail(rd, CRTK_EINVALID, hdr->line, i + 1, it->id,
                                   "column %d repeats %s (column %d); each item may appear "
                                   "once",
                                   i + 1, it->id, j + 1);
            }
        colitem[i] = it;
    }
    for (lv = 0; lv < CRTK_LEVELS; lv++) {
        int before = k;
        for (i = 0; i < hdr->nf; i++) {
            if (!colitem[i] || (int)colitem[i]->level != lv)
                continue;
            c->items[k].it = colitem[i];
            c->items[k].col = i;
            if (!strcmp(colitem[i]->id, "patientIdNumber"))
                c->id = &c->items[k];
            k++;
        }
        if (lv == CRTK_LEVEL_ROOT)
            c->nroot = k - before;
        else if (lv == CRTK_LEVEL_PATIENT)
            c->npat = k - before;
        else
            c->ntum = k - before;
    }
    free(colitem);
    return CRTK_OK;
}

static int no_space(unsigned char ch)
{
    (void)ch;
    return 0;
}

static int start(crtk_reader *rd)
{
    csvr *c = calloc(1, sizeof *c);
    crtk_error e = CRTK_ERROR_INIT;
    crow hdr;
    int rc;

    if (!c)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    rd->impl = c;
    memset(&hdr, 0, sizeof hdr);
    if (crtk__decoder_open(&c->dec, rd->opts.encoding, &e) < 0)
        return crtk__rfail(rd, e.code, 0, 0, NULL, "%s", e.message);
    if (sb_adds(&rd->encoding, crtk__charset_name(c->dec.cs)) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    rd->info.encoding = rd->encoding.s;
    if (csv_init(&c->p, 0) != 0)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    c->p_init = true;
    /* Blanks are data: libcsv would otherwise trim unquoted fields. */
    csv_set_space_func(&c->p, no_space);
    rc = read_row(rd, c, &hdr);
    if (rc <= 0) {
        row_free(&hdr);
        return rc < 0 ? rc : crtk__rfail(rd, CRTK_EPARSE, 1, 0, NULL, "file is empty");
    }
    rc = read_row(rd, c, &c->rows[0]);
    if (rc >= 0) {
        c->have_pend = rc > 0;
        c->pend = 0;
        rc = pick_layout(rd, c, &hdr, c->have_pend ? &c->rows[0] : NULL);
    }
    if (rc >= 0)
        rc = map_columns(rd, c, &hdr);
    row_free(&hdr);
    if (rc < 0)
        return rc;
    rd->info.format = CRTK_FORMAT_CSV;
    rd->info.naaccr_version = crtk_layout_version(c->layout);
    rd->info.record_type = c->rt;
    rd->info.layout = c->layout;
    return CRTK_OK;
}

static void mismatch(crtk_reader *rd,
                     const char *code,
                     const char *what,
                     const crow *r,
                     const citem *ci,
                     int tumor,
                     const char *v,
                     size_t n,
                     const char *first,
                     size_t fn,
                     long first_line)
{
    crtk__report_mismatch(rd, code, what, r->line, ci->col + 1, tumor, ci->it->id, v, n, first, fn,
                          first_line);
}

static int add_row(crtk_reader *rd, csvr *c, crtk_record *rec, const crow *r, bool first)
{
    int t, i, k, nt = crtk_record_tumor_count(rec);
    const citem *ci = c->items;
    size_t n;
    const char *v;

    if (nt >= rd->opts.max_tumors)
        return crtk__rfail(rd, CRTK_ELIMIT, r->line, 0, NULL,
                           "patient \"%s\" has more than %ld tumors (rows); raise the limit or "
                           "check the sort order",
                           c->cur_id.s ? c->cur_id.s : "", rd->opts.max_tumors);
    if (r->bad_count)
        crtk__finding(rd, CRTK_SEV_ERROR, "invalid-encoding", r->bad_line, r->bad_col, nt + 1, NULL,
                      "line %ld: byte 0x%02X at column %ld is not valid UTF-8 (%ld invalid "
                      "byte%s read as U+FFFD); give the file's encoding with --encoding",
                      r->bad_line, r->bad_byte, r->bad_col, r->bad_count,
                      r->bad_count == 1 ? "" : "s");
    if (r->nf != c->ncols)
        crtk__finding(rd, CRTK_SEV_ERROR, "ragged-row", r->line, 0, nt + 1, NULL,
                      "line %ld: the row has %d field%s; the header has %d", r->line, r->nf,
                      r->nf == 1 ? "" : "s", c->ncols);
    t = crtk_record_add_tumor(rec);
    if (t < 0)
        return crtk__rfail(rd, t, r->line, 0, NULL, "out of memory");
    crtk_record_set_line(rec, t, r->line);
    for (i = 0; i < c->nroot; i++, ci++) {
        v = value(r, ci->col, &n);
        if (r->line == c->first_line) {
            if (n)
                crtk__check_value(rd, ci->it, v, n, false, r->line, ci->col + 1, 0);
        } else if (rd->opts.report_level_mismatch) {
            size_t fn;
            const char *fv = value(&c->first, ci->col, &fn);
            if (!crtk__same_value(v, n, fv, fn))
                mismatch(rd, "root-value-mismatch", "file's rows (NaaccrData level)", r, ci, t + 1,
                         v, n, fv, fn, c->first_line);
        }
    }
    for (i = 0; i < c->npat; i++, ci++) {
        v = value(r, ci->col, &n);
        if (first) {
            if (!n)
                continue;
            crtk__check_value(rd, ci->it, v, n, false, r->line, ci->col + 1, 0);
            if ((k = crtk_record_set(rec, ci->it, 0, v, n)) < 0)
                return crtk__rfail(rd, k, r->line, 0, NULL, "out of memory");
        } else if (rd->opts.report_level_mismatch) {
            size_t pn = 0;
            const char *pv = crtk_record_get(rec, ci->it, 0, &pn);
            if (!crtk__same_value(v, n, pv, pv ? pn : 0))
                mismatch(rd, "patient-value-mismatch", "patient's tumors", r, ci, t + 1, v, n,
                         pv ? pv : "", pv ? pn : 0, crtk_record_line(rec, -1));
        }
    }
    for (i = 0; i < c->ntum; i++, ci++) {
        v = value(r, ci->col, &n);
        if (!n)
            continue;
        crtk__check_value(rd, ci->it, v, n, false, r->line, ci->col + 1, t + 1);
        if ((k = crtk_record_set(rec, ci->it, t, v, n)) < 0)
            return crtk__rfail(rd, k, r->line, 0, NULL, "out of memory");
    }
    return CRTK_OK;
}

static int copy_row(crow *dst, const crow *src)
{
    int i;

    row_clear(dst);
    if (src->nf > dst->cap) {
        size_t *o = realloc(dst->off, (size_t)src->nf * sizeof *o), *l;
        if (!o)
            return CRTK_ENOMEM;
        dst->off = o;
        l = realloc(dst->len, (size_t)src->nf * sizeof *l);
        if (!l)
            return CRTK_ENOMEM;
        dst->len = l;
        dst->cap = src->nf;
    }
    for (i = 0; i < src->nf; i++) {
        dst->off[i] = src->off[i];
        dst->len[i] = src->len[i];
    }
    dst->nf = src->nf;
    dst->line = src->line;
    return sb_set(&dst->data, src->data.s ? src->data.s : "", src->data.len);
}

static int start_patient(crtk_reader *rd, csvr *c, crtk_record *rec, const crow *r)
{
    int i, rc;
    size_t n = 0;
    const char *id = "";

    if (!c->first_line) {
        /* The file's root values come from its first data row. */
        c->first_line = r->line;
        if (copy_row(&c->first, r) < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, r->line, 0, NULL, "out of memory");
    }
    if (crtk_record_reset(rec, c->layout) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, r->line, 0, NULL, "out of memory");
    crtk_record_set_line(rec, -1, r->line);
    for (i = 0; i < c->nroot; i++) {
        const char *v = value(&c->first, c->items[i].col, &n);
        if (n && (rc = crtk_record_set(rec, c->items[i].it, 0, v, n)) < 0)
            return crtk__rfail(rd, rc, r->line, 0, NULL, "out of memory");
    }
    n = 0;
    if (c->id)
        id = value(r, c->id->col, &n);
    if (sb_set(&c->cur_id, id, n) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, r->line, 0, NULL, "out of memory");
    return add_row(rd, c, rec, r, true);
}

static bool same_patient(const csvr *c, const crow *r)
{
    size_t n;
    const char *id;

    if (!c->id || !c->cur_id.len)
        return false;
    id = value(r, c->id->col, &n);
    return n && crtk__same_value(id, n, c->cur_id.s, c->cur_id.len);
}

static int next(crtk_reader *rd, crtk_record *rec)
{
    csvr *c = rd->impl;
    crow *r, *la;
    int rc;

    if (!c->have_pend)
        return 0;
    r = &c->rows[c->pend];
    la = &c->rows[1 - c->pend];
    c->have_pend = false;
    if ((rc = start_patient(rd, c, rec, r)) < 0)
        return rc;
    for (;;) {
        rc = read_row(rd, c, la);
        if (rc <= 0)
            return rc < 0 ? rc : 1;
        if (!same_patient(c, la))
            break;
        if ((rc = add_row(rd, c, rec, la, false)) < 0)
            return rc;
    }
    c->pend = 1 - c->pend;
    c->have_pend = true;
    return 1;
}

static void free_csv(crtk_reader *rd)
{
    csvr *c = rd->impl;

    if (!c)
        return;
    if (c->p_init)
        csv_free(&c->p);
    crtk__decoder_close(&c->dec);
    row_free(&c->rows[0]);
    row_free(&c->rows[1]);
    row_free(&c->first);
    free(c->items);
    sb_free(&c->cur_id);
    free(c);
    rd->impl = NULL;
}

const crtk__reader_ops crtk__csv_reader_ops = {start, next, free_csv};
