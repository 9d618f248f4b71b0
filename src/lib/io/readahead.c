/* readahead.c - a producer thread fills a ring of records from a reader; the consumer takes
 * them in order. One mutex and two condition variables; the slot the consumer holds is given
 * back at its next call. */
#include "io/readahead.h"
#include "error_internal.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct crtk__readahead {
    crtk_reader *rd;
    crtk_record **recs;
    int *rcs;
    long long *offs; /* reader offset after each slot was read */
    long long off;   /* of the record the consumer holds */
    int depth;
    long head, tail; /* produced, consumed (slots head..tail-1 are filled) */
    bool held;       /* the consumer holds slot tail-1 */
    bool stop, done;
    pthread_t th;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv_filled, cv_free;
};

static void *produce(void *arg)
{
    crtk__readahead *ra = arg;

    for (;;) {
        int slot, rc;
        pthread_mutex_lock(&ra->mu);
        /* a slot is free when fewer than depth-1 are filled or held */
        while (!ra->stop && ra->head - ra->tail + (ra->held ? 1 : 0) >= ra->depth)
            pthread_cond_wait(&ra->cv_free, &ra->mu);
        if (ra->stop) {
            pthread_mutex_unlock(&ra->mu);
            return NULL;
        }
        slot = (int)(ra->head % ra->depth);
        pthread_mutex_unlock(&ra->mu);
        rc = crtk_reader_next(ra->rd, ra->recs[slot]);
        pthread_mutex_lock(&ra->mu);
        ra->rcs[slot] = rc;
        ra->offs[slot] = crtk_reader_offset(ra->rd);
        ra->head++;
        if (rc <= 0)
            ra->done = true;
        pthread_cond_signal(&ra->cv_filled);
        pthread_mutex_unlock(&ra->mu);
        if (rc <= 0)
            return NULL;
    }
}

int crtk__readahead_start(crtk__readahead **out, crtk_reader *rd, int depth)
{
    crtk__readahead *ra;
    int i;

    *out = NULL;
    if (depth < 2)
        depth = 2;
    ra = calloc(1, sizeof *ra);
    if (!ra)
        return CRTK_ENOMEM;
    ra->rd = rd;
    ra->depth = depth;
    ra->recs = calloc((size_t)depth, sizeof *ra->recs);
    ra->rcs = calloc((size_t)depth, sizeof *ra->rcs);
    ra->offs = calloc((size_t)depth, sizeof *ra->offs);
    if (!ra->recs || !ra->rcs || !ra->offs)
        goto nomem;
    for (i = 0; i < depth; i++)
        if (crtk_record_new(&ra->recs[i]) < 0)
            goto nomem;
    pthread_mutex_init(&ra->mu, NULL);
    pthread_cond_init(&ra->cv_filled, NULL);
    pthread_cond_init(&ra->cv_free, NULL);
    if (pthread_create(&ra->th, NULL, produce, ra) != 0) {
        pthread_mutex_destroy(&ra->mu);
        pthread_cond_destroy(&ra->cv_filled);
        pthread_cond_destroy(&ra->cv_free);
        goto nomem;
    }
    ra->started = true;
    *out = ra;
    return CRTK_OK;
nomem:
    for (i = 0; ra->recs && i < depth; i++)
        crtk_record_free(ra->recs[i]);
    free(ra->recs);
    free(ra->rcs);
    free(ra->offs);
    free(ra);
    return CRTK_ENOMEM;
}

int crtk__readahead_next(crtk__readahead *ra, const crtk_record **rec)
{
    int slot, rc;

    pthread_mutex_lock(&ra->mu);
    if (ra->held) {
        ra->held = false;
        pthread_cond_signal(&ra->cv_free);
    }
    while (ra->tail == ra->head)
        pthread_cond_wait(&ra->cv_filled, &ra->mu);
    slot = (int)(ra->tail % ra->depth);
    rc = ra->rcs[slot];
    if (rc > 0) {
        ra->tail++;
        ra->held = true;
        ra->off = ra->offs[slot];
        *rec = ra->recs[slot];
    }
    pthread_mutex_unlock(&ra->mu);
    return rc;
}

void crtk__readahead_free(crtk__readahead *ra)
{
    int i;

    if (!ra)
        return;
    if (ra->started) {
        pthread_mutex_lock(&ra->mu);
        ra->stop = true;
        pthread_cond_broadcast(&ra->cv_free);
        pthread_mutex_unlock(&ra->mu);
        pthread_join(ra->th, NULL);
        pthread_mutex_destroy(&ra->mu);
        pthread_cond_destroy(&ra->cv_filled);
        pthread_cond_destroy(&ra->cv_free);
    }
    for (i = 0; i < ra->depth; i++)
        crtk_record_free(ra->recs[i]);
    free(ra->recs);
    free(ra->rcs);
    free(ra->offs);
    free(ra);
}

long long crtk__readahead_offset(const crtk__readahead *ra)
{
    return ra->off;
}
