/* layouts.c - item definitions: the layout text format parser, the registry of built-in
 * and user layouts, NAACCR user-defined dictionaries (XML) and the combination of a base
 * dictionary with user dictionaries as the NAACCR XML standard prescribes. Lookups by
 * naaccrId, number and name are O(1) open-addressing hashes built once per layout. */
#include "layouts_internal.h"
#include "error_internal.h"
#include "strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#define NAACCR_NS "http://naaccr.org/naaccrxml"

static const char *const dtype_names[] = {"text",    "digits", "alpha",   "mixed",
                                          "numeric", "date",   "dateTime"};
static const char *const pad_names[] = {"none", "rightBlank", "leftBlank", "rightZero", "leftZero"};
static const char *const level_names[] = {"NaaccrData", "Patient", "Tumor"};

const char *crtk_dtype_name(crtk_dtype t)
{
    return (unsigned)t < 7 ? dtype_names[t] : "?";
}

const char *crtk_padding_name(crtk_padding p)
{
    return (unsigned)p < 5 ? pad_names[p] : "?";
}

const char *crtk_level_name(crtk_level l)
{
    return (unsigned)l < 3 ? level_names[l] : "?";
}

int crtk__rt_index(char c)
{
    switch (c) {
    case 'A':
        return 0;
    case 'M':
        return 1;
    case 'C':
        return 2;
    case 'I':
        return 3;
    default:
        return -1;
    }
}

unsigned crtk_rectype_bit(char c)
{
    int i = crtk__rt_index(c);
    return i < 0 ? 0u : 1u << i;
}

const char *crtk_rectypes_str(unsigned rt, char *buf, size_t cap)
{
    static const char letters[] = "AMCI";
    size_t n = 0;
    int i;

    if (!cap)
        return buf;
    for (i = 0; i < 4; i++) {
        if (!(rt & (1u << i)))
            continue;
        if (n && n + 1 < cap)
            buf[n++] = ',';
        if (n + 1 < cap)
            buf[n++] = letters[i];
    }
    buf[n] = '\0';
    return buf;
}

/* ---- layout objects ---- */

void crtk__layout_free(crtk_layout *l)
{
    int i;

    if (!l)
        return;
    for (i = 0; i < l->nstrings; i++)
        free(l->strings[i]);
    free(l->strings);
    free(l->name);
    free(l->description);
    free(l->uri);
    free(l->spec);
    free(l->file);
    free(l->items);
    free(l->hid);
    free(l->hnum);
    free(l->hname);
    free(l->parts);
    free(l);
}

char *crtk__layout_strdup(crtk_layout *l, const char *s, size_t n)
{
    char *p;

    if (l->nstrings == l->capstrings) {
        int nc = l->capstrings ? l->capstrings * 2 : 256;
        char **q = realloc(l->strings, (size_t)nc * sizeof *q);
        if (!q)
            return NULL;
        l->strings = q;
        l->capstrings = nc;
    }
    p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    l->strings[l->nstrings++] = p;
    return p;
}

static uint32_t hash_bytes(const char *s, size_t n, bool fold)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (fold)
            c = (unsigned char)tolower(c);
        h = (h ^ c) * 16777619u;
    }
    return h;
}

