/* cmd_check.c - `crtk check FILE...`: run an edit set on every tumor and report failures
 * (detail lines as text, JSON Lines or CSV; a summary in the shape registrars know; an
 * optional self-contained HTML report). With -j N, batches of patients are checked on N
 * threads and merged in file order, so the output is identical to -j 1. */
#include "cli.h"
#include "crtk/check.h"
#include "crtk/editdb.h"

#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CRTK_EDITS_DIR
#define CRTK_EDITS_DIR "edits"
#endif
#ifndef CRTK_INSTALLED_EDITS_DIR
#define CRTK_INSTALLED_EDITS_DIR "/usr/local/share/crtk/edits"
#endif

#define BATCH 64

void usage_check(FILE *f)
{
    fprintf(f, "usage: crtk check [OPTIONS] FILE...\n\n"
               "Run an edit set on every tumor of NAACCR files (XML, fixed-width, CSV) and\n"
               "report each failed edit: detail lines on stdout, then a summary (records and\n"
               "tumors read, tumors with errors, each failing edit with its count, errors by\n"
               "field). Exit status: 0 no edit failed, 1 an edit failed, 2 usage error or\n"
               "unreadable input.\n\n"
               "options:\n"
               "  --edits DIR         edits in crtk's text format (default: the shipped edits)\n"
               "  --metafile F.smf    an EDITS50 metafile instead\n"
               "  --set TAG           the edit set to run (default: all)\n"
               "  --format F          detail lines: text (default), json (JSON Lines), csv\n"
               "  --summary-only      no detail lines\n"
               "  --html FILE         also write a self-contained HTML report (mode 0600)\n"
               "  -j, --jobs N        use N threads (output identical to -j 1)\n"
               "  --fail-warnings     SET_WARNING / SAVE_WARNING_TEXT count as failures\n"
               "  --today YYYYMMDD    the date edits take as today (reproducible runs)\n"
               "  --layout FILE, --dictionary FILE, --version V, --encoding E\n"
               "                      as for crtk validate\n"
               "  --verbose           list every edit skipped for a field the file lacks\n"
               "  --quiet             no progress or skipped-edit note on stderr\n");
}

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

/* A growable text buffer (the CLI uses only the public API). */
typedef struct buf {
    char *s;
    size_t len, cap;
} buf;

static void bput(buf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 4096;
        char *q;
        while (nc < b->len + n + 1)
            nc *= 2;
        q = realloc(b->s, nc);
        if (!q)
            return; /* out of memory: the line is lost; main() reports at the end */
        b->s = q;
        b->cap = nc;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void bputs(buf *b, const char *p)
{
    bput(b, p, strlen(p));
}

static void bprintf(buf *b, const char *fmt, ...) CRTK_PRINTF(2, 3);
static void bprintf(buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        bput(b, tmp, (size_t)n);
        return;
    }
    {
        char *big = malloc((size_t)n + 1);
        if (!big)
            return;
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        bput(b, big, (size_t)n);
        free(big);
    }
}

static void json_str(buf *b, const char *s)
{
    bput(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            bput(b, e, 2);
        } else if (c < 0x20) {
            bprintf(b, "\\u%04x", c);
        } else {
            bput(b, s, 1);
        }
    }
    bput(b, "\"", 1);
}

static void csv_str(buf *b, const char *s)
{
    bool q = strpbrk(s, ",\"\r\n") != NULL || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' '));
    if (!q) {
        bputs(b, s);
        return;
    }
    bput(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"')
            bput(b, "\"", 1);
        bput(b, s, 1);
    }
    bput(b, "\"", 1);
}

/* One batch of patients, checked by one thread; results merged in order. */
typedef struct batch {
    crtk_record *recs[BATCH];
    int n;
    const char *file;
    const crtk_checker *chk;
    buf out;
    long *edit_fail; /* per edit of chk */
    int nedit;
    long tumors, tumors_err, errors, runs, patients;
    int cur_tumor_err;   /* bookkeeping inside one record */
    long last_tumor_key; /* to count tumors with errors once */
    enum fmt fmt;
    bool detail;
    int state; /* 0 free, 1 queued, 2 done */
    int rc;
} batch;

