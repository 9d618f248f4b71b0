/* report.c - the check report model: per file, per layout and per edit counts, tumors with
 * errors counted once however many edits (or inter-record pairs) failed on them, and a
 * bounded record detail (the failing tumors' key items with each failure, its messages and
 * the values the edit saw). The renderers read the model; nothing here formats output. */
#include "report_internal.h"
#include "error_internal.h"
#include "io_internal.h"
#include "util/sha256_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_MAX_RECORDS 5000

/* Key items of a failing tumor in the record detail; absent from a layout, not shown. */
const char *const crtk__report_key_ids[REPORT_KEYS] = {
    "patientIdNumber",       "tumorRecordNumber", "accessionNumberHosp", "sequenceNumberHospital",
    "sequenceNumberCentral", "primarySite",       "dateOfDiagnosis"};
const char *const crtk__report_key_labels[REPORT_KEYS] = {
    "Patient ID Number",         "Tumor Record Number",      "Accession Number--Hosp",
    "Sequence Number--Hospital", "Sequence Number--Central", "Primary Site",
    "Date of Diagnosis"};

int crtk_check_report_new(crtk_check_report **out,
                          const crtk_check_report_opts *opts,
                          crtk_error *err)
{
    crtk_check_report *r;

    *out = NULL;
    if (!opts || !opts->db)
        return crtk__fail(err, CRTK_EARG, "report: the edits are required");
    r = calloc(1, sizeof *r);
    if (!r)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    r->opts = *opts;
    if (r->opts.max_records == 0)
        r->opts.max_records = DEFAULT_MAX_RECORDS;
    r->cur = -1;
    *out = r;
    return CRTK_OK;
}

void crtk_check_report_free(crtk_check_report *r)
{
    int i;

    if (!r)
        return;
    for (i = 0; i < r->nfiles; i++)
        free(r->files[i].path);
    free(r->files);
    for (i = 0; i < r->nchk; i++)
        free(r->chk[i].fails);
    free(r->pend);
    sb_free(&r->pendmem);
    free(r->recs);
    free(r->fails);
    sb_free(&r->mem);
    free(r);
}

bool crtk_check_skip_is_missing_field(const crtk_error *e)
{
    return strstr(e->message, "unknown field") != NULL;
}

static int add_checker(crtk_check_report *r, const crtk_checker *c)
{
    int i, k;

    for (i = 0; i < r->nchk; i++)
        if (r->chk[i].c == c)
            return i;
    if (r->nchk == REPORT_MAX_CHK)
        return CRTK_ELIMIT;
    r->chk[i].c = c;
    r->chk[i].fails = calloc((size_t)crtk_checker_edit_count(c) + 1, sizeof(long));
    if (!r->chk[i].fails)
        return CRTK_ENOMEM;
    for (k = 0; k < crtk_checker_skipped_count(c); k++) {
        if (crtk_check_skip_is_missing_field(crtk_checker_skipped_error(c, k)))
            r->t.edits_missing_fields++;
        else
            r->t.edits_not_compiled++;
    }
    return r->nchk++;
}

int crtk_check_report_file_begin(crtk_check_report *r,
                                 const char *path,
                                 const crtk_reader *rd,
                                 const crtk_checker *c)
{
    const crtk_file_info *in = crtk_reader_info(rd);
    struct stat st;
    rfile *f;
    int ci = add_checker(r, c);

    if (ci < 0)
        return ci;
    r->cur = ci;
    if (crtk__grow((void **)&r->files, &r->capfiles, (size_t)r->nfiles + 1, sizeof *f) < 0)
        return CRTK_ENOMEM;
    f = &r->files[r->nfiles];
    memset(f, 0, sizeof *f);
    f->path = strdup(path);
    if (!f->path)
        return CRTK_ENOMEM;
    f->bytes = strcmp(path, "-") && stat(path, &st) == 0 ? (long long)st.st_size : -1;
    snprintf(f->layout, sizeof f->layout, "%s", crtk_layout_name(in->layout));
    f->record_type = in->record_type;
    f->format = in->format;
    f->naaccr_version = in->naaccr_version;
    if (r->opts.hash_inputs && f->bytes >= 0 && S_ISREG(st.st_mode)) {
        crtk_error e = CRTK_ERROR_INIT;
        if (crtk__sha256_file(path, f->sha256, &e) < 0)
            f->sha256[0] = '\0';
    }
    r->nfiles++;
    r->t.files++;
    return CRTK_OK;
}

int crtk_check_report_file_end(crtk_check_report *r, const char *path, const crtk_reader *rd)
{
    (void)r;
    (void)path;
    (void)rd;
    return CRTK_OK;
}

