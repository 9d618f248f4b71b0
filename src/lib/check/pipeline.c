/* pipeline.c - the parallel edit-check engine. The calling thread reads patients into a ring
 * of batches; N-1 workers check queued batches, and so does the reading thread while the
 * oldest batch is not finished (with -j N the reader is the N-th checker whenever it is not
 * reading). A worker keeps each failure in its batch (copied into the batch's arena), so the
 * merge can deliver every result to the sink in input order on the calling thread. */
#include "crtk/pipeline.h"
#include "error_internal.h"
#include "strbuf.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BATCH    64
#define MAX_CHK  32
#define MAX_JOBS 64

typedef struct sfail {
    int rec; /* index of the patient in the batch */
    crtk_check_failure f;
    size_t msg0; /* first message in the batch's message list */
    size_t val0; /* first field value offset */
} sfail;

typedef struct smsg {
    char type;
    long number;
    size_t text; /* offset in the arena */
} smsg;

typedef struct batch {
    crtk_record *recs[BATCH];
    int n;
    int ci; /* checker */
    /* results of the check */
    sfail *f;
    size_t nf, capf;
    smsg *m;
    size_t nm, capm;
    size_t *voff;
    size_t nv, capv;
    strbuf arena;
    unsigned char *tfail; /* per tumor of every patient, in order */
    size_t ntf, captf;
    size_t tf0[BATCH]; /* first tumor flag of each patient */
    long runs[BATCH];  /* edit runs per patient */
    long nfail[BATCH]; /* failures per patient */
    int cur;           /* patient being checked (worker side) */
    int state;         /* 0 free, 1 queued, 2 done */
    int rc;
} batch;

struct crtk_pipeline {
    crtk_pipeline_opts opts;
    crtk_pipeline_sink sink;
    const crtk_layout *layouts[MAX_CHK];
    crtk_checker *checkers[MAX_CHK];
    int nchk;
    crtk_check_state *states[MAX_JOBS][MAX_CHK];
    pthread_t threads[MAX_JOBS];
    int nthreads;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    batch *ring;
    int nring;
    long next_to_queue, next_to_take, next_to_merge;
    bool stop;
};

typedef struct worker_arg {
    crtk_pipeline *p;
    int id;
} worker_arg;

/* ---- worker side: keep failures --------------------------------------------------------- */

/* Called by crtk_check_record on a worker: copy the failure into the batch. Out-of-memory
 * is remembered in b->rc (the callback cannot return it). */
static void keep(void *ctx, const crtk_record *rec, const crtk_check_failure *f)
{
    batch *b = ctx;
    sfail *s;
    size_t i;

    (void)rec;
    if (b->rc < 0)
        return;
    if (crtk__grow((void **)&b->f, &b->capf, b->nf + 1, sizeof *b->f) < 0 ||
        crtk__grow((void **)&b->m, &b->capm, b->nm + f->nmessages, sizeof *b->m) < 0 ||
        crtk__grow((void **)&b->voff, &b->capv, b->nv + f->nfields, sizeof *b->voff) < 0) {
        b->rc = CRTK_ENOMEM;
        return;
    }
    s = &b->f[b->nf++];
    s->rec = b->cur;
    s->f = *f;
    s->msg0 = b->nm;
    s->val0 = b->nv;
    for (i = 0; i < f->nmessages; i++) {
        smsg *m = &b->m[b->nm++];
        m->type = f->messages[i].type;
        m->number = f->messages[i].number;
        m->text = b->arena.len;
        if (sb_add(&b->arena, f->messages[i].text, strlen(f->messages[i].text) + 1) < 0)
            b->rc = CRTK_ENOMEM;
    }
    for (i = 0; i < f->nfields; i++) {
        b->voff[b->nv++] = b->arena.len;
        if (sb_add(&b->arena, f->field_values[i], strlen(f->field_values[i]) + 1) < 0)
            b->rc = CRTK_ENOMEM;
    }
    if (f->tumor >= 0 && f->tumor < crtk_record_tumor_count(b->recs[b->cur]))
        b->tfail[b->tf0[b->cur] + (size_t)f->tumor] = 1;
    b->nfail[b->cur]++;
}

static int check_batch(batch *b, crtk_check_state *st)
{
    int i, rc;

    b->rc = CRTK_OK;
    b->nf = b->nm = b->nv = b->ntf = 0;
    sb_clear(&b->arena);
    for (i = 0; i < b->n; i++) {
        size_t nt = (size_t)crtk_record_tumor_count(b->recs[i]);
        if (crtk__grow((void **)&b->tfail, &b->captf, b->ntf + nt + 1, 1) < 0)
            return b->rc = CRTK_ENOMEM;
        b->tf0[i] = b->ntf;
        memset(b->tfail + b->ntf, 0, nt);
        b->ntf += nt;
        b->runs[i] = 0;
        b->nfail[i] = 0;
        b->cur = i;
        rc = crtk_check_record(st, b->recs[i], keep, b, &b->runs[i]);
        if (rc < 0)
            return b->rc = rc;
        if (b->rc < 0)
            return b->rc;
    }
    return CRTK_OK;
}

