/* writer.c - the format-independent writer: atomic output, mapping of each record onto
 * the target layout by naaccrId (items the target cannot hold are an error unless the
 * caller allows dropping them; every drop is counted), record-type filtering, and
 * dispatch to the format backend. */
#include "writer_internal.h"
#include "error_internal.h"
#include "layouts_internal.h"
#include "crtk/output.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int crtk__wfail(crtk_writer *w, int code, const char *item, const char *fmt, ...)
{
    va_list ap;

    w->failed = true;
    w->err.code = (crtk_status)code;
    crtk__copy(w->err.source, sizeof w->err.source, w->source_name);
    crtk__copy(w->err.item, sizeof w->err.item, item);
    w->err.record = w->stats.patients + 1;
    va_start(ap, fmt);
    vsnprintf(w->err.message, sizeof w->err.message, fmt, ap);
    va_end(ap);
    return code;
}

void crtk__wwarn(crtk_writer *w,
                 const char *code,
                 long patient,
                 int tumor,
                 const char *item,
                 const char *fmt,
                 ...)
{
    char msg[512];
    va_list ap;
    crtk_finding f;

    if (!w->opts.on_finding)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    memset(&f, 0, sizeof f);
    f.severity = CRTK_SEV_WARNING;
    f.code = code;
    f.source = w->source_name;
    f.patient = patient;
    f.tumor = tumor;
    f.item = item ? item : "";
    f.message = msg;
    w->opts.on_finding(w->opts.finding_ctx, &f);
}

int crtk_writer_open(crtk_writer **out,
                     const char *path,
                     const crtk_writer_opts *opts,
                     crtk_error *err)
{
    crtk_writer *w;
    int rc;

    *out = NULL;
    crtk__error_source(err, path);
    if (!opts || opts->version != CRTK_WRITER_OPTS_VERSION || !opts->layout)
        return crtk__fail(err, CRTK_EARG, "writer options missing or without a target layout");
    w = calloc(1, sizeof *w);
    if (!w)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    w->opts = *opts;
    w->record_type = opts->record_type;
    crtk__copy(w->source_name, sizeof w->source_name, path);
    switch (opts->format) {
    case CRTK_FORMAT_XML:
        w->ops = &crtk__xml_writer_ops;
        break;
    case CRTK_FORMAT_FLAT:
        w->ops = &crtk__flat_writer_ops;
        if (crtk_layout_kind_of(opts->layout) != CRTK_LAYOUT_FLAT) {
            free(w);
            return crtk__fail(err, CRTK_EUNSUPPORTED,
                              "%s has no fixed-width form (NAACCR defines fixed-width records "
                              "up to version 18; use XML or CSV, or give a flat layout)",
                              crtk_layout_name(opts->layout));
        }
        break;
    case CRTK_FORMAT_CSV:
        w->ops = &crtk__csv_writer_ops;
        break;
    default:
        free(w);
        return crtk__fail(err, CRTK_EARG, "writer needs a format (xml, flat or csv)");
    }
    rc = crtk_record_new(&w->scratch);
    if (rc == CRTK_OK)
        rc = crtk__out_open_flags(&w->out, path, opts->gzip, opts->mode,
                                  opts->no_follow ? CRTK_OUTPUT_NO_FOLLOW : 0, err);
    if (rc < 0) {
        crtk_writer_free(w);
        return rc;
    }
    *out = w;
    return CRTK_OK;
}

static int build_map(crtk_writer *w, const crtk_layout *src)
{
    int i, n = crtk_layout_count(src);

    free(w->map);
    w->map = calloc((size_t)(n ? n : 1), sizeof *w->map);
    if (!w->map)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    for (i = 0; i < n; i++) {
        const crtk_item *s = crtk_layout_item(src, i);
        const crtk_item *t = crtk_layout_find(w->opts.layout, s->id);
        if (!t)
            t = crtk_layout_find_num(w->opts.layout, s->num); /* renamed between versions */
        if (t && t->level != s->level)
            t = NULL;
        w->map[i] = t;
    }
    w->map_src = src;
    return CRTK_OK;
}

