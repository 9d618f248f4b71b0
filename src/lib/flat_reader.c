/* flat_reader.c - NAACCR fixed-width reader (NAACCR formats section 3). The layout comes
 * from the first line (record type col 1, version cols 17-19) unless the caller gives one.
 * One line is one tumor; consecutive lines with the same patientIdNumber form a patient, so
 * the reader keeps one line of lookahead. Lines are decoded to UTF-8 and sliced by code
 * point; a pure-ASCII line (the usual case) is sliced by byte without any copy or
 * allocation. DECISION (crtk): short lines and blank-padded long lines are warnings, not
 * errors, because registrars often receive files with trailing blanks trimmed. */
#include "reader_internal.h"
#include "charset_internal.h"
#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fitem {
    const crtk_item *it;
    size_t off, len; /* 0-based first character, width in characters */
    int span;        /* this item and the next ones of its level that lie in [off, off+SPAN) */
} fitem;

/* Most fields of an abstract are blank: one test of SPAN blank bytes clears every item of a
 * level that lies inside them. */
#define SPAN 64

/* One input line, decoded. */
typedef struct lview {
    const char *s;
    size_t len;
    bool ascii;
    long lineno;
    int term; /* line terminator length; 0 for a last line without one */
    crtk__decoded dec;
} lview;

typedef struct flat {
    crtk__decoder dec;
    const crtk_layout *layout;
    char rt;
    size_t reclen;
    char desc[96];
    fitem *items; /* root, then patient, then tumor items */
    int nroot, npat, ntum;
    const fitem *id; /* patientIdNumber, NULL when the layout has none */
    const crtk_item *rt_item, *ver_item;
    int first_version; /* normalised version of line 1 (0 when blank: layout given) */
    long first_lineno;
    strbuf rootvals; /* the first line's root values */
    size_t *root_off, *root_len;
    size_t *cp; /* byte offset of each code point of a non-ASCII line; cp[nchars] = len */
    size_t nchars, cpcap;
    strbuf pend; /* the lookahead line (first line of the next patient) */
    lview pend_view;
    bool have_pend;
    bool pend_unget; /* the look-ahead line was given back to the input */
    strbuf cur_id;   /* trimmed patientIdNumber of the current patient, "" = blank */
    bool mixed_reported;
    struct gap {
        size_t off, len;
        bool reported;
    } * gaps; /* columns of the record no item covers */
    int ngaps;
} flat;

static int read_fail(crtk_reader *rd, int rc, const crtk_error *e)
{
    return crtk__rfail(rd, rc, e->line, e->column, NULL, "%s", e->message);
}

/* Build the code point index of a non-ASCII line. */
static int index_line(flat *f, const lview *l)
{
    size_t i, n = 0;

    if (l->ascii) {
        f->nchars = l->len;
        return CRTK_OK;
    }
    if (l->len + 1 > f->cpcap) {
        size_t nc = f->cpcap ? f->cpcap : 4096;
        size_t *p;
        while (nc < l->len + 1)
            nc *= 2;
        p = realloc(f->cp, nc * sizeof *p);
        if (!p)
            return CRTK_ENOMEM;
        f->cp = p;
        f->cpcap = nc;
    }
    for (i = 0; i < l->len; i++)
        if (((unsigned char)l->s[i] & 0xC0) != 0x80)
            f->cp[n++] = i;
    f->cp[n] = l->len;
    f->nchars = n;
    return CRTK_OK;
}

/* Characters [off, off+len) of the indexed line, clipped to the line. */
static inline const char *slice(const flat *f, const lview *l, size_t off, size_t len, size_t *n)
{
    size_t a, b;

    if (l->ascii) {
        a = off < l->len ? off : l->len;
        b = off + len < l->len ? off + len : l->len;
    } else {
        a = off < f->nchars ? f->cp[off] : l->len;
        b = off + len < f->nchars ? f->cp[off + len] : l->len;
    }
    *n = b - a;
    return l->s + a;
}

