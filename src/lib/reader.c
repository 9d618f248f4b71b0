/* reader.c - the format-independent reader: opens the input, sniffs the format from the
 * first bytes (XML starts with '<' after an optional BOM and blanks, CSV has a header row
 * of naaccrIds, anything else is fixed-width) and dispatches to the format backend. */
#include "reader_internal.h"
#include "error_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

const char *crtk_format_name(crtk_format f)
{
    switch (f) {
    case CRTK_FORMAT_XML:
        return "xml";
    case CRTK_FORMAT_FLAT:
        return "flat";
    case CRTK_FORMAT_CSV:
        return "csv";
    default:
        return "auto";
    }
}

void crtk__finding(crtk_reader *rd,
                   crtk_severity sev,
                   const char *code,
                   long line,
                   long column,
                   int tumor,
                   const char *item,
                   const char *fmt,
                   ...)
{
    char msg[512];
    va_list ap;
    crtk_finding f;

    if (sev == CRTK_SEV_ERROR)
        rd->errors++;
    else
        rd->warnings++;
    if (!rd->opts.on_finding)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    f.severity = sev;
    f.code = code;
    f.source = rd->in.name;
    f.line = line;
    f.column = column;
    f.patient = rd->patients + 1;
    f.tumor = tumor;
    f.item = item ? item : "";
    f.message = msg;
    rd->opts.on_finding(rd->opts.finding_ctx, &f);
}

void crtk__report_mismatch(crtk_reader *rd,
                           const char *code,
                           const char *what,
                           long line,
                           long column,
                           int tumor,
                           const char *item,
                           const char *v,
                           size_t n,
                           const char *first,
                           size_t fn,
                           long first_line)
{
    crtk__finding(rd, CRTK_SEV_ERROR, code, line, column, tumor, item,
                  "%s value differs among the %s: line %ld has \"%.*s\", the first line "
                  "(%ld) has \"%.*s\"",
                  item, what, line, n > 60 ? 60 : (int)n, v, first_line, fn > 60 ? 60 : (int)fn,
                  first);
}

int crtk__rfail(
    crtk_reader *rd, int code, long line, long column, const char *item, const char *fmt, ...)
{
    va_list ap;

    rd->failed = true;
    rd->err.code = (crtk_status)code;
    crtk__copy(rd->err.source, sizeof rd->err.source, rd->in.name);
    rd->err.line = line;
    rd->err.column = column;
    rd->err.record = rd->patients + 1;
    crtk__copy(rd->err.item, sizeof rd->err.item, item);
    va_start(ap, fmt);
    vsnprintf(rd->err.message, sizeof rd->err.message, fmt, ap);
    va_end(ap);
    return code;
}

static crtk_format sniff(const unsigned char *p, size_t n)
{
    size_t i = 0;

    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
        return CRTK_FORMAT_XML; /* UTF-16 BOM: only XML may be UTF-16 */
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i < n && p[i] == '<')
        return CRTK_FORMAT_XML;
    /* CSV: a header row of naaccrIds separated by commas, e.g. "patientIdNumber,...". */
    if (i < n && ((p[i] >= 'a' && p[i] <= 'z') || p[i] == '"')) {
        size_t j;
        for (j = i; j < n && p[j] != '\n' && p[j] != '\r'; j++)
            if (p[j] == ',')
                return CRTK_FORMAT_CSV;
    }
    return CRTK_FORMAT_FLAT;
}

