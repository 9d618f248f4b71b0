/* strbuf.h - growable NUL-terminated byte buffer used by every module. */
#ifndef CRTK_STRBUF_H
#define CRTK_STRBUF_H

#include "crtk/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

#define STRBUF_INIT \
    {               \
        NULL, 0, 0  \
    }

/* All return 0 or CRTK_ENOMEM. s is always NUL-terminated after a successful call. */
int sb_reserve(strbuf *b, size_t extra);
int sb_add(strbuf *b, const char *p, size_t n);
int sb_adds(strbuf *b, const char *s);
int sb_printf(strbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int sb_set(strbuf *b, const char *p, size_t n);
int sb_add_long(strbuf *b, long v); /* decimal */
void sb_free(strbuf *b);
/* Make room in a growable array *v of *cap elements of `size` bytes for `need` elements
 * (capacity doubles). Returns 0 or CRTK_ENOMEM (also on size overflow); *v is kept then. */
int crtk__grow(void **v, size_t *cap, size_t need, size_t size);
/* One byte; inline, as it runs per character in readers and message texts. */
static inline int sb_addc(strbuf *b, char c)
{
    if (b->len + 1 >= b->cap && sb_reserve(b, 1) < 0)
        return CRTK_ENOMEM;
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
    return 0;
}
/* len = 0, keeps memory */
static inline void sb_clear(strbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}
/* Hand over ownership of the text (never NULL on success); b is reset. */
char *sb_detach(strbuf *b);

#endif