/* The value of an item in a line: trimmed when the item says so; all blank = absent. */
static inline const char *value(const flat *f, const lview *l, const fitem *fi, size_t *n)
{
    const char *v = slice(f, l, fi->off, fi->len, n);

    if (!*n)
        return v;
    if (v[0] == ' ' && v[*n - 1] == ' ' && crtk__all_blank(v, *n)) {
        *n = 0;
        return v;
    }
    if (fi->it->trim) {
        while (v[0] == ' ') {
            v++;
            --*n;
        }
        while (v[*n - 1] == ' ')
            --*n;
    }
    return v;
}

/* Next non-empty line, decoded and indexed: 1, 0 at end, <0 error. */
static int read_line(crtk_reader *rd, flat *f, lview *l)
{
    for (;;) {
        crtk_error e = CRTK_ERROR_INIT;
        const char *s;
        size_t n;
        int term = 1;
        int rc = crtk__in_getline(&rd->in, &s, &n, &term, &e);

        if (rc < 0)
            return read_fail(rd, rc, &e);
        if (rc == 0)
            return 0;
        l->lineno = rd->in.line;
        l->term = term;
        if (l->lineno == 1 && n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
            s += 3;
            n -= 3;
        }
        if (n == 1 && s[0] == 0x1A)
            continue; /* DOS end-of-file mark */
        if (l->lineno > f->first_lineno && crtk__all_blank(s, n)) {
            crtk__finding(rd, CRTK_SEV_WARNING, "empty-line", l->lineno, 0, 0, NULL,
                          "line %ld is empty; skipped", l->lineno);
            continue;
        }
        if (crtk__decode(&f->dec, s, n, &l->dec) < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, l->lineno, 0, NULL, "out of memory");
        l->s = l->dec.s;
        l->len = l->dec.len;
        l->ascii = l->dec.ascii;
        if (index_line(f, l) < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, l->lineno, 0, NULL, "out of memory");
        return 1;
    }
}

/* Keep the look-ahead line (the next patient's first): given back to the input when it can
 * be (the next read returns it again, no copy), else copied. */
static int stash(crtk_reader *rd, flat *f, const lview *l)
{
    f->pend_view = *l;
    f->have_pend = true;
    if (crtk__in_ungetline(&rd->in)) {
        f->pend_unget = true;
        return CRTK_OK;
    }
    f->pend_unget = false;
    if (sb_set(&f->pend, l->s, l->len) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, l->lineno, 0, NULL, "out of memory");
    f->pend_view.s = f->pend.s;
    return CRTK_OK;
}

static int unstash(crtk_reader *rd, flat *f, lview *l)
{
    f->have_pend = false;
    if (f->pend_unget) {
        int rc = read_line(rd, f, l);
        if (rc < 0)
            return rc;
        if (rc == 0 || l->lineno != f->pend_view.lineno)
            return crtk__rfail(rd, CRTK_EINVALID, f->pend_view.lineno, 0, NULL,
                               "internal error: the look-ahead line was lost");
        return CRTK_OK;
    }
    *l = f->pend_view;
    if (index_line(f, l) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, l->lineno, 0, NULL, "out of memory");
    return CRTK_OK;
}

static void trim_blanks(const char **v, size_t *n)
{
    while (*n && (*v)[0] == ' ') {
        ++*v;
        --*n;
    }
    while (*n && (*v)[*n - 1] == ' ')
        --*n;
}

/* ---- start: identify the layout from the first line ---- */

static int by_off(const void *a, const void *b)
{
    const fitem *x = a, *y = b;

    return x->off < y->off ? -1 : x->off > y->off;
}

/* Columns inside the record that no item covers: their content cannot be read, so the
 * reader says so (once per gap) rather than dropping it silently. */
static int find_gaps(flat *f)
{
    int i, n = f->nroot + f->npat + f->ntum, cap = 8;
    fitem *sorted = malloc(((size_t)n + 1) * sizeof *sorted);
    size_t end = 0;

    f->gaps = malloc((size_t)cap * sizeof *f->gaps);
    if (!sorted || !f->gaps) {
        free(sorted);
        return CRTK_ENOMEM;
    }
    memcpy(sorted, f->items, (size_t)n * sizeof *sorted);
    qsort(sorted, (size_t)n, sizeof *sorted, by_off);
    for (i = 0; i <= n; i++) {
        size_t at = i < n ? sorted[i].off : f->reclen;
        if (at > f->reclen)
            at = f->reclen;
        if (at > end) {
            if (f->ngaps == cap) {
                struct gap *p = realloc(f->gaps, (size_t)(cap *= 2) * sizeof *p);
                if (!p) {
                    free(sorted);
                    return CRTK_ENOMEM;
                }
                f->gaps = p;
            }
            f->gaps[f->ngaps].reported = false;
            f->gaps[f->ngaps].off = end;
            f->gaps[f->ngaps].len = at - end;
            f->ngaps++;
        }
        if (i < n && sorted[i].off + sorted[i].len > end)
            end = sorted[i].off + sorted[i].len;
    }
    free(sorted);
    return CRTK_OK;
}