static uint32_t hash_int(int v)
{
    uint32_t x = (uint32_t)v;
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

int crtk__layout_index(crtk_layout *l)
{
    unsigned cap = 64;
    int i;

    while (cap < (unsigned)l->n * 2 + 1)
        cap *= 2;
    free(l->hid);
    free(l->hnum);
    free(l->hname);
    l->hid = calloc(cap, sizeof(int));
    l->hnum = calloc(cap, sizeof(int));
    l->hname = calloc(cap, sizeof(int));
    l->hcap = cap;
    if (!l->hid || !l->hnum || !l->hname)
        return CRTK_ENOMEM;
    for (i = 0; i < CRTK_LEVELS; i++)
        l->level_count[i] = 0;
    for (i = 0; i < l->n; i++) {
        crtk_item *it = &l->items[i];
        uint32_t h;
        it->index = i;
        it->slot = l->level_count[it->level]++;
        h = hash_bytes(it->id, strlen(it->id), false) & (cap - 1);
        while (l->hid[h])
            h = (h + 1) & (cap - 1);
        l->hid[h] = i + 1;
        if (it->num > 0) {
            h = hash_int(it->num) & (cap - 1);
            while (l->hnum[h] && l->items[l->hnum[h] - 1].num != it->num)
                h = (h + 1) & (cap - 1);
            if (!l->hnum[h])
                l->hnum[h] = i + 1;
        }
        if (it->name && *it->name) {
            h = hash_bytes(it->name, strlen(it->name), true) & (cap - 1);
            while (l->hname[h] && strcasecmp(l->items[l->hname[h] - 1].name, it->name))
                h = (h + 1) & (cap - 1);
            if (!l->hname[h])
                l->hname[h] = i + 1;
        }
    }
    return CRTK_OK;
}

const char *crtk_layout_name(const crtk_layout *l)
{
    return l->name ? l->name : "";
}

const char *crtk_layout_description(const crtk_layout *l)
{
    return l->description ? l->description : "";
}

crtk_layout_kind crtk_layout_kind_of(const crtk_layout *l)
{
    return l->kind;
}

int crtk_layout_version(const crtk_layout *l)
{
    return l->version;
}

const char *crtk_layout_uri(const crtk_layout *l)
{
    return l->uri ? l->uri : "";
}

const char *crtk_layout_spec(const crtk_layout *l)
{
    return l->spec ? l->spec : "";
}

int crtk_layout_record_length(const crtk_layout *l, char rt)
{
    int i = crtk__rt_index(rt);
    return i < 0 ? 0 : l->reclen[i];
}

int crtk_layout_count(const crtk_layout *l)
{
    return l->n;
}

const crtk_item *crtk_layout_item(const crtk_layout *l, int i)
{
    return i >= 0 && i < l->n ? &l->items[i] : NULL;
}

int crtk_layout_level_count(const crtk_layout *l, crtk_level level)
{
    return (unsigned)level < CRTK_LEVELS ? l->level_count[level] : 0;
}

const crtk_item *crtk_layout_find_n(const crtk_layout *l, const char *id, size_t n)
{
    uint32_t h;

    if (!l->hcap)
        return NULL;
    h = hash_bytes(id, n, false) & (l->hcap - 1);
    while (l->hid[h]) {
        const crtk_item *it = &l->items[l->hid[h] - 1];
        if (!strncmp(it->id, id, n) && it->id[n] == '\0')
            return it;
        h = (h + 1) & (l->hcap - 1);
    }
    return NULL;
}

const crtk_item *
crtk__layout_find_after(const crtk_layout *l, int *memo, int prev, const char *id, size_t n)
{
    int *m = &memo[prev + 1];
    const crtk_item *it;

    if (*m > 0) {
        it = &l->items[*m - 1];
        if (!strncmp(it->id, id, n) && it->id[n] == '\0')
            return it; /* the item that followed prev last time follows it again */
    }
    it = crtk_layout_find_n(l, id, n);
    if (it)
        *m = it->index + 1;
    return it;
}

const crtk_item *crtk_layout_find(const crtk_layout *l, const char *id)
{
    return crtk_layout_find_n(l, id, strlen(id));
}

const crtk_item *crtk_layout_find_num(const crtk_layout *l, int num)
{
    uint32_t h;

    if (!l->hcap || num <= 0)
        return NULL;
    h = hash_int(num) & (l->hcap - 1);
    while (l->hnum[h]) {
        const crtk_item *it = &l->items[l->hnum[h] - 1];
        if (it->num == num)
            return it;
        h = (h + 1) & (l->hcap - 1);
    }
    return NULL;
}

const crtk_item *crtk_layout_find_name(const crtk_layout *l, const char *name)
{
    uint32_t h;

    if (!l->hcap)
        return NULL;
    h = hash_bytes(name, strlen(name), true) & (l->hcap - 1);
    while (l->hname[h]) {
        const crtk_item *it = &l->items[l->hname[h] - 1];
        if (!strcasecmp(it->name, name))
            return it;
        h = (h + 1) & (l->hcap - 1);
    }
    return NULL;
}

crtk_item *crtk__layout_add_item(crtk_layout *l)
{
    if (l->n == l->cap) {
        int nc = l->cap ? l->cap * 2 : 256;
        crtk_item *p = realloc(l->items, (size_t)nc * sizeof *p);
        if (!p)
            return NULL;
        l->items = p;
        l->cap = nc;
    }
    memset(&l->items[l->n], 0, sizeof l->items[0]);
    return &l->items[l->n++];
}

static int parse_enum(const char *s, size_t n, const char *const *names, int count)
{
    int i;

    for (i = 0; i < count; i++)
        if (strlen(names[i]) == n && !strncmp(names[i], s, n))
            return i;
    return -1;
}

static bool parse_rectypes(const char *s, size_t n, unsigned *out)
{
    size_t i;
    unsigned rt = 0;

    if (!n)
        return false;
    for (i = 0; i < n; i++) {
        if (i % 2 == 1) {
            if (s[i] != ',')
                return false;
            continue;
        }
        if (!crtk_rectype_bit(s[i]))
            return false;
        rt |= crtk_rectype_bit(s[i]);
    }
    if (n % 2 == 0)
        return false;
    *out = rt;
    return true;
}

static bool parse_int(const char *s, size_t n, int lo, int hi, int *out)
{
    long v = 0;
    size_t i;

    if (!n || n > 9)
        return false;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

bool crtk__valid_naaccr_id(const char *s, size_t n)
{
    size_t i;

    if (n < 2 || n > 32 || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]))
            return false;
    return true;
}

