/* edits_table.c - in-memory lookup tables for LOOKUP/ILOOKUP/RLOOKUP/SQLLOOKUP/
 * SQLRANGELOOKUP. An index is a key per row (the key columns' values concatenated, trailing
 * blanks of the whole key removed) sorted by key then row, searched by binary search: exact
 * lookups return the first row of equal keys, floor lookups the last. Indexes are built at
 * compile time under the table's mutex and never change afterwards, so runs read them
 * without locking. */
#include "edits_internal.h"
#include "error_internal.h"

#include <stdlib.h>
#include <string.h>

static char *dupstr(const char *s)
{
    size_t n = strlen(s ? s : "");
    char *d = malloc(n + 1);

    if (d)
        memcpy(d, s ? s : "", n + 1);
    return d;
}

int crtk_edit_table_new(crtk_edit_table **out, const char *name, crtk_error *err)
{
    crtk_edit_table *t;

    if (!out)
        return crtk__fail(err, CRTK_EARG, "no output pointer");
    *out = NULL;
    t = calloc(1, sizeof *t);
    if (!t || !(t->name = dupstr(name))) {
        free(t);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    if (pthread_mutex_init(&t->lock, NULL) != 0) {
        free(t->name);
        free(t);
        return crtk__fail(err, CRTK_ENOMEM, "cannot create table lock");
    }
    *out = t;
    return CRTK_OK;
}

static void index_free(tindex *ix)
{
    if (!ix)
        return;
    free(ix->cols);
    free(ix->ents);
    free(ix->keymem);
    free(ix);
}

void crtk_edit_table_free(crtk_edit_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    for (size_t i = 0; i < t->ncols; i++)
        free(t->cols[i]);
    free(t->cols);
    for (size_t i = 0; i < t->nix; i++)
        index_free(t->ix[i]);
    free(t->ix);
    pthread_mutex_destroy(&t->lock);
    free(t->name);
    free(t);
}

const char *crtk_edit_table_name(const crtk_edit_table *t)
{
    return t ? t->name : NULL;
}

size_t crtk_edit_table_rows(const crtk_edit_table *t)
{
    return t ? t->nrows : 0;
}

int crtk_edit_table_add_column(crtk_edit_table *t, const char *name, crtk_error *err)
{
    char **c;

    if (!t || !name)
        return crtk__fail(err, CRTK_EARG, "no table or column name");
    if (t->nrows)
        return crtk__fail(err, CRTK_EARG, "table %s: columns must be added before rows", t->name);
    c = realloc(t->cols, (t->ncols + 1) * sizeof *c);
    if (!c)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    t->cols = c;
    c[t->ncols] = dupstr(name);
    if (!c[t->ncols])
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    t->ncols++;
    return CRTK_OK;
}

int crtk_edit_table_add_row(crtk_edit_table *t,
                            const char *const *values,
                            size_t n,
                            crtk_error *err)
{
    if (!t || (n && !values))
        return crtk__fail(err, CRTK_EARG, "no table or values");
    if (n > t->ncols)
        return crtk__fail(err, CRTK_EARG, "table %s: row has %zu values, table has %zu columns",
                          t->name, n, t->ncols);
    if (t->nix)
        return crtk__fail(err, CRTK_EARG, "table %s: rows cannot be added once indexed", t->name);
    if (!t->ncols)
        return crtk__fail(err, CRTK_EARG, "table %s has no columns", t->name);
    if (t->nrows >= UINT32_MAX - 1)
        return crtk__fail(err, CRTK_ELIMIT, "table %s: too many rows", t->name);
    if (t->nrows == t->caprows) {
        size_t cap = t->caprows ? t->caprows * 2 : 16;
        char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
        if (!c)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        t->cells = c;
        t->caprows = cap;
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        row[i] = dupstr(i < n ? values[i] : "");
        if (!row[i]) {
            while (i > 0)
                free(row[--i]);
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        }
    }
    t->nrows++;
    return CRTK_OK;
}

int crtk__edits_table_col(const crtk_edit_table *t, const char *name, size_t len)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (crtk__edits_strieq(name, len, t->cols[i]))
            return (int)i;
    return -1;
}

static int cmpkey(const char *a, size_t an, const char *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    int c = m ? memcmp(a, b, m) : 0;

    if (c)
        return c;
    return an < bn ? -1 : (an > bn ? 1 : 0);
}