typedef struct checkctx {
    enum fmt fmt;
    bool detail, quiet, fail_warnings, verbose;
    const char *today;
    const char *set;
    int jobs;
    crtk_editdb *db;
    /* checkers per layout */
    const crtk_layout *layouts[32];
    crtk_checker *checkers[32];
    int nchk;
    /* totals */
    long files, patients, tumors, tumors_err, errors, runs;
    /* per checker, per edit counts */
    long *fails[32];
    /* threads */
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    batch *ring;
    int nring;
    long next_to_queue, next_to_take, next_to_merge;
    bool stop;
    crtk_check_state **states; /* one per worker, per checker: [worker][checker] */
} checkctx;

static const char *trim_val(const char *v, char *tmp, size_t cap)
{
    size_t n = strlen(v);
    while (n && v[n - 1] == ' ')
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    return tmp;
}

static void on_failure(void *ctx, const crtk_record *rec, const crtk_check_failure *f)
{
    batch *b = ctx;
    const crtk_layout *l = crtk_record_layout(rec);
    const crtk_item *pid = crtk_layout_find(l, "patientIdNumber");
    const char *id = pid ? crtk_record_get(rec, pid, 0, NULL) : NULL;
    long line = crtk_record_line(rec, f->tumor);
    long key = crtk_record_ordinal(rec) * 100000L + f->tumor;
    size_t i;
    char tmp[512];

    if (f->type == 'M')
        return; /* informational messages are listed, not counted, below */
    b->errors++;
    b->edit_fail[f->edit]++;
    if (key != b->last_tumor_key) {
        b->last_tumor_key = key;
        b->tumors_err++;
    }
    if (!b->detail)
        return;
    if (!id)
        id = "";
    switch (b->fmt) {
    case FMT_TEXT:
        bprintf(&b->out, "%s:%ld: patient %s tumor %d", b->file, line, id, f->tumor + 1);
        if (f->other_tumor >= 0)
            bprintf(&b->out, " and tumor %d", f->other_tumor + 1);
        bprintf(&b->out, ": %s %s: %s", f->tag, f->name, f->message);
        if (f->nfields) {
            bputs(&b->out, " [");
            for (i = 0; i < f->nfields; i++)
                bprintf(&b->out, "%s%s=\"%s\"", i ? ", " : "", f->field_names[i],
                        trim_val(f->field_values[i], tmp, sizeof tmp));
            bputs(&b->out, "]");
        }
        bputs(&b->out, "\n");
        break;
    case FMT_JSON:
        bputs(&b->out, "{\"file\":");
        json_str(&b->out, b->file);
        bprintf(&b->out, ",\"line\":%ld,\"patient\":%ld,\"patientIdNumber\":", line,
                crtk_record_ordinal(rec));
        json_str(&b->out, id);
        bprintf(&b->out, ",\"tumor\":%d", f->tumor + 1);
        if (f->other_tumor >= 0)
            bprintf(&b->out, ",\"otherTumor\":%d", f->other_tumor + 1);
        bputs(&b->out, ",\"edit\":");
        json_str(&b->out, f->tag);
        bputs(&b->out, ",\"name\":");
        json_str(&b->out, f->name);
        bprintf(&b->out, ",\"type\":\"%c\",\"messageNumber\":%ld,\"message\":", f->type,
                f->message_number);
        json_str(&b->out, f->message);
        bputs(&b->out, ",\"fields\":[");
        for (i = 0; i < f->nfields; i++) {
            bputs(&b->out, i ? ",{\"name\":" : "{\"name\":");
            json_str(&b->out, f->field_names[i]);
            bprintf(&b->out, ",\"item\":%d,\"value\":", f->field_items[i]);
            json_str(&b->out, f->field_values[i]);
            bputs(&b->out, "}");
        }
        bputs(&b->out, "]}\n");
        break;
    case FMT_CSV:
        csv_str(&b->out, b->file);
        bprintf(&b->out, ",%ld,%ld,", line, crtk_record_ordinal(rec));
        csv_str(&b->out, id);
        bprintf(&b->out, ",%d,", f->tumor + 1);
        if (f->other_tumor >= 0)
            bprintf(&b->out, "%d", f->other_tumor + 1);
        bputs(&b->out, ",");
        csv_str(&b->out, f->tag);
        bputs(&b->out, ",");
        csv_str(&b->out, f->name);
        bprintf(&b->out, ",%ld,", f->message_number);
        csv_str(&b->out, f->message);
        bputs(&b->out, ",");
        tmp[0] = '\0';
        {
            buf fv = {0};
            for (i = 0; i < f->nfields; i++) {
                char t2[512];
                bprintf(&fv, "%s%s=%s", i ? "; " : "", f->field_names[i],
                        trim_val(f->field_values[i], t2, sizeof t2));
            }
            csv_str(&b->out, fv.s ? fv.s : "");
            free(fv.s);
        }
        bputs(&b->out, "\n");
        break;
    }
}