/* Split the next blank-separated field of a line. */
static bool next_field(const char **p, const char *end, const char **f, size_t *fn)
{
    const char *s = *p;

    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s == end)
        return false;
    *f = s;
    while (s < end && *s != ' ' && *s != '\t')
        s++;
    *fn = (size_t)(s - *f);
    *p = s;
    return true;
}

static int text_fail(crtk_error *err,
                     const char *name,
                     long line,
                     const char *item,
                     const char *fmt,
                     const char *what,
                     size_t wn)
{
    crtk__error_source(err, name);
    return crtk__fail_at(err, CRTK_EINVALID, line, 0, item, fmt, (int)wn, what);
}

static int
parse_layout_text(crtk_layout *l, const char *name, const char *text, size_t len, crtk_error *err)
{
    const char *p = text, *end = text + len;
    long line = 0;
    bool have_kind = false;

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *le = eol ? eol : end, *q = p, *f;
        size_t fn;
        char idbuf[64] = "";

        line++;
        if (le > p && le[-1] == '\r')
            le--;
        if (!next_field(&q, le, &f, &fn) || f[0] == '#') {
            p = eol ? eol + 1 : end;
            continue;
        }
        if (f[0] == '@') {
            const char *v;
            size_t vn;
            char **dst = NULL;
            while (q < le && (*q == ' ' || *q == '\t'))
                q++;
            v = q;
            vn = (size_t)(le - q);
            while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
                vn--;
            if (fn == 7 && !strncmp(f, "@layout", 7))
                dst = &l->name;
            else if (fn == 4 && !strncmp(f, "@uri", 4))
                dst = &l->uri;
            else if (fn == 14 && !strncmp(f, "@specification", 14))
                dst = &l->spec;
            else if (fn == 12 && !strncmp(f, "@description", 12))
                dst = &l->description;
            if (dst) {
                free(*dst);
                *dst = strndup(v, vn);
                if (!*dst)
                    return crtk__fail(err, CRTK_ENOMEM, "out of memory");
            } else if (fn == 5 && !strncmp(f, "@kind", 5)) {
                if (vn == 10 && !strncmp(v, "dictionary", 10))
                    l->kind = CRTK_LAYOUT_DICTIONARY;
                else if (vn == 15 && !strncmp(v, "user-dictionary", 15))
                    l->kind = CRTK_LAYOUT_USER_DICTIONARY;
                else if (vn == 4 && !strncmp(v, "flat", 4))
                    l->kind = CRTK_LAYOUT_FLAT;
                else
                    return text_fail(err, name, line, NULL,
                                     "@kind must be dictionary, user-dictionary or flat, not "
                                     "\"%.*s\"",
                                     v, vn);
                have_kind = true;
            } else if (fn == 8 && !strncmp(f, "@version", 8)) {
                if (!parse_int(v, vn, 100, 999, &l->version))
                    return text_fail(err, name, line, NULL,
                                     "@version must be a 3-digit NAACCR version, not \"%.*s\"", v,
                                     vn);
            } else if (fn == 14 && !strncmp(f, "@record-length", 14)) {
                int rl;
                if (vn < 3 || crtk__rt_index(v[0]) < 0 || v[1] != ' ' ||
                    !parse_int(v + 2, vn - 2, 1, 1000000, &rl))
                    return text_fail(err, name, line, NULL,
                                     "@record-length needs a record type (A, M, C or I) and a "
                                     "length, not \"%.*s\"",
                                     v, vn);
                l->reclen[crtk__rt_index(v[0])] = rl;
            } else {
                return text_fail(err, name, line, NULL, "unknown directive \"%.*s\"", f, fn);
            }
            p = eol ? eol + 1 : end;
            continue;
        }
        {
            crtk_item *it = crtk__layout_add_item(l);
            int v;
            const char *fields[10];
            size_t lens[10];
            int k;
            if (!it)
                return crtk__fail(err, CRTK_ENOMEM, "out of memory");
            fields[0] = f;
            lens[0] = fn;
            for (k = 1; k < 10; k++)
                if (!next_field(&q, le, &fields[k], &lens[k]))
                    return text_fail(err, name, line, NULL,
                                     "item line has %.*s fields; expected num naaccrId start "
                                     "length type padding trim level types flags name",
                                     k == 1 ? "1" : "too few", k == 1 ? 1 : 7);
            if (!parse_int(fields[0], lens[0], 1, 99999, &it->num))
                return text_fail(err, name, line, NULL, "item number must be 1-99999, not \"%.*s\"",
                                 fields[0], lens[0]);
            if (!crtk__valid_naaccr_id(fields[1], lens[1]))
                return text_fail(err, name, line, NULL,
                                 "naaccrId \"%.*s\" must be a lower-case letter then letters or "
                                 "digits, at most 32",
                                 fields[1], lens[1]);
            crtk__copy(idbuf, sizeof idbuf, "");
            snprintf(idbuf, sizeof idbuf, "%.*s", (int)lens[1], fields[1]);
            if (lens[2] == 1 && fields[2][0] == '-')
                it->start = 0;
            else if (!parse_int(fields[2], lens[2], 1, 1000000, &it->start))
                return text_fail(err, name, line, idbuf,
                                 "start column must be a number or '-', not \"%.*s\"", fields[2],
                                 lens[2]);
            if (!parse_int(fields[3], lens[3], 1, 1000000, &it->length))
                return text_fail(err, name, line, idbuf, "length must be a number, not \"%.*s\"",
                                 fields[3], lens[3]);
            if ((v = parse_enum(fields[4], lens[4], dtype_names, 7)) < 0)
                return text_fail(err, name, line, idbuf, "unknown data type \"%.*s\"", fields[4],
                                 lens[4]);
            it->type = (crtk_dtype)v;
            if ((v = parse_enum(fields[5], lens[5], pad_names, 5)) < 0)
                return text_fail(err, name, line, idbuf, "unknown padding \"%.*s\"", fields[5],
                                 lens[5]);
            it->padding = (crtk_padding)v;
            if (lens[6] == 3 && !strncmp(fields[6], "all", 3))
                it->trim = true;
            else if (lens[6] == 4 && !strncmp(fields[6], "none", 4))
                it->trim = false;
            else
                return text_fail(err, name, line, idbuf, "trim must be all or none, not \"%.*s\"",
                                 fields[6], lens[6]);
            if ((v = parse_enum(fields[7], lens[7], level_names, 3)) < 0)
                return text_fail(err, name, line, idbuf,
                                 "level must be NaaccrData, Patient or Tumor, not \"%.*s\"",
                                 fields[7], lens[7]);
            it->level = (crtk_level)v;
            if (!parse_rectypes(fields[8], lens[8], &it->rectypes))
                return text_fail(err, name, line, idbuf,
                                 "record types must look like A,M,C,I, not \"%.*s\"", fields[8],
                                 lens[8]);
            if (lens[9] == 9 && !strncmp(fields[9], "unlimited", 9))
                it->unlimited = true;
            else if (!(lens[9] == 1 && fields[9][0] == '-'))
                return text_fail(err, name, line, idbuf,
                                 "flags must be - or unlimited, not "
                                 "\"%.*s\"",
                                 fields[9], lens[9]);
            while (q < le && (*q == ' ' || *q == '\t'))
                q++;
            it->id = crtk__layout_strdup(l, fields[1], lens[1]);
            it->name = crtk__layout_strdup(l, q, (size_t)(le - q));
            if (!it->id || !it->name)
                return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        }
        p = eol ? eol + 1 : end;
    }
    if (!l->name)
        return text_fail(err, name, 0, NULL, "missing @layout line%.*s", "", 0);
    if (!have_kind)
        return text_fail(err, name, 0, NULL, "missing @kind line%.*s", "", 0);
    if (!l->version)
        return text_fail(err, name, 0, NULL, "missing @version line%.*s", "", 0);
    if (l->kind == CRTK_LAYOUT_FLAT && !l->reclen[0] && !l->reclen[3])
        return text_fail(err, name, 0, NULL, "a flat layout needs @record-length lines%.*s", "", 0);
    return CRTK_OK;
}

