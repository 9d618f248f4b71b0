/* strbuf.c - growable byte buffer. Grows geometrically so appends are amortised O(1);
 * clearing keeps the allocation, which is how readers avoid allocating per record. */
#include "strbuf.h"
#include "crtk/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sb_reserve(strbuf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > (size_t)-1 / 2 - b->len)
        return CRTK_ENOMEM;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    p = realloc(b->s, cap);
    if (!p)
        return CRTK_ENOMEM;
    b->s = p;
    b->cap = cap;
    return 0;
}

int sb_add(strbuf *b, const char *p, size_t n)
{
    if (sb_reserve(b, n) < 0)
        return CRTK_ENOMEM;
    if (n)
        memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

int sb_adds(strbuf *b, const char *s)
{
    return sb_add(b, s, strlen(s));
}

int sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    int n;

    /* one pass when the text fits in the room there is (the usual case), else measure */
    va_start(ap, fmt);
    n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0)
        return CRTK_ENOMEM;
    if ((size_t)n >= room) {
        if (sb_reserve(b, (size_t)n) < 0) {
            if (b->s)
                b->s[b->len] = '\0';
            return CRTK_ENOMEM;
        }
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
    return 0;
}

int sb_add_long(strbuf *b, long v)
{
    char d[24], *p = d + sizeof d;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;

    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return sb_add(b, p, (size_t)(d + sizeof d - p));
}

int sb_set(strbuf *b, const char *p, size_t n)
{
    b->len = 0;
    return sb_add(b, p, n);
}

void sb_free(strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

char *sb_detach(strbuf *b)
{
    char *s;

    if (!b->s && sb_reserve(b, 0) < 0)
        return NULL;
    s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

int crtk__grow(void **v, size_t *cap, size_t need, size_t size)
{
    size_t nc;
    void *q;

    if (need <= *cap)
        return CRTK_OK;
    nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > ((size_t)-1) / 4 / size)
            return CRTK_ENOMEM;
        nc *= 2;
    }
    q = realloc(*v, nc * size);
    if (!q)
        return CRTK_ENOMEM;
    *v = q;
    *cap = nc;
    return CRTK_OK;
}