/* Copy one value to the scratch record, or count/refuse it. */
static int map_value(crtk_writer *w, const crtk_record *rec, const crtk_item *s, int tumor)
{
    size_t len;
    const char *v = crtk_record_get(rec, s, tumor, &len);
    const crtk_item *t = w->map[s->index];
    unsigned rt = crtk_rectype_bit(w->record_type);
    int rc;

    if (!v)
        return CRTK_OK;
    if (!t) {
        if (w->opts.drop_unmappable) {
            w->stats.dropped_unmappable++;
            /* Named, so the caller can say which items it left out. */
            crtk__wwarn(w, "item-dropped", crtk_record_ordinal(rec),
                        s->level == CRTK_LEVEL_TUMOR ? tumor + 1 : 0, s->id,
                        "%s (#%d) has no place in %s; left out", s->id, s->num,
                        crtk_layout_name(w->opts.layout));
            return CRTK_OK;
        }
        return crtk__wfail(w, CRTK_EINVALID, s->id,
                           "patient %ld: item %s (#%d) has no place in %s; use "
                           "--drop-unmappable to leave it out",
                           crtk_record_ordinal(rec), s->id, s->num,
                           crtk_layout_name(w->opts.layout));
    }
    if (rt && !(t->rectypes & rt)) {
        if (w->opts.filter_record_type) {
            w->stats.dropped_record_type++;
            return CRTK_OK;
        }
        if (w->opts.drop_unmappable) {
            w->stats.dropped_unmappable++;
            crtk__wwarn(w, "item-dropped", crtk_record_ordinal(rec),
                        s->level == CRTK_LEVEL_TUMOR ? tumor + 1 : 0, s->id,
                        "%s (#%d) is not part of record type %c; left out", s->id, s->num,
                        w->record_type);
            return CRTK_OK;
        }
        return crtk__wfail(w, CRTK_EINVALID, s->id,
                           "patient %ld: item %s (#%d) is not part of record type %c; use "
                           "--record-type %c to filter it out",
                           crtk_record_ordinal(rec), s->id, s->num, w->record_type, w->record_type);
    }
    if (s->level == CRTK_LEVEL_ROOT && t->level == CRTK_LEVEL_ROOT &&
        crtk_record_is_implied(rec, s))
        rc = crtk_record_set_implied(w->scratch, t, v, len);
    else
        rc = crtk_record_set(w->scratch, t, tumor, v, len);
    if (rc < 0)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    return CRTK_OK;
}

/* Give a root item present in the output record a new value, implied if it was. */
static int restate(crtk_record *r, const crtk_item *it, const char *v, size_t len)
{
    if (!it || it->level != CRTK_LEVEL_ROOT || !crtk_record_get(r, it, 0, NULL))
        return CRTK_OK;
    if (crtk_record_is_implied(r, it))
        return crtk_record_set_implied(r, it, v, len);
    return crtk_record_set(r, it, 0, v, len);
}

