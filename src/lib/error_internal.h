/* Internal error helpers: one printf-style setter that returns the code. */
#ifndef CRTK_ERROR_INTERNAL_H
#define CRTK_ERROR_INTERNAL_H

#include "crtk/error.h"

/* Fill err (may be NULL) with code and a formatted message; returns code. Keeps the
 * err's source/line/column/item fields as the caller set them. */
int crtk__fail(crtk_error *err, int code, const char *fmt, ...) CRTK_PRINTF(3, 4);

/* Same, also setting position fields (line/column 0 = unknown, item may be NULL). */
int crtk__fail_at(
    crtk_error *err, int code, long line, long column, const char *item, const char *fmt, ...)
    CRTK_PRINTF(6, 7);

/* Copy a source name into err->source (truncating). */
void crtk__error_source(crtk_error *err, const char *source);

/* Bounded copy that always NUL-terminates (dst of size cap). */
void crtk__copy(char *dst, size_t cap, const char *src);

#endif