static int ent_cmp(const void *x, const void *y)
{
    const tkey *a = x, *b = y;
    int c = cmpkey(a->k, a->len, b->k, b->len);

    if (c)
        return c;
    return a->row < b->row ? -1 : (a->row > b->row);
}

static tindex *build(const crtk_edit_table *t, const int *cols, int ncols)
{
    tindex *ix = calloc(1, sizeof *ix);
    size_t total = 0, off = 0;

    if (!ix)
        return NULL;
    ix->cols = malloc((size_t)ncols * sizeof *ix->cols);
    ix->ents = malloc((t->nrows ? t->nrows : 1) * sizeof *ix->ents);
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < ncols; c++)
            total += strlen(table_cell(t, r, (size_t)cols[c]));
    ix->keymem = malloc(total + 1);
    if (!ix->cols || !ix->ents || !ix->keymem) {
        index_free(ix);
        return NULL;
    }
    memcpy(ix->cols, cols, (size_t)ncols * sizeof *cols);
    ix->ncols = ncols;
    for (size_t r = 0; r < t->nrows; r++) {
        size_t start = off;
        for (int c = 0; c < ncols; c++) {
            const char *v = table_cell(t, r, (size_t)cols[c]);
            size_t n = strlen(v);
            memcpy(ix->keymem + off, v, n);
            off += n;
        }
        ix->ents[r].k = ix->keymem + start;
        ix->ents[r].len = (uint32_t)rtrim_len(ix->keymem + start, off - start);
        ix->ents[r].row = (uint32_t)r;
    }
    ix->n = t->nrows;
    qsort(ix->ents, ix->n, sizeof *ix->ents, ent_cmp);
    return ix;
}

int crtk__edits_table_get_index(crtk_edit_table *t, const int *cols, int ncols, const tindex **out)
{
    int rc = CRTK_OK;

    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < t->nix; i++)
        if (t->ix[i]->ncols == ncols &&
            memcmp(t->ix[i]->cols, cols, (size_t)ncols * sizeof *cols) == 0) {
            *out = t->ix[i];
            goto out;
        }
    tindex **v = realloc(t->ix, (t->nix + 1) * sizeof *v);
    if (!v) {
        rc = CRTK_ENOMEM;
        goto out;
    }
    t->ix = v;
    v[t->nix] = build(t, cols, ncols);
    if (!v[t->nix]) {
        rc = CRTK_ENOMEM;
        goto out;
    }
    *out = v[t->nix++];
out:
    pthread_mutex_unlock(&t->lock);
    return rc;
}

int crtk_edit_table_index(crtk_edit_table *t, const char *columns, crtk_error *err)
{
    int cols[32], n = 0;
    const char *p;
    const tindex *ix;

    if (!t || !columns)
        return crtk__fail(err, CRTK_EARG, "no table or columns");
    p = columns;
    for (;;) {
        const char *c = strchr(p, ','), *e = c ? c : p + strlen(p), *s = p;
        while (s < e && *s == ' ')
            s++;
        while (e > s && e[-1] == ' ')
            e--;
        if (n == 32)
            return crtk__fail(err, CRTK_ELIMIT, "too many key columns");
        cols[n] = crtk__edits_table_col(t, s, (size_t)(e - s));
        if (cols[n] < 0)
            return crtk__fail(err, CRTK_EINVALID, "table %s has no column \"%.*s\"", t->name,
                              (int)(e - s), s);
        n++;
        if (!c)
            break;
        p = c + 1;
    }
    if (crtk__edits_table_get_index(t, cols, n, &ix) < 0)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    return CRTK_OK;
}

/* First entry with key >= k (strict: > k). */
static size_t bound(const tindex *ix, const char *k, size_t n, bool strict)
{
    size_t lo = 0, hi = ix->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmpkey(ix->ents[mid].k, ix->ents[mid].len, k, n);
        if (c < 0 || (strict && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

long crtk__edits_index_find(const tindex *ix, const char *key, size_t len)
{
    size_t i = bound(ix, key, len, false);

    if (i < ix->n && cmpkey(ix->ents[i].k, ix->ents[i].len, key, len) == 0)
        return (long)ix->ents[i].row;
    return -1;
}

long crtk__edits_index_floor(const tindex *ix, const char *key, size_t len)
{
    size_t i = bound(ix, key, len, true);

    return i == 0 ? -1 : (long)ix->ents[i - 1].row;
}
