/* error.c - filling crtk_error. Reporting an error never allocates: the struct is
 * caller-owned and fixed-size, so an out-of-memory path can still report itself. */
#include "error_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void crtk__copy(char *dst, size_t cap, const char *src)
{
    size_t n;

    if (!cap)
        return;
    if (!src)
        src = "";
    n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void crtk_error_clear(crtk_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
}

void crtk__error_source(crtk_error *err, const char *source)
{
    if (err)
        crtk__copy(err->source, sizeof err->source, source);
}

static void vfill(crtk_error *err, int code, const char *fmt, va_list ap)
{
    err->code = (crtk_status)code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

int crtk__fail(crtk_error *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    va_start(ap, fmt);
    vfill(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int crtk__fail_at(
    crtk_error *err, int code, long line, long column, const char *item, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->line = line;
    err->column = column;
    crtk__copy(err->item, sizeof err->item, item);
    va_start(ap, fmt);
    vfill(err, code, fmt, ap);
    va_end(ap);
    return code;
}

const char *crtk_status_str(int code)
{
    switch (code) {
    case CRTK_OK:
        return "ok";
    case CRTK_ENOMEM:
        return "out of memory";
    case CRTK_EIO:
        return "I/O error";
    case CRTK_EPARSE:
        return "parse error";
    case CRTK_EINVALID:
        return "invalid";
    case CRTK_EENCODING:
        return "encoding error";
    case CRTK_EUNSUPPORTED:
        return "unsupported";
    case CRTK_EARG:
        return "bad argument";
    case CRTK_ELIMIT:
        return "limit exceeded";
    default:
        return "unknown error";
    }
}

void crtk_free(void *p)
{
    free(p);
}
