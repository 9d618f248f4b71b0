/* editdb_suggest.c - "did you mean": the edit sets or edits whose tags are nearest to a name
 * the user mistyped. Nearness is the optimal-string-alignment distance (insertions,
 * deletions, substitutions, adjacent transpositions), case-insensitive, computed in three
 * rows on the stack: no allocation. A tag containing the name counts as distance 1. */
#include "crtk/editdb.h"

#include <ctype.h>
#include <string.h>

#define MAXLEN 128 /* longer names or tags are never suggested */

static int lower(char c)
{
    return tolower((unsigned char)c);
}

static bool contains_ci(const char *hay, const char *needle, size_t n)
{
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && lower(hay[i]) == lower(needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* Distance between a and b (case-insensitive), or MAXLEN + 1 when either is too long. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t r0[MAXLEN + 1], r1[MAXLEN + 1], r2[MAXLEN + 1];
    size_t *pp = r0, *p = r1, *c = r2;

    if (la > MAXLEN || lb > MAXLEN)
        return MAXLEN + 1;
    for (size_t j = 0; j <= lb; j++)
        p[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t *t;
        c[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
            size_t d = p[j] + 1;
            if (c[j - 1] + 1 < d)
                d = c[j - 1] + 1;
            if (p[j - 1] + cost < d)
                d = p[j - 1] + cost;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            c[j] = d;
        }
        t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[lb];
}

/* Keep the best @p max candidates in out[], ordered by distance then tag (byte order). */
static size_t
consider(const char *name, const char *tag, const char **out, size_t *dist, size_t n, size_t max)
{
    size_t len = strlen(name), limit = len / 3 < 2 ? 2 : len / 3, d, i;

    if (!len || !tag || !*tag)
        return n;
    d = distance(name, tag);
    if (d > 1 && len >= 2 && contains_ci(tag, name, len))
        d = 1;
    if (d == 0 && strcmp(name, tag) == 0)
        return n; /* the name itself is no suggestion */
    if (d > limit)
        return n;
    i = n < max ? n : max;
    while (i > 0 && (dist[i - 1] > d || (dist[i - 1] == d && strcmp(out[i - 1], tag) > 0))) {
        if (i < max) {
            out[i] = out[i - 1];
            dist[i] = dist[i - 1];
        }
        i--;
    }
    if (i >= max)
        return n;
    out[i] = tag;
    dist[i] = d;
    return n < max ? n + 1 : max;
}

#define SUGGEST_MAX 16

size_t
crtk_editdb_suggest_set(const crtk_editdb *db, const char *name, const char **out, size_t max)
{
    size_t dist[SUGGEST_MAX], n = 0;

    if (!db || !name || !out)
        return 0;
    if (max > SUGGEST_MAX)
        max = SUGGEST_MAX;
    for (size_t i = 0; i < crtk_editdb_set_count(db); i++)
        n = consider(name, crtk_editdb_set_tag(crtk_editdb_set_at(db, i)), out, dist, n, max);
    return n;
}

size_t
crtk_editdb_suggest_edit(const crtk_editdb *db, const char *tag, const char **out, size_t max)
{
    size_t dist[SUGGEST_MAX], n = 0;

    if (!db || !tag || !out)
        return 0;
    if (max > SUGGEST_MAX)
        max = SUGGEST_MAX;
    for (size_t i = 0; i < crtk_editdb_edit_count(db); i++)
        n = consider(tag, crtk_editdb_edit_tag(crtk_editdb_edit_at(db, i)), out, dist, n, max);
    return n;
}
