/* record.c - one patient in memory. Values live in one arena per record; each container
 * (root, patient, each tumor) maps the slots of its level to (offset, length) pairs.
 * reset() keeps every allocation, so a reader reusing a record allocates nothing once
 * the largest patient has been seen. */
#include "crtk/record.h"
#include "error_internal.h"
#include "layouts_internal.h"
#include "record_internal.h"
#include "strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ABSENT CRTK__ABSENT

typedef struct slotvals {
    uint32_t *off; /* ABSENT when the item is not present */
    uint32_t *len;
    int n, cap;
    long line;
    int next_ext; /* first extension of this container: index into exts, -1 none */
} slotvals;

typedef struct ext {
    uint32_t off, len;
    int next;
} ext;

struct crtk_record {
    const crtk_layout *layout;
    strbuf arena;
    slotvals root, patient;
    slotvals *tumors;
    int ntumors, captumors;
    ext *exts;
    int nexts, capexts;
    long ordinal;
    uint64_t implied; /* root slots whose value the file stated as a NaaccrData attribute */
};

int crtk_record_new(crtk_record **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return CRTK_ENOMEM;
    (*out)->root.next_ext = (*out)->patient.next_ext = -1;
    return CRTK_OK;
}

static void sv_free(slotvals *s)
{
    free(s->off);
    free(s->len);
}

void crtk_record_free(crtk_record *rec)
{
    int i;

    if (!rec)
        return;
    sv_free(&rec->root);
    sv_free(&rec->patient);
    for (i = 0; i < rec->captumors; i++)
        sv_free(&rec->tumors[i]);
    free(rec->tumors);
    free(rec->exts);
    sb_free(&rec->arena);
    free(rec);
}

static int sv_reset(slotvals *s, int n)
{
    if (n > s->cap) {
        uint32_t *o = realloc(s->off, (size_t)n * sizeof *o);
        uint32_t *l;
        if (!o)
            return CRTK_ENOMEM;
        s->off = o;
        l = realloc(s->len, (size_t)n * sizeof *l);
        if (!l)
            return CRTK_ENOMEM;
        s->len = l;
        s->cap = n;
    }
    s->n = n;
    if (n)
        memset(s->off, 0xff, (size_t)n * sizeof *s->off);
    s->line = 0;
    s->next_ext = -1;
    return CRTK_OK;
}

int crtk_record_reset(crtk_record *rec, const crtk_layout *layout)
{
    rec->layout = layout;
    sb_clear(&rec->arena);
    rec->ntumors = 0;
    rec->nexts = 0;
    rec->ordinal = 0;
    rec->implied = 0;
    if (!layout)
        return CRTK_OK;
    if (sv_reset(&rec->root, layout->level_count[CRTK_LEVEL_ROOT]) < 0 ||
        sv_reset(&rec->patient, layout->level_count[CRTK_LEVEL_PATIENT]) < 0)
        return CRTK_ENOMEM;
    return CRTK_OK;
}

const crtk_layout *crtk_record_layout(const crtk_record *rec)
{
    return rec->layout;
}

int crtk_record_tumor_count(const crtk_record *rec)
{
    return rec->ntumors;
}

int crtk_record_add_tumor(crtk_record *rec)
{
    if (!rec->layout)
        return CRTK_EARG;
    if (rec->ntumors == rec->captumors) {
        int nc = rec->captumors ? rec->captumors * 2 : 4;
        slotvals *p = realloc(rec->tumors, (size_t)nc * sizeof *p);
        if (!p)
            return CRTK_ENOMEM;
        memset(p + rec->captumors, 0, (size_t)(nc - rec->captumors) * sizeof *p);
        rec->tumors = p;
        rec->captumors = nc;
    }
    if (sv_reset(&rec->tumors[rec->ntumors], rec->layout->level_count[CRTK_LEVEL_TUMOR]) < 0)
        return CRTK_ENOMEM;
    return rec->ntumors++;
}

void crtk_record_clear_tumors(crtk_record *rec)
{
    rec->ntumors = 0;
}

static slotvals *container(const crtk_record *rec, crtk_level level, int tumor)
{
    crtk_record *r = (crtk_record *)rec;

    switch (level) {
    case CRTK_LEVEL_ROOT:
        return &r->root;
    case CRTK_LEVEL_PATIENT:
        return &r->patient;
    case CRTK_LEVEL_TUMOR:
        return tumor >= 0 && tumor < r->ntumors ? &r->tumors[tumor] : NULL;
    }
    return NULL;
}

const char *
crtk_record_get(const crtk_record *rec, const crtk_item *item, int tumor, size_t *len_out)
{
    const slotvals *s = container(rec, item->level, tumor);

    if (!s || item->slot >= s->n || s->off[item->slot] == ABSENT)
        return NULL;
    if (len_out)
        *len_out = s->len[item->slot];
    return rec->arena.s + s->off[item->slot];
}