static int check_batch(batch *b, crtk_check_state *st)
{
    int i, rc;

    b->last_tumor_key = -1;
    for (i = 0; i < b->n; i++) {
        long runs = 0;
        b->tumors += crtk_record_tumor_count(b->recs[i]);
        rc = crtk_check_record(st, b->recs[i], on_failure, b, &runs);
        if (rc < 0)
            return rc;
        b->runs += runs;
    }
    b->patients += b->n;
    return CRTK_OK;
}

static int checker_index(checkctx *cx, const crtk_layout *l, crtk_error *err)
{
    crtk_check_opts o = CRTK_CHECK_OPTS_INIT;
    int i, rc;

    for (i = 0; i < cx->nchk; i++)
        if (cx->layouts[i] == l)
            return i;
    if (cx->nchk == 32)
        return -1;
    o.set = cx->set;
    o.fail_warnings = cx->fail_warnings;
    o.today = cx->today;
    rc = crtk_checker_new(&cx->checkers[cx->nchk], cx->db, l, &o, err);
    if (rc < 0)
        return rc;
    cx->layouts[cx->nchk] = l;
    cx->fails[cx->nchk] =
        calloc((size_t)crtk_checker_edit_count(cx->checkers[cx->nchk]) + 1, sizeof(long));
    if (!cx->fails[cx->nchk])
        return CRTK_ENOMEM;
    {
        /* An edit whose fields the file's version does not have is expected (a set covers
         * several versions): those are counted; any other compile error is listed. */
        crtk_checker *c = cx->checkers[cx->nchk];
        int k, missing = 0;
        for (k = 0; k < crtk_checker_skipped_count(c); k++) {
            const crtk_error *e = crtk_checker_skipped_error(c, k);
            if (!cx->verbose && strstr(e->message, "unknown field")) {
                missing++;
                continue;
            }
            fprintf(stderr, "%s: edit %s skipped (%s): %s:%ld:%ld: %s\n", cli_prog,
                    crtk_checker_skipped_tag(c, k), crtk_layout_name(l), e->source, e->line,
                    e->column, e->message);
        }
        if (missing && !cx->quiet)
            fprintf(stderr,
                    "%s: %d edits skipped: they use fields that %s does not have "
                    "(--verbose lists them)\n",
                    cli_prog, missing, crtk_layout_name(l));
    }
    return cx->nchk++;
}

static void merge(checkctx *cx, batch *b, int ci)
{
    int e;

    if (b->out.len)
        fwrite(b->out.s, 1, b->out.len, stdout);
    b->out.len = 0;
    cx->patients += b->patients;
    cx->tumors += b->tumors;
    cx->tumors_err += b->tumors_err;
    cx->errors += b->errors;
    cx->runs += b->runs;
    for (e = 0; e < b->nedit; e++)
        cx->fails[ci][e] += b->edit_fail[e];
}

static void batch_reset(batch *b, checkctx *cx, int ci, const char *file)
{
    int ne = crtk_checker_edit_count(cx->checkers[ci]);
    if (b->nedit < ne) {
        long *p = realloc(b->edit_fail, (size_t)ne * sizeof *p);
        if (p)
            b->edit_fail = p;
    }
    b->nedit = ne;
    memset(b->edit_fail, 0, (size_t)ne * sizeof *b->edit_fail);
    b->n = 0;
    b->file = file;
    b->chk = cx->checkers[ci];
    b->tumors = b->tumors_err = b->errors = b->runs = b->patients = 0;
    b->fmt = cx->fmt;
    b->detail = cx->detail;
    b->rc = 0;
}