/* Structural checks every layout must pass: unique ids and numbers; in a flat layout,
 * columns inside the record and no two items overlapping. */
int crtk__layout_check(const crtk_layout *l, const char *name, crtk_error *err)
{
    int i, maxlen = 0;
    unsigned char *cover = NULL;

    for (i = 0; i < l->n; i++) {
        const crtk_item *it = &l->items[i];
        const crtk_item *o = crtk_layout_find(l, it->id);
        if (o != it) {
            crtk__error_source(err, name);
            return crtk__fail_at(err, CRTK_EINVALID, 0, 0, it->id, "naaccrId %s is defined twice",
                                 it->id);
        }
        o = crtk_layout_find_num(l, it->num);
        if (o != it) {
            crtk__error_source(err, name);
            return crtk__fail_at(err, CRTK_EINVALID, 0, 0, it->id,
                                 "item number %d is used by both %s and %s", it->num, o->id,
                                 it->id);
        }
    }
    if (l->kind != CRTK_LAYOUT_FLAT)
        return CRTK_OK;
    for (i = 0; i < 4; i++)
        if (l->reclen[i] > maxlen)
            maxlen = l->reclen[i];
    cover = calloc((size_t)maxlen + 1, 1);
    if (!cover)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    for (i = 0; i < l->n; i++) {
        const crtk_item *it = &l->items[i];
        int c;
        if (!it->start)
            continue;
        if (it->start + it->length - 1 > maxlen) {
            free(cover);
            crtk__error_source(err, name);
            return crtk__fail_at(err, CRTK_EINVALID, 0, 0, it->id,
                                 "%s ends at column %d, beyond the record length %d", it->id,
                                 it->start + it->length - 1, maxlen);
        }
        for (c = it->start; c < it->start + it->length; c++) {
            if (cover[c]) {
                free(cover);
                crtk__error_source(err, name);
                return crtk__fail_at(err, CRTK_EINVALID, 0, 0, it->id,
                                     "%s (columns %d-%d) overlaps another item at column %d",
                                     it->id, it->start, it->start + it->length - 1, c);
            }
            cover[c] = 1;
        }
    }
    free(cover);
    return CRTK_OK;
}

