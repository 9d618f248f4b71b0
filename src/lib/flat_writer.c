/* flat_writer.c - NAACCR fixed-width writer (NAACCR formats section 3.4): one line per
 * tumor (a patient without tumors still gives one line), root and patient values repeated
 * on every line, columns 1 and 17-19 set to the target record type and version, each value
 * justified and padded in its field, the line blank-filled to the record length. Lines are
 * built in UTF-8 counting columns by code point, then encoded (Windows-1252, Latin-1). */
#include "writer_internal.h"
#include "charset_internal.h"
#include "reader_internal.h" /* crtk__utf8_len */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fw {
    crtk__encoder enc;
    const crtk_item **items; /* in column order, inside the record */
    int n;
    size_t reclen;
    char version[8];
    strbuf line, val;
} fw;

/* Re-raise the error an I/O or charset helper left in w->err. */
static int fail_err(crtk_writer *w)
{
    char msg[sizeof w->err.message];

    memcpy(msg, w->err.message, sizeof msg);
    return crtk__wfail(w, w->err.code ? w->err.code : CRTK_EIO, NULL, "%s", msg);
}

static int by_start(const void *a, const void *b)
{
    const crtk_item *x = *(const crtk_item *const *)a, *y = *(const crtk_item *const *)b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int start(crtk_writer *w)
{
    const crtk_layout *l = w->opts.layout;
    int i, n = crtk_layout_count(l);
    unsigned bit = crtk_rectype_bit(w->record_type);
    fw *f = calloc(1, sizeof *f);

    if (!f)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    w->impl = f;
    if (crtk__encoder_open(&f->enc, w->opts.encoding, &w->err) < 0)
        return fail_err(w);
    f->reclen = (size_t)crtk_layout_record_length(l, w->record_type);
    if (!f->reclen)
        return crtk__wfail(w, CRTK_EUNSUPPORTED, NULL, "%s has no fixed-width record type %c",
                           crtk_layout_name(l), w->record_type);
    snprintf(f->version, sizeof f->version, "%03d", crtk_layout_version(l) % 1000);
    f->items = calloc((size_t)(n ? n : 1), sizeof *f->items);
    if (!f->items)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    for (i = 0; i < n; i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        /* Items beyond the record type's length are not part of it (section 3.1). */
        if (it->start > 0 && it->length > 0 && (it->rectypes & bit) &&
            (size_t)it->start - 1 + (size_t)it->length <= f->reclen)
            f->items[f->n++] = it;
    }
    qsort(f->items, (size_t)f->n, sizeof *f->items, by_start);
    return CRTK_OK;
}

static bool all_digits(const char *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (v[i] < '0' || v[i] > '9')
            return false;
    return n > 0;
}

static int fill(strbuf *b, char c, size_t n)
{
    if (sb_reserve(b, n) < 0)
        return CRTK_ENOMEM;
    memset(b->s + b->len, c, n);
    b->len += n;
    b->s[b->len] = '\0';
    return CRTK_OK;
}

/* Byte length of the first `chars` code points of valid UTF-8. */
static size_t prefix_bytes(const char *v, size_t n, size_t chars)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (((unsigned char)v[i] & 0xC0) != 0x80 && chars-- == 0)
            return i;
    return n;
}