/* ---- threads ---- */

typedef struct worker {
    checkctx *cx;
    int id;
} worker;

static int state_for(checkctx *cx, int w, const crtk_checker *c, crtk_check_state **out)
{
    int i;
    for (i = 0; i < cx->nchk; i++)
        if (cx->checkers[i] == c)
            break;
    if (!cx->states[w * 32 + i] && crtk_check_state_new(&cx->states[w * 32 + i], c) < 0)
        return CRTK_ENOMEM;
    *out = cx->states[w * 32 + i];
    return CRTK_OK;
}

static void *work(void *arg)
{
    worker *wk = arg;
    checkctx *cx = wk->cx;

    for (;;) {
        batch *b;
        crtk_check_state *st;
        pthread_mutex_lock(&cx->mu);
        while (!cx->stop && cx->next_to_take == cx->next_to_queue)
            pthread_cond_wait(&cx->cv_work, &cx->mu);
        if (cx->next_to_take == cx->next_to_queue && cx->stop) {
            pthread_mutex_unlock(&cx->mu);
            return NULL;
        }
        b = &cx->ring[cx->next_to_take % cx->nring];
        cx->next_to_take++;
        pthread_mutex_unlock(&cx->mu);
        b->rc = state_for(cx, wk->id, b->chk, &st);
        if (b->rc == 0)
            b->rc = check_batch(b, st);
        pthread_mutex_lock(&cx->mu);
        b->state = 2;
        pthread_cond_broadcast(&cx->cv_done);
        pthread_mutex_unlock(&cx->mu);
    }
}

static int ci_of(checkctx *cx, const crtk_checker *c)
{
    int i;
    for (i = 0; i < cx->nchk; i++)
        if (cx->checkers[i] == c)
            return i;
    return 0;
}

/* Merge finished batches in order; with wait, block until batch `upto` is merged. */
/* Merge finished batches in order until batch `upto` is merged. While the oldest batch is
 * not finished, the reading thread checks a queued batch itself rather than wait: with -j N
 * there are N-1 workers and the reader is the N-th checker whenever it is not reading. */
static int drain(checkctx *cx, long upto)
{
    int rc = 0;

    pthread_mutex_lock(&cx->mu);
    while (cx->next_to_merge < upto) {
        batch *b = &cx->ring[cx->next_to_merge % cx->nring];
        if (b->state != 2 && cx->next_to_take < cx->next_to_queue) {
            batch *h = &cx->ring[cx->next_to_take % cx->nring];
            crtk_check_state *st;
            cx->next_to_take++;
            pthread_mutex_unlock(&cx->mu);
            h->rc = state_for(cx, cx->jobs - 1, h->chk, &st);
            if (h->rc == 0)
                h->rc = check_batch(h, st);
            pthread_mutex_lock(&cx->mu);
            h->state = 2;
            continue;
        }
        while (b->state != 2)
            pthread_cond_wait(&cx->cv_done, &cx->mu);
        pthread_mutex_unlock(&cx->mu);
        if (b->rc < 0)
            rc = b->rc;
        merge(cx, b, ci_of(cx, b->chk));
        pthread_mutex_lock(&cx->mu);
        b->state = 0;
        cx->next_to_merge++;
    }
    pthread_mutex_unlock(&cx->mu);
    return rc;
}