int crtk__layouts_register(crtk_layouts *ls, crtk_layout *l)
{
    if (ls->n == ls->cap) {
        int nc = ls->cap ? ls->cap * 2 : 32;
        crtk_layout **p = realloc(ls->list, (size_t)nc * sizeof *p);
        if (!p)
            return CRTK_ENOMEM;
        ls->list = p;
        ls->cap = nc;
    }
    ls->list[ls->n++] = l;
    return CRTK_OK;
}

int crtk_layouts_add_text(crtk_layouts *ls,
                          const char *name,
                          const char *text,
                          size_t len,
                          const crtk_layout **out,
                          crtk_error *err)
{
    crtk_layout *l = calloc(1, sizeof *l);
    int rc;

    if (out)
        *out = NULL;
    if (!l)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    rc = parse_layout_text(l, name, text, len, err);
    if (rc == CRTK_OK && crtk__layout_index(l) < 0)
        rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
    if (rc == CRTK_OK)
        rc = crtk__layout_check(l, name, err);
    if (rc == CRTK_OK && crtk_layouts_by_name(ls, l->name)) {
        crtk__error_source(err, name);
        rc = crtk__fail(err, CRTK_EINVALID, "a layout named %s is already loaded", l->name);
    }
    if (rc == CRTK_OK) {
        l->file = strdup(name);
        if (!l->file || crtk__layouts_register(ls, l) < 0)
            rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    if (rc < 0) {
        crtk__layout_free(l);
        return rc;
    }
    {
        int i;
        for (i = 0; i < l->n; i++)
            l->items[i].origin = l->name;
    }
    if (out)
        *out = l;
    return CRTK_OK;
}

int crtk__read_file(const char *path, char **buf, size_t *len, crtk_error *err)
{
    FILE *f = fopen(path, "rb");
    strbuf b = STRBUF_INIT;
    char chunk[65536];
    size_t n;

    if (!f) {
        crtk__error_source(err, path);
        if (err)
            err->sys_errno = errno;
        return crtk__fail(err, CRTK_EIO, "cannot open: %s", strerror(errno));
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > (64u << 20)) {
            fclose(f);
            sb_free(&b);
            crtk__error_source(err, path);
            return crtk__fail(err, CRTK_ELIMIT, "file is larger than 64 MiB");
        }
        if (sb_add(&b, chunk, n) < 0) {
            fclose(f);
            sb_free(&b);
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        }
    }
    if (ferror(f)) {
        fclose(f);
        sb_free(&b);
        crtk__error_source(err, path);
        return crtk__fail(err, CRTK_EIO, "read failed");
    }
    fclose(f);
    *len = b.len;
    *buf = sb_detach(&b);
    return *buf ? CRTK_OK : crtk__fail(err, CRTK_ENOMEM, "out of memory");
}