static void set_spans(fitem *items, int n)
{
    for (int i = 0; i < n; i++) {
        int j = i;
        while (j < n && items[j].off >= items[i].off &&
               items[j].off + items[j].len <= items[i].off + SPAN)
            j++;
        items[i].span = j - i;
    }
}

/* The items from `it` on that are blank for sure in this line, without looking at each: 0
 * when the SPAN bytes at the item are not all blank (or not plain ASCII). */
static inline int blank_span(const lview *l, const fitem *it)
{
    if (it->span > 1 && l->ascii && it->off + SPAN <= l->len &&
        crtk__all_blank(l->s + it->off, SPAN))
        return it->span;
    return 0;
}

static int setup_items(crtk_reader *rd, flat *f)
{
    const crtk_layout *l = f->layout;
    int i, n = crtk_layout_count(l), k = 0, lv;
    unsigned bit = crtk_rectype_bit(f->rt);

    f->items = calloc((size_t)(n ? n : 1), sizeof *f->items);
    if (!f->items)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    for (lv = 0; lv < CRTK_LEVELS; lv++) {
        int before = k;
        for (i = 0; i < n; i++) {
            const crtk_item *it = crtk_layout_item(l, i);
            if ((int)it->level != lv || it->start <= 0 || it->length <= 0 || !(it->rectypes & bit))
                continue;
            f->items[k].it = it;
            f->items[k].off = (size_t)it->start - 1;
            f->items[k].len = (size_t)it->length;
            if (!strcmp(it->id, "patientIdNumber"))
                f->id = &f->items[k];
            else if (!strcmp(it->id, "recordType"))
                f->rt_item = it;
            else if (!strcmp(it->id, "naaccrRecordVersion"))
                f->ver_item = it;
            k++;
        }
        if (lv == CRTK_LEVEL_ROOT)
            f->nroot = k - before;
        else if (lv == CRTK_LEVEL_PATIENT)
            f->npat = k - before;
        else
            f->ntum = k - before;
    }
    set_spans(f->items, f->nroot);
    set_spans(f->items + f->nroot, f->npat);
    set_spans(f->items + f->nroot + f->npat, f->ntum);
    if ((k = find_gaps(f)) < 0)
        return crtk__rfail(rd, k, 0, 0, NULL, "out of memory");
    f->root_off = calloc((size_t)f->nroot + 1, sizeof *f->root_off);
    f->root_len = calloc((size_t)f->nroot + 1, sizeof *f->root_len);
    if (!f->root_off || !f->root_len)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    return CRTK_OK;
}

