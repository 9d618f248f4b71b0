/* csv_writer.c - NAACCR CSV writer: a header row naming every item of the target layout
 * that the record type allows (so the header is known before the first patient and the
 * output streams), then one row per tumor with root and patient values repeated (a patient
 * without tumors gives one row). Fields are quoted as RFC 4180 says, and also when they
 * start or end with a blank so no reader trims them. recordType and naaccrRecordVersion
 * are written as the target's, like columns 1 and 17-19 of a flat record. */
#include "writer_internal.h"
#include "charset_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cw {
    crtk__encoder enc;
    const crtk_item **items; /* header columns, layout order */
    int n;
    char version[8];
    strbuf row;
} cw;

static int fail_err(crtk_writer *w)
{
    char msg[sizeof w->err.message];

    memcpy(msg, w->err.message, sizeof msg);
    return crtk__wfail(w, w->err.code ? w->err.code : CRTK_EIO, NULL, "%s", msg);
}

static int emit(crtk_writer *w, cw *c, const crtk_record *rec, int tumor)
{
    const char *out;
    size_t outn;
    long replaced = 0;

    if (sb_add(&c->row, w->opts.crlf ? "\r\n" : "\n", w->opts.crlf ? 2 : 1) < 0 ||
        crtk__encode(&c->enc, c->row.s, c->row.len, &out, &outn, &replaced) < 0)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    if (replaced) {
        long pat =
            rec && crtk_record_ordinal(rec) ? crtk_record_ordinal(rec) : w->stats.patients + 1;
        w->stats.replaced_chars += replaced;
        crtk__wwarn(w, "unrepresentable-character", pat, tumor, NULL,
                    "patient %ld: %ld character%s cannot be written in %s; written as '?'", pat,
                    replaced, replaced == 1 ? "" : "s", crtk__charset_name(c->enc.cs));
    }
    if (crtk__out_write(&w->out, out, outn, &w->err) < 0)
        return fail_err(w);
    return CRTK_OK;
}

static int start(crtk_writer *w)
{
    const crtk_layout *l = w->opts.layout;
    int i, n = crtk_layout_count(l);
    unsigned bit = crtk_rectype_bit(w->record_type);
    cw *c = calloc(1, sizeof *c);

    if (!c)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    w->impl = c;
    if (crtk__encoder_open(&c->enc, w->opts.encoding, &w->err) < 0)
        return fail_err(w);
    snprintf(c->version, sizeof c->version, "%03d", crtk_layout_version(l) % 1000);
    c->items = calloc((size_t)(n ? n : 1), sizeof *c->items);
    if (!c->items)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    sb_clear(&c->row);
    for (i = 0; i < n; i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        if (bit && !(it->rectypes & bit))
            continue;
        if (c->n && sb_addc(&c->row, ',') < 0)
            return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
        if (sb_adds(&c->row, it->id) < 0)
            return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
        c->items[c->n++] = it;
    }
    return emit(w, c, NULL, 0);
}

static bool needs_quotes(const char *v, size_t n)
{
    size_t i;

    if (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t')
        return true;
    for (i = 0; i < n; i++)
        if (v[i] == ',' || v[i] == '"' || v[i] == '\r' || v[i] == '\n')
            return true;
    return false;
}

static int add_field(strbuf *b, const char *v, size_t n)
{
    size_t i;

    if (!needs_quotes(v, n))
        return sb_add(b, v, n);
    if (sb_addc(b, '"') < 0)
        return CRTK_ENOMEM;
    for (i = 0; i < n; i++) {
        if (v[i] == '"' && sb_addc(b, '"') < 0)
            return CRTK_ENOMEM;
        if (sb_addc(b, v[i]) < 0)
            return CRTK_ENOMEM;
    }
    return sb_addc(b, '"');
}

static int write_row(crtk_writer *w, cw *c, const crtk_record *rec, int tumor)
{
    int i;

    sb_clear(&c->row);
    for (i = 0; i < c->n; i++) {
        const crtk_item *it = c->items[i];
        const char *v;
        size_t n = 0;
        if (i && sb_addc(&c->row, ',') < 0)
            return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
        if (!strcmp(it->id, "recordType")) {
            v = &w->record_type;
            n = 1;
        } else if (!strcmp(it->id, "naaccrRecordVersion") && crtk_layout_version(w->opts.layout)) {
            v = c->version;
            n = strlen(v);
        } else {
            v = crtk_record_get(rec, it, tumor, &n);
        }
        if (v && n && add_field(&c->row, v, n) < 0)
            return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    }
    return emit(w, c, rec, crtk_record_tumor_count(rec) ? tumor + 1 : 0);
}

static int write_patient(crtk_writer *w, const crtk_record *rec)
{
    cw *c = w->impl;
    int t, nt = crtk_record_tumor_count(rec), rc;

    if (nt == 0)
        return write_row(w, c, rec, 0);
    for (t = 0; t < nt; t++)
        if ((rc = write_row(w, c, rec, t)) < 0)
            return rc;
    return CRTK_OK;
}

static int finish(crtk_writer *w)
{
    (void)w;
    return CRTK_OK;
}

static void free_cw(crtk_writer *w)
{
    cw *c = w->impl;

    if (!c)
        return;
    crtk__encoder_close(&c->enc);
    free(c->items);
    sb_free(&c->row);
    free(c);
    w->impl = NULL;
}

const crtk__writer_ops crtk__csv_writer_ops = {start, write_patient, finish, free_cw};