int crtk_layouts_add_file(crtk_layouts *ls,
                          const char *path,
                          const crtk_layout **out,
                          crtk_error *err)
{
    char *buf;
    size_t len;
    int rc = crtk__read_file(path, &buf, &len, err);

    if (rc < 0)
        return rc;
    rc = crtk_layouts_add_text(ls, path, buf, len, out, err);
    free(buf);
    return rc;
}

static int load_renames(crtk_layouts *ls, const char *text, size_t len)
{
    const char *p = text, *end = text + len;

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p)), *le = eol ? eol : end, *q = p;
        const char *f[3];
        size_t fn[3];
        if (*p != '#' && next_field(&q, le, &f[0], &fn[0]) && next_field(&q, le, &f[1], &fn[1]) &&
            next_field(&q, le, &f[2], &fn[2])) {
            struct rename *r = realloc(ls->ren, (size_t)(ls->nren + 1) * sizeof *r);
            if (!r)
                return CRTK_ENOMEM;
            ls->ren = r;
            r[ls->nren].old_id = strndup(f[1], fn[1]);
            r[ls->nren].new_id = strndup(f[2], fn[2]);
            ls->nren++;
            if (!r[ls->nren - 1].old_id || !r[ls->nren - 1].new_id)
                return CRTK_ENOMEM;
        }
        p = eol ? eol + 1 : end;
    }
    return CRTK_OK;
}