static int start(crtk_reader *rd)
{
    flat *f = calloc(1, sizeof *f);
    crtk_error e = CRTK_ERROR_INIT;
    lview l;
    const char *v;
    size_t n, rtn;
    int rc, i, version = 0;
    char rtc;

    if (!f)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    rd->impl = f;
    f->first_lineno = 1;
    if (crtk__decoder_open(&f->dec, rd->opts.encoding, &e) < 0)
        return crtk__rfail(rd, e.code, 0, 0, NULL, "%s", e.message);
    rc = read_line(rd, f, &l);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return crtk__rfail(rd, CRTK_EPARSE, 1, 0, NULL, "file is empty");
    f->first_lineno = l.lineno;
    if (l.len == 0)
        return crtk__rfail(rd, CRTK_EPARSE, l.lineno, 1, NULL,
                           "line %ld is empty; a fixed-width file starts with a record "
                           "(record type in column 1, NAACCR version in columns 17-19)",
                           l.lineno);
    /* Record type: column 1 (item 10). */
    v = slice(f, &l, 0, 1, &rtn);
    rtc = rtn == 1 ? v[0] : ' ';
    if (rtc == ' ' && rd->opts.record_type)
        rtc = rd->opts.record_type;
    if (!crtk_rectype_bit(rtc))
        return crtk__rfail(rd, CRTK_EUNSUPPORTED, l.lineno, 1, "recordType",
                           "line %ld: record type (column 1) is \"%.*s\"; expected A, M, C or I",
                           l.lineno, (int)rtn, v);
    f->rt = rtc;
    /* NAACCR version: columns 17-19 (item 50). */
    v = slice(f, &l, 16, 3, &n);
    trim_blanks(&v, &n);
    if (n) {
        char buf[16]; /* 3 characters of up to 4 UTF-8 bytes each */
        memcpy(buf, v, n < sizeof buf ? n : sizeof buf - 1);
        buf[n < sizeof buf ? n : sizeof buf - 1] = '\0';
        version = crtk_version_normalize(buf);
    }
    f->first_version = version;
    if (rd->opts.layout) {
        f->layout = rd->opts.layout;
    } else {
        int want = rd->opts.naaccr_version ? rd->opts.naaccr_version : version;
        if (!want)
            return crtk__rfail(rd, CRTK_EUNSUPPORTED, l.lineno, 17, "naaccrRecordVersion",
                               "line %ld: NAACCR version (columns 17-19) is \"%.*s\"; expected "
                               "a version such as 180 (give one with --version)",
                               l.lineno, (int)n, v);
        if (want >= 210 && !crtk_layouts_dictionary(rd->ls, want))
            return crtk__rfail(rd, CRTK_EUNSUPPORTED, l.lineno, 17, "naaccrRecordVersion",
                               "line %ld: version \"%.*s\" (columns 17-19) is not a NAACCR "
                               "version crtk knows; fixed-width layouts: 12, 13, 14, 15, 16, 18",
                               l.lineno, (int)n, v);
        if (want >= 210)
            return crtk__rfail(rd, CRTK_EUNSUPPORTED, l.lineno, 17, "naaccrRecordVersion",
                               "line %ld: version %d: NAACCR 21 and later have no standard "
                               "fixed-width layout; give a layout with --layout",
                               l.lineno, want);
        f->layout = crtk_layouts_flat(rd->ls, want);
        if (!f->layout)
            return crtk__rfail(rd, CRTK_EUNSUPPORTED, l.lineno, 17, "naaccrRecordVersion",
                               "line %ld: no fixed-width layout for NAACCR version \"%.*s\" "
                               "(columns 17-19); known: 12, 13, 14, 15, 16, 18",
                               l.lineno, (int)n, v);
    }
    f->reclen = (size_t)crtk_layout_record_length(f->layout, f->rt);
    if (!f->reclen)
        return crtk__rfail(rd, CRTK_EUNSUPPORTED, l.lineno, 1, "recordType",
                           "line %ld: layout %s has no record type %c", l.lineno,
                           crtk_layout_name(f->layout), f->rt);
    {
        const char *d = crtk_layout_description(f->layout);
        snprintf(f->desc, sizeof f->desc, "%s", d && *d ? d : crtk_layout_name(f->layout));
    }
    if ((rc = setup_items(rd, f)) < 0)
        return rc;
    /* The file's root values come from its first line (section 3.2). */
    for (i = 0; i < f->nroot; i++) {
        const char *rv = value(f, &l, &f->items[i], &n);
        f->root_off[i] = f->rootvals.len;
        f->root_len[i] = n;
        if (sb_add(&f->rootvals, rv, n) < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    }
    if ((rc = stash(rd, f, &l)) < 0)
        return rc;
    rd->info.format = CRTK_FORMAT_FLAT;
    rd->info.naaccr_version = crtk_layout_version(f->layout);
    rd->info.record_type = f->rt;
    rd->info.layout = f->layout;
    if (sb_adds(&rd->encoding, crtk__charset_name(l.dec.used)) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    if (f->dec.cs == CRTK__CS_AUTO && l.ascii) {
        sb_clear(&rd->encoding);
        if (sb_adds(&rd->encoding, "auto") < 0)
            return crtk__rfail(rd, CRTK_ENOMEM, 0, 0, NULL, "out of memory");
    }
    rd->info.encoding = rd->encoding.s;
    return CRTK_OK;
}

/* ---- per line ---- */

static void update_encoding(crtk_reader *rd, flat *f, const lview *l)
{
    const char *name;

    if (f->dec.cs != CRTK__CS_AUTO || l->ascii)
        return;
    name = crtk__charset_name(l->dec.used);
    if (!strcmp(rd->encoding.s, "auto")) {
        sb_clear(&rd->encoding);
        if (sb_adds(&rd->encoding, name) == 0)
            rd->info.encoding = rd->encoding.s;
    }
    if (f->dec.saw_utf8 && f->dec.saw_1252 && !f->mixed_reported) {
        f->mixed_reported = true;
        crtk__finding(rd, CRTK_SEV_WARNING, "mixed-encoding", l->lineno, 0, 0, NULL,
                      "line %ld is not valid UTF-8 but earlier lines were (or the reverse); "
                      "each line was decoded as UTF-8 when valid, else as Windows-1252",
                      l->lineno);
    }
}

static void line_checks(crtk_reader *rd, flat *f, const lview *l, int tumor)
{
    size_t chars = f->nchars;
    int g;

    for (g = 0; g < f->ngaps; g++) {
        size_t n;
        const char *x;
        if (f->gaps[g].reported || f->gaps[g].off >= chars)
            continue;
        x = slice(f, l, f->gaps[g].off, f->gaps[g].len, &n);
        if (crtk__all_blank(x, n))
            continue;
        f->gaps[g].reported = true;
        crtk__finding(rd, CRTK_SEV_WARNING, "unmapped-columns", l->lineno, (long)f->gaps[g].off + 1,
                      tumor, NULL,
                      "columns %zu-%zu hold \"%.*s\" but no item of %s record type %c covers "
                      "them; they are not read (reported once)",
                      f->gaps[g].off + 1, f->gaps[g].off + f->gaps[g].len, n > 40 ? 40 : (int)n, x,
                      f->desc, f->rt);
    }

    if (l->dec.bad_count)
        crtk__finding(rd, CRTK_SEV_ERROR, "invalid-encoding", l->lineno, l->dec.bad_column, tumor,
                      NULL,
                      "line %ld: byte 0x%02X at column %ld is not valid UTF-8 (%ld invalid "
                      "byte%s read as U+FFFD); give the file's encoding with --encoding",
                      l->lineno, l->dec.bad_byte, l->dec.bad_column, l->dec.bad_count,
                      l->dec.bad_count == 1 ? "" : "s");
    update_encoding(rd, f, l);
    if (chars < f->reclen && l->term == 0) {
        /* A short last line without a line end: the file was cut (a copy or transfer that
         * did not finish), not a line whose trailing blanks were trimmed. */
        crtk__finding(rd, CRTK_SEV_ERROR, "truncated-line", l->lineno, (long)chars + 1, tumor, NULL,
                      "the last line ends at column %zu without a line end; %s record type %c "
                      "has %zu: the file is truncated",
                      chars, f->desc, f->rt, f->reclen);
    } else if (chars < f->reclen) {
        crtk__finding(rd, CRTK_SEV_WARNING, "line-too-short", l->lineno, (long)chars + 1, tumor,
                      NULL,
                      "line is %zu characters; %s record type %c has %zu: columns %zu-%zu read "
                      "as blank",
                      chars, f->desc, f->rt, f->reclen, chars + 1, f->reclen);
    } else if (chars > f->reclen) {
        size_t n, extra = chars - f->reclen;
        const char *x = slice(f, l, f->reclen, extra, &n);
        size_t a = 0, b = n;
        if (crtk__all_blank(x, n)) {
            crtk__finding(rd, CRTK_SEV_WARNING, "line-too-long", l->lineno, (long)f->reclen + 1,
                          tumor, NULL,
                          "line is %zu characters; %s record type %c has %zu: columns %zu-%zu "
                          "are blank and ignored",
                          chars, f->desc, f->rt, f->reclen, f->reclen + 1, chars);
            return;
        }
        while (x[a] == ' ')
            a++;
        while (x[b - 1] == ' ')
            b--;
        crtk__finding(rd, CRTK_SEV_ERROR, "line-too-long", l->lineno,
                      (long)(f->reclen + 1 + crtk__utf8_len(x, a)), tumor, NULL,
                      "line is %zu characters; %s record type %c has %zu: columns %zu-%zu "
                      "hold \"%.*s%s\" beyond the record, not read",
                      chars, f->desc, f->rt, f->reclen, f->reclen + 1, chars,
                      b - a > 60 ? 60 : (int)(b - a), x + a, b - a > 60 ? "..." : "");
    }
}

static void mismatch(crtk_reader *rd,
                     const char *code,
                     const char *what,
                     const lview *l,
                     const fitem *fi,
                     int tumor,
                     const char *v,
                     size_t n,
                     const char *first,
                     size_t fn,
                     long first_line)
{
    crtk__report_mismatch(rd, code, what, l->lineno, (long)fi->off + 1, tumor, fi->it->id, v, n,
                          first, fn, first_line);
}

/* Record type and version of a later line must match the first line's. */
static void header_checks(crtk_reader *rd, flat *f, const lview *l, int tumor)
{
    size_t n;
    const char *v = slice(f, l, 0, 1, &n);

    if (n != 1 || v[0] != f->rt)
        crtk__finding(rd, CRTK_SEV_ERROR, "record-type-mismatch", l->lineno, 1, tumor, "recordType",
                      "line %ld has record type \"%.*s\" in column 1; the file's first line has "
                      "\"%c\"",
                      l->lineno, (int)n, v, f->rt);
    if (f->first_version) {
        char buf[16]; /* 3 characters of up to 4 UTF-8 bytes each */
        int ver = 0;
        v = slice(f, l, 16, 3, &n);
        trim_blanks(&v, &n);
        if (n) {
            memcpy(buf, v, n < sizeof buf ? n : sizeof buf - 1);
            buf[n < sizeof buf ? n : sizeof buf - 1] = '\0';
            ver = crtk_version_normalize(buf);
        }
        if (ver != f->first_version)
            crtk__finding(rd, CRTK_SEV_ERROR, "version-mismatch", l->lineno, 17, tumor,
                          "naaccrRecordVersion",
                          "line %ld has NAACCR version \"%.*s\" in columns 17-19; the file's "
                          "first line has %d",
                          l->lineno, (int)n, v, f->first_version);
    }
}

static int add_line(crtk_reader *rd, flat *f, crtk_record *rec, const lview *l, bool first)
{
    int t, i, k, nt = crtk_record_tumor_count(rec);
    const fitem *it = f->items;
    size_t n;
    const char *v;

    if (nt >= rd->opts.max_tumors)
        return crtk__rfail(rd, CRTK_ELIMIT, l->lineno, 0, NULL,
                           "patient \"%s\" has more than %ld tumors (lines); raise the limit "
                           "or check the sort order",
                           f->cur_id.s ? f->cur_id.s : "", rd->opts.max_tumors);
    line_checks(rd, f, l, nt + 1);
    t = crtk_record_add_tumor(rec);
    if (t < 0)
        return crtk__rfail(rd, t, l->lineno, 0, NULL, "out of memory");
    crtk_record_set_line(rec, t, l->lineno);
    /* Root items: taken from the file's first line, compared on every other line. */
    for (i = 0; i < f->nroot; i++, it++) {
        const char *fv = f->rootvals.s + f->root_off[i];
        v = value(f, l, it, &n);
        if (l->lineno == f->first_lineno) {
            if (n)
                crtk__check_value(rd, it->it, v, n, false, l->lineno, (long)it->off + 1, 0);
        } else if (rd->opts.report_level_mismatch && it->it != f->rt_item &&
                   it->it != f->ver_item && !crtk__same_value(v, n, fv, f->root_len[i])) {
            mismatch(rd, "root-value-mismatch", "file's lines (NaaccrData level)", l, it, t + 1, v,
                     n, fv, f->root_len[i], f->first_lineno);
        }
    }
    if (l->lineno != f->first_lineno)
        header_checks(rd, f, l, t + 1);
    /* Patient items: from the patient's first line, compared on the others. */
    for (i = 0; i < f->npat; i++, it++) {
        if (first && (k = blank_span(l, it)) > 0) {
            i += k - 1;
            it += k - 1;
            continue;
        }
        v = value(f, l, it, &n);
        if (first) {
            if (!n)
                continue;
            crtk__check_value(rd, it->it, v, n, false, l->lineno, (long)it->off + 1, 0);
            if ((k = crtk_record_set(rec, it->it, 0, v, n)) < 0)
                return crtk__rfail(rd, k, l->lineno, 0, NULL, "out of memory");
        } else if (rd->opts.report_level_mismatch) {
            size_t pn = 0;
            const char *pv = crtk_record_get(rec, it->it, 0, &pn);
            if (!crtk__same_value(v, n, pv, pv ? pn : 0))
                mismatch(rd, "patient-value-mismatch", "patient's tumors", l, it, t + 1, v, n,
                         pv ? pv : "", pv ? pn : 0, crtk_record_line(rec, -1));
        }
    }
    for (i = 0; i < f->ntum; i++, it++) {
        if ((k = blank_span(l, it)) > 0) {
            i += k - 1;
            it += k - 1;
            continue;
        }
        v = value(f, l, it, &n);
        if (!n)
            continue;
        crtk__check_value(rd, it->it, v, n, false, l->lineno, (long)it->off + 1, t + 1);
        if ((k = crtk_record_set(rec, it->it, t, v, n)) < 0)
            return crtk__rfail(rd, k, l->lineno, 0, NULL, "out of memory");
    }
    return CRTK_OK;
}

static int start_patient(crtk_reader *rd, flat *f, crtk_record *rec, const lview *l)
{
    int i, rc;
    size_t n = 0;
    const char *id = "";

    if (crtk_record_reset(rec, f->layout) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, l->lineno, 0, NULL, "out of memory");
    crtk_record_set_line(rec, -1, l->lineno);
    for (i = 0; i < f->nroot; i++) {
        if (!f->root_len[i])
            continue;
        rc =
            crtk_record_set(rec, f->items[i].it, 0, f->rootvals.s + f->root_off[i], f->root_len[i]);
        if (rc < 0)
            return crtk__rfail(rd, rc, l->lineno, 0, NULL, "out of memory");
    }
    if (f->id)
        id = value(f, l, f->id, &n);
    if (sb_set(&f->cur_id, id, n) < 0)
        return crtk__rfail(rd, CRTK_ENOMEM, l->lineno, 0, NULL, "out of memory");
    return add_line(rd, f, rec, l, true);
}

/* Does the line continue the current patient? Equal, non-blank patientIdNumber (3.3). */
static bool same_patient(const flat *f, const lview *l)
{
    size_t n;
    const char *id;

    if (!f->id || !f->cur_id.len)
        return false;
    id = value(f, l, f->id, &n);
    return n && crtk__same_value(id, n, f->cur_id.s, f->cur_id.len);
}

static int next(crtk_reader *rd, crtk_record *rec)
{
    flat *f = rd->impl;
    lview l;
    int rc;

    if (!f->have_pend)
        return 0;
    if ((rc = unstash(rd, f, &l)) < 0)
        return rc;
    if ((rc = start_patient(rd, f, rec, &l)) < 0)
        return rc;
    for (;;) {
        rc = read_line(rd, f, &l);
        if (rc <= 0)
            return rc < 0 ? rc : 1;
        if (!same_patient(f, &l))
            break;
        if ((rc = add_line(rd, f, rec, &l, false)) < 0)
            return rc;
    }
    if ((rc = stash(rd, f, &l)) < 0)
        return rc;
    return 1;
}

static void free_flat(crtk_reader *rd)
{
    flat *f = rd->impl;

    if (!f)
        return;
    crtk__decoder_close(&f->dec);
    free(f->items);
    free(f->gaps);
    free(f->root_off);
    free(f->root_len);
    free(f->cp);
    sb_free(&f->rootvals);
    sb_free(&f->pend);
    sb_free(&f->cur_id);
    free(f);
    rd->impl = NULL;
}

const crtk__reader_ops crtk__flat_reader_ops = {start, next, free_flat};