int crtk_check_report_failure(crtk_check_report *r,
                              const char *path,
                              const crtk_record *rec,
                              const crtk_check_failure *f)
{
    pend *p;
    size_t i;
    int rc = CRTK_OK;

    (void)path;
    (void)rec;
    if (r->cur < 0)
        return CRTK_EARG;
    r->chk[r->cur].fails[f->edit]++;
    r->t.errors++;
    if (r->nfiles)
        r->files[r->nfiles - 1].errors++;
    if (r->opts.max_records < 0)
        return CRTK_OK;
    if (crtk__grow((void **)&r->pend, &r->cappend, r->npend + 1, sizeof *p) < 0)
        return CRTK_ENOMEM;
    p = &r->pend[r->npend++];
    p->tumor = f->tumor;
    p->other = f->other_tumor;
    p->edit = f->edit;
    p->tag = f->tag;
    p->name = f->name;
    p->nfields = f->nfields;
    p->messages = r->pendmem.len;
    for (i = 0; rc == 0 && i < f->nmessages; i++)
        rc = sb_printf(&r->pendmem, "%s%s", i ? "; " : "", f->messages[i].text);
    if (rc == 0)
        rc = sb_addc(&r->pendmem, '\0');
    p->fields = r->pendmem.len;
    for (i = 0; rc == 0 && i < f->nfields; i++) {
        const char *v = f->field_values[i];
        size_t n = strlen(v);
        while (n && v[n - 1] == ' ')
            n--;
        rc = sb_printf(&r->pendmem, "%s%s=%.*s", i ? "\x1f" : "", f->field_names[i], (int)n, v);
    }
    if (rc == 0)
        rc = sb_addc(&r->pendmem, '\0');
    return rc;
}

static size_t keep_str(strbuf *b, const char *s, size_t n)
{
    size_t at = b->len;
    if (sb_add(b, s, n) < 0 || sb_addc(b, '\0') < 0)
        return (size_t)-1;
    return at;
}

/* Keep a failing tumor and its failures in the record detail. */
static int keep_record(crtk_check_report *r, const crtk_record *rec, int t)
{
    const crtk_layout *l = crtk_record_layout(rec);
    rrec *d;
    size_t i;
    int k;

    if (crtk__grow((void **)&r->recs, &r->caprecs, r->nrecs + 1, sizeof *d) < 0)
        return CRTK_ENOMEM;
    d = &r->recs[r->nrecs];
    d->file = r->nfiles - 1;
    d->line = crtk_record_line(rec, t);
    d->patient = crtk_record_ordinal(rec);
    d->tumor = t;
    for (k = 0; k < REPORT_KEYS; k++) {
        const crtk_item *it = crtk_layout_find(l, crtk__report_key_ids[k]);
        size_t n = 0;
        const char *v =
            it ? crtk_record_get(rec, it, it->level == CRTK_LEVEL_TUMOR ? t : 0, &n) : NULL;
        d->keys[k] = (size_t)-1;
        if (it && (d->keys[k] = keep_str(&r->mem, v ? v : "", v ? n : 0)) == (size_t)-1)
            return CRTK_ENOMEM;
    }
    d->f0 = r->nfails;
    d->nf = 0;
    for (i = 0; i < r->npend; i++) {
        const pend *p = &r->pend[i];
        rfail *f;
        if (p->tumor != t)
            continue;
        if (crtk__grow((void **)&r->fails, &r->capfails, r->nfails + 1, sizeof *f) < 0)
            return CRTK_ENOMEM;
        f = &r->fails[r->nfails++];
        f->tag = p->tag;
        f->name = p->name;
        f->other_tumor = p->other;
        f->ci = r->cur;
        f->edit = p->edit;
        f->nfields = p->nfields;
        f->messages =
            keep_str(&r->mem, r->pendmem.s + p->messages, strlen(r->pendmem.s + p->messages));
        f->fields = keep_str(&r->mem, r->pendmem.s + p->fields, strlen(r->pendmem.s + p->fields));
        if (f->messages == (size_t)-1 || f->fields == (size_t)-1)
            return CRTK_ENOMEM;
        d->nf++;
    }
    r->nrecs++;
    return CRTK_OK;
}

int crtk_check_report_patient(crtk_check_report *r,
                              const char *path,
                              const crtk_record *rec,
                              const crtk_patient_result *res)
{
    rfile *f = r->nfiles ? &r->files[r->nfiles - 1] : NULL;
    int t, rc = CRTK_OK;

    (void)path;
    r->t.patients++;
    r->t.tumors += res->ntumors;
    r->t.edits_run += res->edits_run;
    if (f) {
        f->patients++;
        f->tumors += res->ntumors;
    }
    for (t = 0; t < res->ntumors; t++) {
        if (!res->tumor_failed[t])
            continue;
        r->t.tumors_with_errors++;
        if (f)
            f->tumors_err++;
        if (r->opts.max_records < 0)
            continue;
        if ((long)r->nrecs >= r->opts.max_records) {
            r->t.records_left_out++;
            continue;
        }
        if (rc == CRTK_OK)
            rc = keep_record(r, rec, t);
    }
    r->npend = 0;
    sb_clear(&r->pendmem);
    return rc;
}

static int sink_begin(void *ctx, const char *path, const crtk_reader *rd, const crtk_checker *c)
{
    return crtk_check_report_file_begin(ctx, path, rd, c);
}

static int
sink_failure(void *ctx, const char *path, const crtk_record *rec, const crtk_check_failure *f)
{
    return crtk_check_report_failure(ctx, path, rec, f);
}