const char *crtk_layouts_renamed(const crtk_layouts *ls, const char *old_id)
{
    int i;

    for (i = 0; i < ls->nren; i++)
        if (!strcmp(ls->ren[i].old_id, old_id))
            return ls->ren[i].new_id;
    return NULL;
}

int crtk_layouts_new(crtk_layouts **out, crtk_error *err)
{
    crtk_layouts *ls = calloc(1, sizeof *ls);
    const crtk__embedded *e;
    int rc;

    *out = NULL;
    if (!ls)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    for (e = crtk__builtin_files; e->name; e++) {
        if (!strcmp(e->name, "renames.txt"))
            rc = load_renames(ls, e->text, e->len);
        else
            rc = crtk_layouts_add_text(ls, e->name, e->text, e->len, NULL, err);
        if (rc < 0) {
            crtk_layouts_free(ls);
            return rc;
        }
    }
    *out = ls;
    return CRTK_OK;
}

void crtk_layouts_free(crtk_layouts *ls)
{
    int i;

    if (!ls)
        return;
    for (i = 0; i < ls->n; i++)
        crtk__layout_free(ls->list[i]);
    for (i = 0; i < ls->ncomb; i++) {
        free(ls->comb[i].users);
        crtk__layout_free(ls->comb[i].result);
    }
    for (i = 0; i < ls->nren; i++) {
        free(ls->ren[i].old_id);
        free(ls->ren[i].new_id);
    }
    free(ls->ren);
    free(ls->comb);
    free(ls->list);
    free(ls);
}

int crtk_layouts_count(const crtk_layouts *ls)
{
    return ls->n;
}

const crtk_layout *crtk_layouts_at(const crtk_layouts *ls, int i)
{
    return i >= 0 && i < ls->n ? ls->list[i] : NULL;
}

const crtk_layout *crtk_layouts_by_name(const crtk_layouts *ls, const char *name)
{
    int i;

    for (i = ls->n - 1; i >= 0; i--)
        if (ls->list[i]->name && !strcmp(ls->list[i]->name, name))
            return ls->list[i];
    return NULL;
}

const crtk_layout *crtk_layouts_by_uri(const crtk_layouts *ls, const char *uri)
{
    int i;

    for (i = ls->n - 1; i >= 0; i--)
        if (ls->list[i]->uri && !strcmp(ls->list[i]->uri, uri))
            return ls->list[i];
    return NULL;
}

int crtk_version_normalize(const char *t)
{
    int v = 0, n = 0;

    if (!t)
        return 0;
    while (*t == ' ')
        t++;
    for (; *t >= '0' && *t <= '9' && n < 4; t++, n++)
        v = v * 10 + (*t - '0');
    while (*t == ' ')
        t++;
    if (*t || n == 0)
        return 0;
    if (n <= 2)
        v *= 10;
    if (v >= 120 && v < 130)
        return 122; /* NAACCR 12 writes 120, 121 or 122 */
    if (v < 120 || v > 999)
        return 0;
    return v;
}

static const crtk_layout *find_kind(const crtk_layouts *ls, crtk_layout_kind kind, int version)
{
    int i;

    for (i = ls->n - 1; i >= 0; i--)
        if (ls->list[i]->kind == kind && ls->list[i]->version == version)
            return ls->list[i];
    return NULL;
}

const crtk_layout *crtk_layouts_dictionary(const crtk_layouts *ls, int version)
{
    char name[64];

    if (version > 0 && version < 100)
        version *= 10;
    snprintf(name, sizeof name, "naaccr-dictionary-%d", version);
    return crtk_layouts_by_name(ls, name);
}

const crtk_layout *crtk_layouts_default_user(const crtk_layouts *ls, int version)
{
    char name[64];

    if (version > 0 && version < 100)
        version *= 10;
    snprintf(name, sizeof name, "user-defined-naaccr-dictionary-%d", version);
    return crtk_layouts_by_name(ls, name);
}

const crtk_layout *crtk_layouts_flat(const crtk_layouts *ls, int version)
{
    if (version > 0 && version < 100)
        version *= 10;
    if (version >= 120 && version < 130)
        version = 122;
    return find_kind(ls, CRTK_LAYOUT_FLAT, version);
}