static int
check_file(checkctx *cx, const char *path, crtk_layouts *ls, const crtk_reader_opts *ropts)
{
    crtk_reader *rd = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    cli_progress prog;
    int rc, ci, status = EXIT_OK;
    long long nread = 0;

    rc = crtk_reader_open(&rd, path, ls, ropts, &err);
    if (rc < 0) {
        cli_print_error(&err);
        return EXIT_TROUBLE;
    }
    ci = checker_index(cx, crtk_reader_info(rd)->layout, &err);
    if (ci < 0) {
        cli_print_error(&err);
        crtk_reader_free(rd);
        return EXIT_TROUBLE;
    }
    cli_progress_start(&prog, "check", path, cx->quiet);
    for (;;) {
        batch *b;
        long slot = cx->next_to_queue;
        if (cx->jobs > 1 && slot - cx->next_to_merge >= cx->nring)
            if (drain(cx, slot - cx->nring + 1) < 0)
                status = EXIT_TROUBLE;
        b = &cx->ring[slot % cx->nring];
        batch_reset(b, cx, ci, path);
        while (b->n < BATCH) {
            if (!b->recs[b->n] && crtk_record_new(&b->recs[b->n]) < 0) {
                rc = CRTK_ENOMEM;
                break;
            }
            rc = crtk_reader_next(rd, b->recs[b->n]);
            if (rc <= 0)
                break;
            b->n++;
            nread++;
        }
        if (b->n > 0) {
            if (cx->jobs > 1) {
                pthread_mutex_lock(&cx->mu);
                b->state = 1;
                cx->next_to_queue++;
                pthread_cond_signal(&cx->cv_work);
                pthread_mutex_unlock(&cx->mu);
            } else {
                crtk_check_state *st;
                if (state_for(cx, 0, b->chk, &st) < 0 || check_batch(b, st) < 0)
                    status = EXIT_TROUBLE;
                merge(cx, b, ci);
                cx->next_to_queue++;
                cx->next_to_merge++;
            }
            cli_progress_update(&prog, crtk_reader_offset(rd), (long)nread);
        }
        if (rc <= 0)
            break;
    }
    if (cx->jobs > 1 && drain(cx, cx->next_to_queue) < 0)
        status = EXIT_TROUBLE;
    cli_progress_end(&prog);
    if (rc < 0) {
        fflush(stdout);
        cli_print_error(crtk_reader_error(rd));
        status = EXIT_TROUBLE;
    }
    cx->files++;
    crtk_reader_free(rd);
    return status;
}

/* ---- summary ---- */

typedef struct row {
    const char *key, *name;
    long count;
    int item;
} row;

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

/* Failing edits (all checkers merged by tag) and errors by field. */
static void collect(checkctx *cx, row **edits_out, int *ne_out, row **fields_out, int *nf_out)
{
    row *er = NULL, *fr = NULL;
    int ne = 0, nf = 0, c, e, i;

    for (c = 0; c < cx->nchk; c++) {
        crtk_checker *chk = cx->checkers[c];
        for (e = 0; e < crtk_checker_edit_count(chk); e++) {
            long n = cx->fails[c][e];
            const crtk_editdb_edit *def;
            size_t f;
            if (!n)
                continue;
            for (i = 0; i < ne && strcmp(er[i].key, crtk_checker_edit_tag(chk, e)); i++)
                ;
            if (i == ne) {
                row *p = realloc(er, (size_t)(ne + 1) * sizeof *p);
                if (!p)
                    continue;
                er = p;
                er[ne].key = crtk_checker_edit_tag(chk, e);
                er[ne].name = crtk_checker_edit_name(chk, e);
                er[ne].count = 0;
                er[ne].item = 0;
                ne++;
            }
            er[i].count += n;
            def = crtk_editdb_find_edit(cx->db, crtk_checker_edit_tag(chk, e));
            for (f = 0; def && f < crtk_editdb_edit_field_count(def); f++) {
                const char *fname = crtk_editdb_edit_field_name(def, f);
                int k;
                for (k = 0; k < nf && strcmp(fr[k].key, fname); k++)
                    ;
                if (k == nf) {
                    row *p = realloc(fr, (size_t)(nf + 1) * sizeof *p);
                    if (!p)
                        continue;
                    fr = p;
                    fr[nf].key = fname;
                    fr[nf].name = fname;
                    fr[nf].count = 0;
                    fr[nf].item = (int)crtk_editdb_edit_field_number(def, f);
                    nf++;
                }
                fr[k].count += n;
            }
        }
    }
    if (ne)
        qsort(er, (size_t)ne, sizeof *er, row_cmp);
    if (nf)
        qsort(fr, (size_t)nf, sizeof *fr, row_cmp);
    *edits_out = er;
    *ne_out = ne;
    *fields_out = fr;
    *nf_out = nf;
}