static int
sink_patient(void *ctx, const char *path, const crtk_record *rec, const crtk_patient_result *res)
{
    return crtk_check_report_patient(ctx, path, rec, res);
}

static int sink_end(void *ctx, const char *path, const crtk_reader *rd)
{
    return crtk_check_report_file_end(ctx, path, rd);
}

void crtk_check_report_sink(crtk_check_report *r, crtk_pipeline_sink *out)
{
    memset(out, 0, sizeof *out);
    out->file_begin = sink_begin;
    out->failure = sink_failure;
    out->patient = sink_patient;
    out->file_end = sink_end;
    out->ctx = r;
}

void crtk_check_report_totals(const crtk_check_report *r, crtk_check_totals *out)
{
    *out = r->t;
}

static int row_cmp(const void *a, const void *b)
{
    const rrow *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    if (x->item != y->item)
        return x->item < y->item ? -1 : 1;
    return strcmp(x->key, y->key);
}

int crtk__report_rows(
    const crtk_check_report *r, rrow **edits, int *ne_out, rrow **fields, int *nf_out)
{
    rrow *er = NULL, *fr = NULL;
    size_t cape = 0, capf = 0;
    int ne = 0, nf = 0, c, e, i;

    for (c = 0; c < r->nchk; c++) {
        const crtk_checker *chk = r->chk[c].c;
        for (e = 0; e < crtk_checker_edit_count(chk); e++) {
            long n = r->chk[c].fails[e];
            const char *tag = crtk_checker_edit_tag(chk, e);
            const crtk_editdb_edit *def;
            size_t f;
            if (!n)
                continue;
            for (i = 0; i < ne && strcmp(er[i].key, tag); i++)
                ;
            if (i == ne) {
                if (crtk__grow((void **)&er, &cape, (size_t)ne + 1, sizeof *er) < 0)
                    goto nomem;
                def = crtk_editdb_find_edit(r->opts.db, tag);
                er[ne].key = tag;
                er[ne].name = crtk_checker_edit_name(chk, e);
                er[ne].description = def ? crtk_editdb_edit_description(def) : "";
                er[ne].count = 0;
                er[ne].item = 0;
                ne++;
            }
            er[i].count += n;
            def = crtk_editdb_find_edit(r->opts.db, tag);
            for (f = 0; def && f < crtk_editdb_edit_field_count(def); f++) {
                const char *fname = crtk_editdb_edit_field_name(def, f);
                int k;
                for (k = 0; k < nf && strcmp(fr[k].key, fname); k++)
                    ;
                if (k == nf) {
                    if (crtk__grow((void **)&fr, &capf, (size_t)nf + 1, sizeof *fr) < 0)
                        goto nomem;
                    fr[nf].key = fname;
                    fr[nf].name = fname;
                    fr[nf].description = "";
                    fr[nf].count = 0;
                    fr[nf].item = (int)crtk_editdb_edit_field_number(def, f);
                    nf++;
                }
                fr[k].count += n;
            }
        }
    }
    for (i = 0; i < ne; i++)
        er[i].item = 0;
    if (ne)
        qsort(er, (size_t)ne, sizeof *er, row_cmp);
    if (nf)
        qsort(fr, (size_t)nf, sizeof *fr, row_cmp);
    *edits = er;
    *ne_out = ne;
    *fields = fr;
    *nf_out = nf;
    return CRTK_OK;
nomem:
    free(er);
    free(fr);
    return CRTK_ENOMEM;
}

void crtk__thousands(char *buf, size_t cap, long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", v < 0 ? -v : v), i, j = 0;

    if (v < 0 && cap > 1)
        buf[j++] = '-';
    for (i = 0; i < n && (size_t)j + 2 < cap; i++) {
        if (i && (n - i) % 3 == 0)
            buf[j++] = ',';
        buf[j++] = tmp[i];
    }
    buf[j] = '\0';
}

/* ---- saving through the library's output (temporary file renamed into place) ------------ */

typedef struct saver {
    crtk__out o;
    crtk_error *err;
} saver;

static int save_write(void *ctx, const char *p, size_t n)
{
    saver *s = ctx;
    return crtk__out_write(&s->o, p, n, s->err);
}

int crtk_check_report_save(const crtk_check_report *r,
                           crtk_report_kind kind,
                           const char *path,
                           unsigned mode,
                           unsigned flags,
                           crtk_error *err)
{
    saver s;
    int rc;

    s.err = err;
    rc = crtk__out_open_flags(&s.o, path, false, mode, flags, err);
    if (rc == CRTK_OK)
        rc = kind == CRTK_REPORT_HTML   ? crtk_check_report_write_html(r, save_write, &s)
             : kind == CRTK_REPORT_JSON ? crtk_check_report_write_json(r, save_write, &s)
                                        : crtk_check_report_write_text(r, save_write, &s);
    if (rc == CRTK_OK)
        rc = crtk__out_close(&s.o, err);
    if (rc < 0) {
        if (err && !err->source[0])
            crtk__copy(err->source, sizeof err->source, path);
        if (err && !err->message[0])
            crtk__fail(err, rc, "cannot write the report");
    }
    crtk__out_discard(&s.o);
    return rc;
}