/* Append one value justified in its field; returns 0 or CRTK_ENOMEM. */
static int put_value(crtk_writer *w,
                     fw *f,
                     const crtk_record *rec,
                     int tumor,
                     const crtk_item *it,
                     const char *v,
                     size_t n)
{
    size_t chars, width = (size_t)it->length, pad;
    bool digits;

    if (memchr(v, '\r', n) || memchr(v, '\n', n)) {
        /* Embedded line breaks (CRLF, CR or LF) become one blank each (section 3.4). */
        size_t i;
        sb_clear(&f->val);
        if (sb_reserve(&f->val, n) < 0)
            return CRTK_ENOMEM;
        for (i = 0; i < n; i++) {
            char c = v[i];
            if (c == '\r' && i + 1 < n && v[i + 1] == '\n')
                i++;
            f->val.s[f->val.len++] = (c == '\r' || c == '\n') ? ' ' : c;
        }
        f->val.s[f->val.len] = '\0';
        v = f->val.s;
        n = f->val.len;
    }
    chars = crtk__utf8_len(v, n);
    if (chars > width) {
        long pat = crtk_record_ordinal(rec) ? crtk_record_ordinal(rec) : w->stats.patients + 1;
        w->stats.truncated++;
        crtk__wwarn(
            w, "value-truncated", pat, it->level == CRTK_LEVEL_TUMOR ? tumor + 1 : 0, it->id,
            "patient %ld%s: %s (#%d) value is %zu characters; the field holds %zu, "
            "the rest was cut",
            pat, it->level == CRTK_LEVEL_TUMOR ? ", tumor" : "", it->id, it->num, chars, width);
        n = prefix_bytes(v, n, width);
        chars = width;
    }
    pad = width - chars;
    digits = pad && all_digits(v, n);
    if (pad &&
        (it->padding == CRTK_PAD_LEFT_BLANK || (it->padding == CRTK_PAD_LEFT_ZERO && digits))) {
        if (fill(&f->line, it->padding == CRTK_PAD_LEFT_BLANK ? ' ' : '0', pad) < 0)
            return CRTK_ENOMEM;
        pad = 0;
    }
    if (sb_add(&f->line, v, n) < 0)
        return CRTK_ENOMEM;
    if (pad && fill(&f->line, it->padding == CRTK_PAD_RIGHT_ZERO && digits ? '0' : ' ', pad) < 0)
        return CRTK_ENOMEM;
    return CRTK_OK;
}

static int write_line(crtk_writer *w, fw *f, const crtk_record *rec, int tumor)
{
    size_t col = 0, n, outn;
    const char *out;
    long replaced = 0;
    int i;

    sb_clear(&f->line);
    for (i = 0; i < f->n; i++) {
        const crtk_item *it = f->items[i];
        size_t at = (size_t)it->start - 1;
        const char *v;
        if (at < col)
            continue; /* overlapping item of a user layout: the first one wins */
        if (!strcmp(it->id, "recordType")) {
            v = &w->record_type;
            n = 1;
        } else if (!strcmp(it->id, "naaccrRecordVersion")) {
            v = f->version;
            n = strlen(f->version);
        } else {
            v = crtk_record_get(rec, it, tumor, &n);
        }
        if (!v || !n)
            continue;
        if (fill(&f->line, ' ', at - col) < 0 || put_value(w, f, rec, tumor, it, v, n) < 0)
            return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
        col = at + (size_t)it->length;
    }
    if (fill(&f->line, ' ', f->reclen - col) < 0 ||
        sb_add(&f->line, w->opts.crlf ? "\r\n" : "\n", w->opts.crlf ? 2 : 1) < 0)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    if (crtk__encode(&f->enc, f->line.s, f->line.len, &out, &outn, &replaced) < 0)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    if (replaced) {
        long pat = crtk_record_ordinal(rec) ? crtk_record_ordinal(rec) : w->stats.patients + 1;
        w->stats.replaced_chars += replaced;
        crtk__wwarn(w, "unrepresentable-character", pat, tumor + 1, NULL,
                    "patient %ld: %ld character%s cannot be written in %s; written as '?'", pat,
                    replaced, replaced == 1 ? "" : "s", crtk__charset_name(f->enc.cs));
    }
    if (crtk__out_write(&w->out, out, outn, &w->err) < 0)
        return fail_err(w);
    return CRTK_OK;
}

static int write_patient(crtk_writer *w, const crtk_record *rec)
{
    fw *f = w->impl;
    int t, nt = crtk_record_tumor_count(rec), rc;

    if (nt == 0)
        return write_line(w, f, rec, 0);
    for (t = 0; t < nt; t++)
        if ((rc = write_line(w, f, rec, t)) < 0)
            return rc;
    return CRTK_OK;
}

static int finish(crtk_writer *w)
{
    (void)w;
    return CRTK_OK;
}

static void free_fw(crtk_writer *w)
{
    fw *f = w->impl;

    if (!f)
        return;
    crtk__encoder_close(&f->enc);
    free(f->items);
    sb_free(&f->line);
    sb_free(&f->val);
    free(f);
    w->impl = NULL;
}

const crtk__writer_ops crtk__flat_writer_ops = {start, write_patient, finish, free_fw};