static int start(crtk_reader *rd, crtk_layouts *ls, const crtk_reader_opts *opts, crtk_error *err)
{
    const unsigned char *p;
    size_t got;
    int rc;

    rd->ls = ls;
    if (opts) {
        if (opts->version != CRTK_READER_OPTS_VERSION)
            return crtk__fail(err, CRTK_EARG, "reader options of an unknown version");
        rd->opts = *opts;
    } else {
        crtk_reader_opts def = CRTK_READER_OPTS_INIT;
        rd->opts = def;
    }
    if (rd->opts.max_tumors <= 0)
        rd->opts.max_tumors = CRTK_DEFAULT_MAX_TUMORS;
    rd->info.format = rd->opts.format;
    if (rd->info.format == CRTK_FORMAT_AUTO) {
        rc = crtk__in_peek(&rd->in, 4096, &p, &got, err);
        if (rc < 0)
            return rc;
        if (got == 0)
            return crtk__fail(err, CRTK_EPARSE, "file is empty");
        rd->info.format = sniff(p, got);
    }
    switch (rd->info.format) {
    case CRTK_FORMAT_XML:
        rd->ops = &crtk__xml_reader_ops;
        break;
    case CRTK_FORMAT_CSV:
        rd->ops = &crtk__csv_reader_ops;
        break;
    default:
        rd->ops = &crtk__flat_reader_ops;
        break;
    }
    rd->info.base_uri = rd->info.user_uris = rd->info.spec_version = "";
    rd->info.time_generated = rd->info.extra_root = rd->info.encoding = "";
    rc = rd->ops->start(rd);
    if (rc < 0 && err)
        *err = rd->err;
    return rc;
}

static int open_common(crtk_reader **out,
                       crtk_reader *rd,
                       crtk_layouts *ls,
                       const crtk_reader_opts *opts,
                       crtk_error *err)
{
    int rc = start(rd, ls, opts, err);

    if (rc < 0) {
        crtk_reader_free(rd);
        return rc;
    }
    *out = rd;
    return CRTK_OK;
}

int crtk_reader_open(crtk_reader **out,
                     const char *path,
                     crtk_layouts *ls,
                     const crtk_reader_opts *opts,
                     crtk_error *err)
{
    crtk_reader *rd;
    int rc;

    *out = NULL;
    crtk__error_source(err, path);
    if (!ls)
        return crtk__fail(err, CRTK_EARG, "no layouts given");
    rd = calloc(1, sizeof *rd);
    if (!rd)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    rc = crtk__in_open(&rd->in, path, err);
    if (rc < 0) {
        free(rd);
        return rc;
    }
    return open_common(out, rd, ls, opts, err);
}

int crtk_reader_open_mem(crtk_reader **out,
                         const void *buf,
                         size_t len,
                         crtk_layouts *ls,
                         const crtk_reader_opts *opts,
                         crtk_error *err)
{
    crtk_reader *rd;

    *out = NULL;
    crtk__error_source(err, "<memory>");
    if (!ls)
        return crtk__fail(err, CRTK_EARG, "no layouts given");
    rd = calloc(1, sizeof *rd);
    if (!rd)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    (void)crtk__in_open_mem(&rd->in, buf, len, "<memory>", err);
    return open_common(out, rd, ls, opts, err);
}

int crtk_reader_next(crtk_reader *rd, crtk_record *rec)
{
    int rc;

    if (rd->failed)
        return rd->err.code ? rd->err.code : CRTK_EARG;
    if (rd->done)
        return 0;
    rc = rd->ops->next(rd, rec);
    if (rc > 0) {
        rd->patients++;
        crtk_record_set_ordinal(rec, rd->patients);
    } else if (rc == 0) {
        rd->done = true;
    } else {
        rd->failed = true;
        if (!rd->err.code)
            crtk__rfail(rd, rc, 0, 0, NULL, "%s", crtk_status_str(rc));
    }
    return rc;
}

const crtk_error *crtk_reader_error(const crtk_reader *rd)
{
    return &rd->err;
}

const crtk_file_info *crtk_reader_info(const crtk_reader *rd)
{
    return &rd->info;
}

long crtk_reader_error_count(const crtk_reader *rd)
{
    return rd->errors;
}

long crtk_reader_warning_count(const crtk_reader *rd)
{
    return rd->warnings;
}

long long crtk_reader_offset(const crtk_reader *rd)
{
    return rd->in.raw_consumed;
}

void crtk_reader_free(crtk_reader *rd)
{
    if (!rd)
        return;
    if (rd->ops && rd->ops->free)
        rd->ops->free(rd);
    crtk__in_close(&rd->in);
    sb_free(&rd->base_uri);
    sb_free(&rd->user_uris);
    sb_free(&rd->spec);
    sb_free(&rd->time_generated);
    sb_free(&rd->extra_root);
    sb_free(&rd->encoding);
    free(rd);
}