static int state_for(crtk_pipeline *p, int w, int ci, crtk_check_state **out)
{
    if (!p->states[w][ci] && crtk_check_state_new(&p->states[w][ci], p->checkers[ci]) < 0)
        return CRTK_ENOMEM;
    *out = p->states[w][ci];
    return CRTK_OK;
}

static int run_batch(crtk_pipeline *p, int w, batch *b)
{
    crtk_check_state *st;
    int rc = state_for(p, w, b->ci, &st);

    if (rc < 0)
        return b->rc = rc;
    return check_batch(b, st);
}

static void *work(void *arg)
{
    worker_arg *wa = arg;
    crtk_pipeline *p = wa->p;
    int id = wa->id;

    free(wa);
    for (;;) {
        batch *b;
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->next_to_take == p->next_to_queue)
            pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->next_to_take == p->next_to_queue && p->stop) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        b = &p->ring[p->next_to_take % p->nring];
        p->next_to_take++;
        pthread_mutex_unlock(&p->mu);
        run_batch(p, id, b);
        pthread_mutex_lock(&p->mu);
        b->state = 2;
        pthread_cond_broadcast(&p->cv_done);
        pthread_mutex_unlock(&p->mu);
    }
}

/* ---- calling thread: deliver in order ------------------------------------------------------ */

static int deliver(crtk_pipeline *p, const char *path, batch *b)
{
    const crtk_pipeline_sink *k = &p->sink;
    size_t fi = 0;
    int i, rc;

    if (b->rc < 0)
        return b->rc;
    for (i = 0; i < b->n; i++) {
        crtk_patient_result r;
        for (; fi < b->nf && b->f[fi].rec == i; fi++) {
            sfail *s = &b->f[fi];
            crtk_check_message msgs[16], *mp = msgs;
            const char *vals[64], **vp = vals;
            crtk_check_failure f = s->f;
            size_t j;
            if (!k->failure)
                continue;
            if (f.nmessages > 16 && !(mp = malloc(f.nmessages * sizeof *mp)))
                return CRTK_ENOMEM;
            if (f.nfields > 64 && !(vp = malloc(f.nfields * sizeof *vp))) {
                if (mp != msgs)
                    free(mp);
                return CRTK_ENOMEM;
            }
            for (j = 0; j < f.nmessages; j++) {
                mp[j].type = b->m[s->msg0 + j].type;
                mp[j].number = b->m[s->msg0 + j].number;
                mp[j].text = b->arena.s + b->m[s->msg0 + j].text;
            }
            for (j = 0; j < f.nfields; j++)
                vp[j] = b->arena.s + b->voff[s->val0 + j];
            f.messages = mp;
            f.field_values = vp;
            f.type = mp[0].type;
            f.message_number = mp[0].number;
            f.message = mp[0].text;
            rc = k->failure(k->ctx, path, b->recs[i], &f);
            if (mp != msgs)
                free(mp);
            if (vp != vals)
                free(vp);
            if (rc < 0)
                return rc;
        }
        r.ntumors = crtk_record_tumor_count(b->recs[i]);
        r.tumor_failed = b->tfail + b->tf0[i];
        r.edits_run = b->runs[i];
        r.failures = b->nfail[i];
        if (k->patient && (rc = k->patient(k->ctx, path, b->recs[i], &r)) < 0)
            return rc;
    }
    return CRTK_OK;
}

/* Merge finished batches in order until batch `upto` is merged, checking queued batches on
 * this thread while the oldest is not finished. */
static int drain(crtk_pipeline *p, const char *path, long upto)
{
    int rc = CRTK_OK;

    pthread_mutex_lock(&p->mu);
    while (p->next_to_merge < upto) {
        batch *b = &p->ring[p->next_to_merge % p->nring];
        if (b->state != 2 && p->next_to_take < p->next_to_queue) {
            batch *h = &p->ring[p->next_to_take % p->nring];
            p->next_to_take++;
            pthread_mutex_unlock(&p->mu);
            run_batch(p, p->opts.jobs - 1, h);
            pthread_mutex_lock(&p->mu);
            h->state = 2;
            continue;
        }
        while (b->state != 2)
            pthread_cond_wait(&p->cv_done, &p->mu);
        pthread_mutex_unlock(&p->mu);
        if (rc == CRTK_OK)
            rc = deliver(p, path, b);
        pthread_mutex_lock(&p->mu);
        b->state = 0;
        p->next_to_merge++;
    }
    pthread_mutex_unlock(&p->mu);
    return rc;
}

static int checker_index(crtk_pipeline *p, const crtk_layout *l, crtk_error *err)
{
    int i, rc;

    for (i = 0; i < p->nchk; i++)
        if (p->layouts[i] == l)
            return i;
    if (p->nchk == MAX_CHK)
        return crtk__fail(err, CRTK_ELIMIT, "more than %d different layouts in one run", MAX_CHK);
    rc = crtk_checker_new(&p->checkers[p->nchk], p->opts.db, l, &p->opts.check, err);
    if (rc < 0)
        return rc;
    p->layouts[p->nchk] = l;
    return p->nchk++;
}