static void print_summary(checkctx *cx, FILE *out)
{
    row *er, *fr;
    int ne, nf, i;

    collect(cx, &er, &ne, &fr, &nf);
    fprintf(out, "\nEDITS SUMMARY\n");
    fprintf(out, "  Edit set:            %s\n", cx->set ? cx->set : "(all edits)");
    for (i = 0; i < cx->nchk; i++) {
        int sk = crtk_checker_skipped_count(cx->checkers[i]);
        fprintf(out, "  Edits run:           %d on %s", crtk_checker_edit_count(cx->checkers[i]),
                crtk_layout_name(cx->layouts[i]));
        if (sk)
            fprintf(out, " (%d skipped)", sk);
        fputc('\n', out);
    }
    fprintf(out, "  Files read:          %ld\n", cx->files);
    fprintf(out, "  Patients read:       %ld\n", cx->patients);
    fprintf(out, "  Tumors read:         %ld\n", cx->tumors);
    fprintf(out, "  Tumors with errors:  %ld\n", cx->tumors_err);
    fprintf(out, "  Errors:              %ld\n", cx->errors);
    fprintf(out, "  Edits evaluated:     %ld\n", cx->runs);
    if (ne) {
        fprintf(out, "\nFAILING EDITS                                                   COUNT\n");
        for (i = 0; i < ne; i++)
            fprintf(out, "  %-12s %-48.48s %8ld\n", er[i].key, er[i].name, er[i].count);
        fprintf(out, "\nERRORS BY FIELD                                                 COUNT\n");
        for (i = 0; i < nf; i++) {
            char nm[80];
            if (fr[i].item > 0)
                snprintf(nm, sizeof nm, "%s [%d]", fr[i].name, fr[i].item);
            else
                snprintf(nm, sizeof nm, "%s", fr[i].name);
            fprintf(out, "  %-61.61s %8ld\n", nm, fr[i].count);
        }
    }
    free(er);
    free(fr);
}

static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static void html_bars(FILE *f, const char *title, row *r, int n, bool items)
{
    int i;
    long max = n ? r[0].count : 1;

    fprintf(f, "<h2>");
    html_text(f, title);
    fprintf(f,
            "</h2>\n<table class=\"bars\">\n<tr><th>%s</th><th>name</th><th>count</th>"
            "<th></th></tr>\n",
            items ? "item" : "edit");
    for (i = 0; i < n; i++) {
        fprintf(f, "<tr><td>");
        if (items)
            fprintf(f, "%d", r[i].item);
        else
            html_text(f, r[i].key);
        fprintf(f, "</td><td>");
        html_text(f, r[i].name);
        fprintf(f,
                "</td><td class=\"n\">%ld</td><td><div class=\"bar\" style=\"width:%ldpx\">"
                "</div></td></tr>\n",
                r[i].count, max ? r[i].count * 300 / max : 0);
    }
    fprintf(f, "</table>\n");
}

static int write_html(checkctx *cx, const char *path)
{
    row *er, *fr;
    int ne, nf;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    int rc;

    /* Built in memory, then written through the output target (crtk/output.h). */
    if (!(f = open_memstream(&buf, &len))) {
        cli_error("%s: out of memory", path);
        return EXIT_TROUBLE;
    }
    collect(cx, &er, &ne, &fr, &nf);
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
               "<title>crtk edits report</title>\n<style>\n"
               "body{font-family:sans-serif;margin:2em;color:#222}"
               "table{border-collapse:collapse;margin-bottom:2em}"
               "td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}"
               "td.n{text-align:right}.bar{background:#c0392b;height:12px}"
               ".ok{color:#1e8449}.bad{color:#c0392b}\n</style></head><body>\n"
               "<h1>crtk edits report</h1>\n<table>\n");
    fprintf(f, "<tr><th>Edit set</th><td>");
    html_text(f, cx->set ? cx->set : "(all edits)");
    fprintf(f,
            "</td></tr>\n<tr><th>Files read</th><td>%ld</td></tr>\n"
            "<tr><th>Patients read</th><td>%ld</td></tr>\n"
            "<tr><th>Tumors read</th><td>%ld</td></tr>\n"
            "<tr><th>Tumors with errors</th><td class=\"%s\">%ld</td></tr>\n"
            "<tr><th>Errors</th><td class=\"%s\">%ld</td></tr>\n"
            "<tr><th>Edits evaluated</th><td>%ld</td></tr>\n</table>\n",
            cx->files, cx->patients, cx->tumors, cx->tumors_err ? "bad" : "ok", cx->tumors_err,
            cx->errors ? "bad" : "ok", cx->errors, cx->runs);
    if (ne) {
        html_bars(f, "Most failed edits", er, ne < 25 ? ne : 25, false);
        html_bars(f, "Errors by field", fr, nf < 25 ? nf : 25, true);
        if (ne > 25)
            html_bars(f, "All failing edits", er, ne, false);
    } else {
        fprintf(f, "<p class=\"ok\">No edit failed.</p>\n");
    }
    fprintf(f, "</body></html>\n");
    free(er);
    free(fr);
    rc = ferror(f);
    if (fclose(f) != 0 || rc) {
        free(buf);
        cli_error("%s: out of memory", path);
        return EXIT_TROUBLE;
    }
    rc = cli_write_file(path, buf, len, 0, false);
    free(buf);
    return rc;
}

