/* codes.c - labels of NAACCR codes. The tables are static data generated at build time from
 * layouts/codes.txt (scripts/embed-codes), sorted by naaccrId and code, so a lookup is two
 * binary searches: no allocation, no initialisation, safe from any thread. */
#include "crtk/codes.h"
#include "codes_internal.h"
#include "crtk/record.h"

#include <string.h>

/* strcmp of a NUL-terminated string against a length-delimited one. */
static int cmp_n(const char *s, const char *key, size_t len)
{
    int c = strncmp(s, key, len);
    if (c)
        return c;
    return s[len] ? 1 : 0;
}

static const crtk__code_table *find_table(const char *id)
{
    size_t lo = 0, hi = crtk__code_table_count;

    if (!id)
        return NULL;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(crtk__code_tables[mid].id, id);
        if (!c)
            return &crtk__code_tables[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *crtk_code_label_n(const char *naaccr_id, const char *code, size_t len)
{
    const crtk__code_table *t = find_table(naaccr_id);
    size_t lo = 0, hi;

    if (!t || !code)
        return NULL;
    while (len && code[0] == ' ') {
        code++;
        len--;
    }
    while (len && code[len - 1] == ' ')
        len--;
    if (!len)
        return NULL;
    hi = t->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_n(t->codes[mid].code, code, len);
        if (!c)
            return t->codes[mid].label;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *crtk_code_label(const char *naaccr_id, const char *code)
{
    return code ? crtk_code_label_n(naaccr_id, code, strlen(code)) : NULL;
}

bool crtk_code_table_has(const char *naaccr_id)
{
    return find_table(naaccr_id) != NULL;
}

size_t crtk_code_count(const char *naaccr_id)
{
    const crtk__code_table *t = find_table(naaccr_id);
    return t ? t->count : 0;
}

/* Items labelled together with another item of the same tumor: "CODE/OTHER". */
static const struct {
    const char *id, *with;
} combined[] = {
    {"histologicTypeIcdO3", "behaviorCodeIcdO3"},
};

const char *crtk_record_code_label(const crtk_record *rec, const crtk_item *item, int tumor)
{
    const char *v, *w, *label;
    size_t len, wlen;
    char key[32];

    if (!rec || !item)
        return NULL;
    v = crtk_record_get(rec, item, tumor, &len);
    if (!v)
        return NULL;
    for (size_t i = 0; i < sizeof combined / sizeof combined[0]; i++) {
        const crtk_item *other;
        if (strcmp(item->id, combined[i].id))
            continue;
        other = crtk_layout_find(crtk_record_layout(rec), combined[i].with);
        w = other ? crtk_record_get(rec, other, tumor, &wlen) : NULL;
        if (!w || len + wlen + 2 > sizeof key)
            break;
        memcpy(key, v, len);
        key[len] = '/';
        memcpy(key + len + 1, w, wlen);
        label = crtk_code_label_n(item->id, key, len + 1 + wlen);
        if (label)
            return label;
        break;
    }
    return crtk_code_label_n(item->id, v, len);
}