int crtk_pipeline_new(crtk_pipeline **out,
                      const crtk_pipeline_opts *opts,
                      const crtk_pipeline_sink *sink,
                      crtk_error *err)
{
    crtk_pipeline *p;
    int i;

    *out = NULL;
    if (!opts || !opts->db || opts->jobs < 1 || opts->jobs > MAX_JOBS)
        return crtk__fail(err, CRTK_EARG, "pipeline: the edits and 1 to %d jobs are required",
                          MAX_JOBS);
    p = calloc(1, sizeof *p);
    if (!p)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    p->opts = *opts;
    if (sink)
        p->sink = *sink;
    p->nring = opts->jobs > 1 ? 3 * opts->jobs : 1; /* enough to keep every worker busy */
    p->ring = calloc((size_t)p->nring, sizeof *p->ring);
    if (!p->ring) {
        free(p);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv_work, NULL);
    pthread_cond_init(&p->cv_done, NULL);
    for (i = 0; i < opts->jobs - 1; i++) {
        worker_arg *wa = malloc(sizeof *wa);
        if (!wa)
            break;
        wa->p = p;
        wa->id = i;
        if (pthread_create(&p->threads[p->nthreads], NULL, work, wa) != 0) {
            free(wa);
            break;
        }
        p->nthreads++;
    }
    if (p->nthreads < opts->jobs - 1) {
        crtk_pipeline_free(p);
        return crtk__fail(err, CRTK_ENOMEM, "cannot start %d threads", opts->jobs - 1);
    }
    *out = p;
    return CRTK_OK;
}

int crtk_pipeline_run_file(crtk_pipeline *p,
                           const char *path,
                           crtk_layouts *ls,
                           const crtk_reader_opts *ropts,
                           crtk_error *err)
{
    crtk_reader *rd = NULL;
    const crtk_pipeline_sink *k = &p->sink;
    int rc, ci, status = CRTK_OK;
    long nread = 0;
    bool par = p->opts.jobs > 1;

    rc = crtk_reader_open(&rd, path, ls, ropts, err);
    if (rc < 0)
        return rc;
    ci = checker_index(p, crtk_reader_info(rd)->layout, err);
    if (ci < 0) {
        crtk_reader_free(rd);
        return ci;
    }
    if (k->file_begin && (status = k->file_begin(k->ctx, path, rd, p->checkers[ci])) < 0) {
        crtk_reader_free(rd);
        return status;
    }
    for (;;) {
        batch *b;
        long slot = p->next_to_queue;
        if (par && slot - p->next_to_merge >= p->nring) {
            int d = drain(p, path, slot - p->nring + 1);
            if (d < 0 && status == CRTK_OK)
                status = d;
        }
        b = &p->ring[slot % p->nring];
        b->n = 0;
        b->ci = ci;
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
            if (par) {
                pthread_mutex_lock(&p->mu);
                b->state = 1;
                p->next_to_queue++;
                pthread_cond_signal(&p->cv_work);
                pthread_mutex_unlock(&p->mu);
            } else {
                run_batch(p, 0, b);
                if (status == CRTK_OK)
                    status = deliver(p, path, b);
                p->next_to_queue++;
                p->next_to_merge++;
            }
            if (k->progress)
                k->progress(k->ctx, crtk_reader_offset(rd), nread);
        }
        if (rc <= 0 || status < 0)
            break;
        if (p->opts.cancelled && p->opts.cancelled()) {
            status = crtk__fail(err, CRTK_EIO, "interrupted");
            break;
        }
    }
    if (par) {
        int d = drain(p, path, p->next_to_queue);
        if (d < 0 && status == CRTK_OK)
            status = d;
    }
    if (rc < 0 && status == CRTK_OK) {
        if (err)
            *err = *crtk_reader_error(rd);
        status = rc;
    } else if (status == CRTK_ENOMEM) {
        crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    if (status == CRTK_OK && k->file_end)
        status = k->file_end(k->ctx, path, rd);
    crtk_reader_free(rd);
    return status;
}

int crtk_pipeline_checker_count(const crtk_pipeline *p)
{
    return p->nchk;
}

const crtk_checker *crtk_pipeline_checker(const crtk_pipeline *p, int i)
{
    return i >= 0 && i < p->nchk ? p->checkers[i] : NULL;
}

void crtk_pipeline_free(crtk_pipeline *p)
{
    int i, k;

    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->cv_work);
    pthread_mutex_unlock(&p->mu);
    for (i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_done);
    for (i = 0; i < MAX_JOBS; i++)
        for (k = 0; k < MAX_CHK; k++)
            crtk_check_state_free(p->states[i][k]);
    for (i = 0; p->ring && i < p->nring; i++) {
        batch *b = &p->ring[i];
        for (k = 0; k < BATCH; k++)
            crtk_record_free(b->recs[k]);
        free(b->f);
        free(b->m);
        free(b->voff);
        free(b->tfail);
        sb_free(&b->arena);
    }
    free(p->ring);
    for (i = 0; i < p->nchk; i++)
        crtk_checker_free(p->checkers[i]);
    free(p);
}