static int load_edits(checkctx *cx, const char *dir, const char *smf)
{
    crtk_error err = CRTK_ERROR_INIT;
    struct stat st;
    int rc;

    if (smf) {
        rc = crtk_editdb_load_smf(&cx->db, smf, &err);
    } else {
        if (!dir) {
            dir = CRTK_INSTALLED_EDITS_DIR;
            if (stat(dir, &st) != 0)
                dir = CRTK_EDITS_DIR;
        }
        rc = crtk_editdb_load_dir(&cx->db, dir, &err);
    }
    if (rc < 0) {
        cli_print_error(&err);
        return rc;
    }
    return CRTK_OK;
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {{"edits", required_argument, NULL, 'E'},
                                             {"metafile", required_argument, NULL, 'm'},
                                             {"set", required_argument, NULL, 's'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"summary-only", no_argument, NULL, 'S'},
                                             {"html", required_argument, NULL, 'H'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"fail-warnings", no_argument, NULL, 'W'},
                                             {"today", required_argument, NULL, 'T'},
                                             {"layout", required_argument, NULL, 'l'},
                                             {"dictionary", required_argument, NULL, 'd'},
                                             {"version", required_argument, NULL, 'V'},
                                             {"encoding", required_argument, NULL, 'e'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    checkctx cx;
    cli_layout_opts lo = {0};
    crtk_reader_opts ropts = CRTK_READER_OPTS_INIT;
    crtk_layouts *ls = NULL;
    const char *dir = NULL, *smf = NULL, *html = NULL, *set = NULL;
    pthread_t threads[64];
    worker workers[64];
    int c, i, status = EXIT_OK, nthreads = 0;

    memset(&cx, 0, sizeof cx);
    cx.fmt = FMT_TEXT;
    cx.detail = true;
    cx.jobs = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "E:m:s:f:SH:j:WT:l:d:V:e:qvh", longopts, NULL)) != -1) {
        int shared = cli_reader_option(c, optarg, &lo, &ropts);
        if (shared < 0)
            return EXIT_TROUBLE;
        if (shared)
            continue;
        switch (c) {
        case 'E':
            dir = optarg;
            break;
        case 'm':
            smf = optarg;
            break;
        case 's':
            set = optarg;
            break;
        case 'f':
            if (!strcmp(optarg, "text"))
                cx.fmt = FMT_TEXT;
            else if (!strcmp(optarg, "json"))
                cx.fmt = FMT_JSON;
            else if (!strcmp(optarg, "csv"))
                cx.fmt = FMT_CSV;
            else {
                cli_error("--format must be text, json or csv");
                return EXIT_TROUBLE;
            }
            break;
        case 'S':
            cx.detail = false;
            break;
        case 'H':
            html = optarg;
            break;
        case 'j':
            cx.jobs = atoi(optarg);
            if (cx.jobs < 1 || cx.jobs > 64) {
                cli_error("--jobs must be 1 to 64");
                return EXIT_TROUBLE;
            }
            break;
        case 'W':
            cx.fail_warnings = true;
            break;
        case 'T':
            if (strlen(optarg) != 8 || strspn(optarg, "0123456789") != 8) {
                cli_error("--today must be YYYYMMDD");
                return EXIT_TROUBLE;
            }
            cx.today = optarg;
            break;
        case 'q':
            cx.quiet = true;
            break;
        case 'v':
            cx.verbose = true;
            break;
        case 'h':
            usage_check(stdout);
            return EXIT_OK;
        default:
            usage_check(stderr);
            return EXIT_TROUBLE;
        }
    }
    if (optind >= argc) {
        usage_check(stderr);
        return EXIT_TROUBLE;
    }
    if (dir && smf) {
        cli_error("give --edits or --metafile, not both");
        return EXIT_TROUBLE;
    }
    if (html && !cli_output_ok(html, &argv[optind], argc - optind, false))
        return EXIT_TROUBLE;
    if (load_edits(&cx, dir, smf) < 0)
        return EXIT_TROUBLE;
    if (!set && !smf && crtk_editdb_find_set(cx.db, "all"))
        set = "all";
    if (set && !crtk_editdb_find_set(cx.db, set)) {
        cli_error("no edit set '%s' (see 'crtk edits list')", set);
        crtk_editdb_free(cx.db);
        return EXIT_TROUBLE;
    }
    cx.set = set;
    /* Data-type checks are crtk validate's job; edits check the values themselves. */
    ropts.validate_values = false;
    if (cli_load_layouts(&ls, &lo) < 0) {
        crtk_editdb_free(cx.db);
        return EXIT_TROUBLE;
    }
    if (lo.user_layout && crtk_layout_kind_of(lo.user_layout) == CRTK_LAYOUT_FLAT)
        ropts.layout = lo.user_layout;
    cx.nring = cx.jobs > 1 ? 4 * cx.jobs : 1;
    cx.ring = calloc((size_t)cx.nring, sizeof *cx.ring);
    cx.states = calloc((size_t)(cx.jobs * 32), sizeof *cx.states);
    if (!cx.ring || !cx.states) {
        cli_error("out of memory");
        status = EXIT_TROUBLE;
        goto out;
    }
    pthread_mutex_init(&cx.mu, NULL);
    pthread_cond_init(&cx.cv_work, NULL);
    pthread_cond_init(&cx.cv_done, NULL);
    if (cx.jobs > 1) {
        for (i = 0; i < cx.jobs - 1; i++) {
            workers[i].cx = &cx;
            workers[i].id = i;
            if (pthread_create(&threads[i], NULL, work, &workers[i]) != 0)
                break;
            nthreads++;
        }
    }
    if (cx.fmt == FMT_CSV && cx.detail)
        printf("file,line,patient,patientIdNumber,tumor,otherTumor,edit,name,messageNumber,"
               "message,fields\n");
    for (i = optind; i < argc; i++) {
        int s = check_file(&cx, argv[i], ls, &ropts);
        if (s > status)
            status = s;
    }
    if (nthreads) {
        pthread_mutex_lock(&cx.mu);
        cx.stop = true;
        pthread_cond_broadcast(&cx.cv_work);
        pthread_mutex_unlock(&cx.mu);
        for (i = 0; i < nthreads; i++)
            pthread_join(threads[i], NULL);
    }
    print_summary(&cx, cx.fmt == FMT_TEXT ? stdout : stderr);
    if (html && write_html(&cx, html) != EXIT_OK)
        status = EXIT_TROUBLE;
    if (status == EXIT_OK && cx.errors)
        status = EXIT_INVALID;
out:
    fflush(stdout);
    for (i = 0; cx.states && i < cx.jobs * 32; i++)
        crtk_check_state_free(cx.states[i]);
    free(cx.states);
    for (i = 0; cx.ring && i < cx.nring; i++) {
        int k;
        for (k = 0; k < BATCH; k++)
            crtk_record_free(cx.ring[i].recs[k]);
        free(cx.ring[i].out.s);
        free(cx.ring[i].edit_fail);
    }
    free(cx.ring);
    for (i = 0; i < cx.nchk; i++) {
        crtk_checker_free(cx.checkers[i]);
        free(cx.fails[i]);
    }
    crtk_layouts_free(ls);
    crtk_editdb_free(cx.db);
    return status;
}