void crtk__record_values(const crtk_record *rec, crtk_level level, int tumor, crtk__values *out)
{
    const slotvals *s = container(rec, level, tumor);

    out->off = s ? s->off : NULL;
    out->len = s ? s->len : NULL;
    out->n = s ? s->n : 0;
    out->arena = rec->arena.s;
}

int crtk_record_set(
    crtk_record *rec, const crtk_item *item, int tumor, const char *value, size_t len)
{
    slotvals *s = container(rec, item->level, tumor);
    size_t off;

    if (!s || item->slot >= s->n)
        return CRTK_EARG;
    if (item->level == CRTK_LEVEL_ROOT && item->slot < 64)
        rec->implied &= ~((uint64_t)1 << item->slot);
    if (len == 0) {
        s->off[item->slot] = ABSENT;
        return CRTK_OK;
    }
    if (rec->arena.len + len + 1 >= ABSENT)
        return CRTK_ELIMIT;
    off = rec->arena.len;
    /* Each value is NUL-terminated inside the arena so callers get C strings. */
    if (sb_add(&rec->arena, value, len) < 0 || sb_addc(&rec->arena, '\0') < 0)
        return CRTK_ENOMEM;
    s->off[item->slot] = (uint32_t)off;
    s->len[item->slot] = (uint32_t)len;
    return CRTK_OK;
}

int crtk_record_set_implied(crtk_record *rec, const crtk_item *item, const char *value, size_t len)
{
    int rc;

    if (item->level != CRTK_LEVEL_ROOT || item->slot >= 64 || !len)
        return CRTK_EARG;
    rc = crtk_record_set(rec, item, 0, value, len);
    if (rc == CRTK_OK)
        rec->implied |= (uint64_t)1 << item->slot;
    return rc;
}

bool crtk_record_is_implied(const crtk_record *rec, const crtk_item *item)
{
    return item->level == CRTK_LEVEL_ROOT && item->slot < 64 && (rec->implied >> item->slot & 1) &&
           crtk_record_get(rec, item, 0, NULL);
}

void crtk_record_unset(crtk_record *rec, const crtk_item *item, int tumor)
{
    slotvals *s = container(rec, item->level, tumor);

    if (s && item->slot < s->n)
        s->off[item->slot] = ABSENT;
}

int crtk_record_present_count(const crtk_record *rec, crtk_level level, int tumor)
{
    const slotvals *s = container(rec, level, tumor);
    int i, n = 0;

    if (!s)
        return 0;
    for (i = 0; i < s->n; i++)
        n += s->off[i] != ABSENT;
    return n;
}

long crtk_record_line(const crtk_record *rec, int tumor)
{
    const slotvals *s = tumor < 0 ? &rec->patient : container(rec, CRTK_LEVEL_TUMOR, tumor);
    return s ? s->line : 0;
}

void crtk_record_set_line(crtk_record *rec, int tumor, long line)
{
    slotvals *s = tumor < 0 ? &rec->patient : container(rec, CRTK_LEVEL_TUMOR, tumor);
    if (s)
        s->line = line;
}

long crtk_record_ordinal(const crtk_record *rec)
{
    return rec->ordinal;
}

void crtk_record_set_ordinal(crtk_record *rec, long ordinal)
{
    rec->ordinal = ordinal;
}

int crtk_record_add_extension(
    crtk_record *rec, crtk_level level, int tumor, const char *xml, size_t len)
{
    slotvals *s = container(rec, level, tumor);
    int *link;

    if (!s)
        return CRTK_EARG;
    if (rec->nexts == rec->capexts) {
        int nc = rec->capexts ? rec->capexts * 2 : 8;
        ext *p = realloc(rec->exts, (size_t)nc * sizeof *p);
        if (!p)
            return CRTK_ENOMEM;
        rec->exts = p;
        rec->capexts = nc;
    }
    if (rec->arena.len + len + 1 >= ABSENT)
        return CRTK_ELIMIT;
    rec->exts[rec->nexts].off = (uint32_t)rec->arena.len;
    rec->exts[rec->nexts].len = (uint32_t)len;
    rec->exts[rec->nexts].next = -1;
    if (sb_add(&rec->arena, xml, len) < 0 || sb_addc(&rec->arena, '\0') < 0)
        return CRTK_ENOMEM;
    link = &s->next_ext;
    while (*link >= 0)
        link = &rec->exts[*link].next;
    *link = rec->nexts++;
    return CRTK_OK;
}

int crtk_record_extension_count(const crtk_record *rec, crtk_level level, int tumor)
{
    const slotvals *s = container(rec, level, tumor);
    int n = 0, e;

    for (e = s ? s->next_ext : -1; e >= 0; e = rec->exts[e].next)
        n++;
    return n;
}

const char *
crtk_record_extension(const crtk_record *rec, crtk_level level, int tumor, int i, size_t *len_out)
{
    const slotvals *s = container(rec, level, tumor);
    int e;

    for (e = s ? s->next_ext : -1; e >= 0 && i > 0; e = rec->exts[e].next)
        i--;
    if (e < 0)
        return NULL;
    if (len_out)
        *len_out = rec->exts[e].len;
    return rec->arena.s + rec->exts[e].off;
}