static int remap(crtk_writer *w, const crtk_record *rec, const crtk_record **out)
{
    const crtk_layout *src = crtk_record_layout(rec);
    int i, t, n, nt, rc, lv;

    if (w->map_src != src && (rc = build_map(w, src)) < 0)
        return rc;
    if (crtk_record_reset(w->scratch, w->opts.layout) < 0)
        return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    crtk_record_set_ordinal(w->scratch, crtk_record_ordinal(rec));
    crtk_record_set_line(w->scratch, -1, crtk_record_line(rec, -1));
    nt = crtk_record_tumor_count(rec);
    for (t = 0; t < nt; t++) {
        if (crtk_record_add_tumor(w->scratch) < 0)
            return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
        crtk_record_set_line(w->scratch, t, crtk_record_line(rec, t));
    }
    n = crtk_layout_count(src);
    for (i = 0; i < n; i++) {
        const crtk_item *s = crtk_layout_item(src, i);
        if (s->level != CRTK_LEVEL_TUMOR) {
            if ((rc = map_value(w, rec, s, 0)) < 0)
                return rc;
            continue;
        }
        for (t = 0; t < nt; t++)
            if ((rc = map_value(w, rec, s, t)) < 0)
                return rc;
    }
    /* The record type and version the output declares are the target's. */
    {
        const crtk_item *rt = crtk_layout_find(w->opts.layout, "recordType");
        const crtk_item *ver = crtk_layout_find(w->opts.layout, "naaccrRecordVersion");
        char v[16];
        snprintf(v, sizeof v, "%d", crtk_layout_version(w->opts.layout));
        if (restate(w->scratch, rt, &w->record_type, 1) < 0 ||
            restate(w->scratch, ver, v, strlen(v)) < 0)
            return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
    }
    for (lv = 0; lv < CRTK_LEVELS; lv++) {
        int tt, tmax = lv == CRTK_LEVEL_TUMOR ? nt : 1;
        for (tt = 0; tt < tmax; tt++) {
            int e, ne = crtk_record_extension_count(rec, (crtk_level)lv, tt);
            for (e = 0; e < ne; e++) {
                size_t len;
                const char *x = crtk_record_extension(rec, (crtk_level)lv, tt, e, &len);
                if (w->opts.format != CRTK_FORMAT_XML) {
                    w->stats.dropped_extensions++;
                    continue;
                }
                if (crtk_record_add_extension(w->scratch, (crtk_level)lv, tt, x, len) < 0)
                    return crtk__wfail(w, CRTK_ENOMEM, NULL, "out of memory");
            }
        }
    }
    *out = w->scratch;
    return CRTK_OK;
}

int crtk_writer_write(crtk_writer *w, const crtk_record *rec)
{
    const crtk_record *r = rec;
    int rc;

    if (w->failed)
        return w->err.code ? w->err.code : CRTK_EIO;
    if (!w->record_type)
        w->record_type = 'A';
    if (!w->started) {
        w->started = true;
        if ((rc = w->ops->start(w)) < 0) {
            w->failed = true;
            return rc;
        }
    }
    rc = remap(w, rec, &r);
    if (rc < 0)
        return rc;
    rc = w->ops->write(w, r);
    if (rc < 0) {
        w->failed = true;
        return rc;
    }
    w->stats.patients++;
    w->stats.tumors += crtk_record_tumor_count(r);
    {
        int t, nt = crtk_record_tumor_count(r);
        w->stats.items += crtk_record_present_count(r, CRTK_LEVEL_PATIENT, 0);
        if (w->stats.patients == 1)
            w->stats.items += crtk_record_present_count(r, CRTK_LEVEL_ROOT, 0);
        for (t = 0; t < nt; t++)
            w->stats.items += crtk_record_present_count(r, CRTK_LEVEL_TUMOR, t);
    }
    return CRTK_OK;
}

int crtk_writer_close(crtk_writer *w)
{
    int rc;

    if (w->closed)
        return CRTK_OK;
    if (w->failed)
        return w->err.code ? w->err.code : CRTK_EIO;
    if (!w->record_type)
        w->record_type = 'A';
    if (!w->started) {
        w->started = true;
        if ((rc = w->ops->start(w)) < 0) {
            w->failed = true;
            return rc;
        }
    }
    if ((rc = w->ops->finish(w)) < 0) {
        w->failed = true;
        return rc;
    }
    rc = crtk__out_close(&w->out, &w->err);
    if (rc < 0) {
        w->failed = true;
        crtk__copy(w->err.source, sizeof w->err.source, w->source_name);
        return rc;
    }
    w->closed = true;
    return CRTK_OK;
}

void crtk_writer_free(crtk_writer *w)
{
    if (!w)
        return;
    if (w->ops && w->ops->free)
        w->ops->free(w);
    crtk__out_discard(&w->out);
    crtk_record_free(w->scratch);
    free(w->map);
    sb_free(&w->tmp);
    free(w);
}

const crtk_error *crtk_writer_error(const crtk_writer *w)
{
    return &w->err;
}

const crtk_writer_stats *crtk_writer_stats_get(const crtk_writer *w)
{
    return &w->stats;
}
