/* check.c - running an edit set on records. Each edit is compiled once against the
 * records' layout: `#S"Field Name"` resolves through the metafile's field list (name ->
 * NAACCR item number) to an item of the layout, and becomes a slot. At run time a slot's
 * value is the item's fixed-width text (blank-padded, right-justified for leftBlank items),
 * built lazily once per tumor. crtk adds two pseudo-fields for inter-record edits:
 * "Patient Tumor Count" and "<field> (Other Tumor)"; an edit using the latter runs once for
 * every pair of a patient's tumors. */
#include "crtk/check.h"
#include "crtk/edits.h"
#include "edits/edits_fast.h"
#include "error_internal.h"
#include "record_internal.h"
#include "strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define OTHER_SUFFIX " (Other Tumor)"
#define COUNT_FIELD  "Patient Tumor Count"

enum slot_kind { SLOT_ITEM = 0, SLOT_OTHER = 1, SLOT_COUNT = 2 };

typedef struct slot {
    const crtk_item *item; /* NULL for the tumor count */
    int width;
    enum slot_kind kind;
    int level, islot; /* the item's level and slot in the record */
    size_t off;       /* buffer offset in a state's arena */
} slot;

typedef struct cedit {
    crtk_edit *edit;
    int guard[8]; /* slots: a blank one means the edit passes without running */
    int nguard;
    const crtk_editdb_edit *def;
    bool inter;
    size_t nfields;
    int *field_slots;
    const char **field_names;
    int *field_items;
} cedit;

/* The check loop's view of an edit, packed: its guards as record positions. */
typedef struct gref {
    uint8_t other, level; /* the other tumor's value; the item's level */
    uint16_t width;
    int32_t islot;
} gref;

typedef struct hot {
    const crtk_edit *edit;
    const void *pf; /* its pure opening, packed in run order (NULL: none) */
    int e;          /* index into edits */
    int g0, ng;     /* grefs[g0 .. g0+ng) */
} hot;

typedef struct skipped {
    char *tag;
    crtk_error err;
} skipped;

typedef struct tbl {
    const char *name;
    crtk_edit_table *t;
} tbl;

struct crtk_checker {
    const crtk_editdb *db;
    const crtk_layout *layout;
    crtk_check_opts opts;
    char today[9];
    slot *slots;
    int nslots, capslots;
    cedit *edits;
    int nedits;
    skipped *skip;
    int nskip;
    tbl *tables;
    int ntables;
    size_t arena_size;
    bool compiling_inter; /* set by the resolver while compiling one edit */
    hot *hot;             /* the edits in run order: nintra single-tumor ones, then the rest */
    int nintra;
    gref *grefs;
    char *pfmem; /* the pure openings, one block after the other */
};

struct crtk_check_state {
    const crtk_checker *c;
    crtk_edit_state *es;
    char *arena;
    unsigned *gen;
    unsigned cur;
    const crtk_record *rec;
    int tumor, other;
    crtk__values vals[2][3]; /* [this tumor, the other tumor][level]: the record's values */
    const char **values;     /* per failure report */
    size_t cap_values;
    crtk_check_message *msgs; /* per failure report; at least one */
    size_t cap_msgs;
};

/* ---- compile-time providers ---- */

static int add_slot(crtk_checker *c, const crtk_item *item, int width, enum slot_kind kind)
{
    int i;

    for (i = 0; i < c->nslots; i++)
        if (c->slots[i].item == item && c->slots[i].kind == kind)
            return i;
    if (c->nslots == c->capslots) {
        int nc = c->capslots ? c->capslots * 2 : 64;
        slot *p = realloc(c->slots, (size_t)nc * sizeof *p);
        if (!p)
            return -1;
        c->slots = p;
        c->capslots = nc;
    }
    c->slots[c->nslots].item = item;
    c->slots[c->nslots].width = width;
    c->slots[c->nslots].kind = kind;
    c->slots[c->nslots].level = item ? (int)item->level : 0;
    c->slots[c->nslots].islot = item ? item->slot : 0;
    c->slots[c->nslots].off = c->arena_size;
    c->arena_size += (size_t)width + 1;
    return c->nslots++;
}

/* A field name -> layout item: the metafile's field list first (by number), then the
 * layout's own names, naaccrIds and "[NUM]". */
static const crtk_item *find_item(const crtk_checker *c, const char *name, int *width)
{
    const crtk_editdb_field *f = crtk_editdb_find_field_name(c->db, name);
    const crtk_item *it = NULL;

    *width = 0;
    if (f) {
        it = crtk_layout_find_num(c->layout, (int)crtk_editdb_field_number(f));
        if (it && crtk_editdb_field_length(f) > 0)
            *width = (int)crtk_editdb_field_length(f);
    }
    if (!it)
        it = crtk_layout_find_name(c->layout, name);
    if (!it)
        it = crtk_layout_find(c->layout, name);
    if (!it && name[0] == '[') {
        char *end;
        long n = strtol(name + 1, &end, 10);
        if (*end == ']' && end[1] == '\0')
            it = crtk_layout_find_num(c->layout, (int)n);
    }
    if (it && !*width)
        *width = it->length;
    if (*width > CRTK_EDIT_MAX_STRING)
        *width = CRTK_EDIT_MAX_STRING;
    return it;
}

static int resolve(void *ctx, const char *name, int *width_out)
{
    crtk_checker *c = ctx;
    size_t n = strlen(name), k = strlen(OTHER_SUFFIX);
    const crtk_item *it;
    int width;

    if (!strcasecmp(name, COUNT_FIELD)) {
        *width_out = 2;
        return add_slot(c, NULL, 2, SLOT_COUNT);
    }
    if (n > k && !strcasecmp(name + n - k, OTHER_SUFFIX)) {
        char base[256];
        snprintf(base, sizeof base, "%.*s", (int)(n - k), name);
        it = find_item(c, base, &width);
        if (!it)
            return -1;
        c->compiling_inter = true;
        *width_out = width;
        return add_slot(c, it, width, SLOT_OTHER);
    }
    it = find_item(c, name, &width);
    if (!it)
        return -1;
    *width_out = width;
    return add_slot(c, it, width, SLOT_ITEM);
}

static bool has_column(const crtk_editdb_table *t, const char *name)
{
    size_t i;

    for (i = 0; i < crtk_editdb_table_column_count(t); i++)
        if (!strcasecmp(crtk_editdb_table_column(t, i), name))
            return true;
    return false;
}

static const char *index_cell(const crtk_editdb_table *t, size_t row, const char *colname)
{
    size_t i;

    for (i = 0; i < crtk_editdb_table_column_count(t); i++)
        if (!strcasecmp(crtk_editdb_table_column(t, i), colname))
            return crtk_editdb_table_cell(t, row, i);
    return "";
}

static crtk_edit_table *table(void *ctx, const char *name)
{
    crtk_checker *c = ctx;
    const crtk_editdb_table *t;
    crtk_edit_table *et = NULL;
    size_t col, row, ncol, nidx, *offs = NULL;
    const char **vals;
    bool *alias = NULL;
    strbuf keys = STRBUF_INIT;
    int i;

    for (i = 0; i < c->ntables; i++)
        if (!strcasecmp(c->tables[i].name, name))
            return c->tables[i].t;
    t = crtk_editdb_find_table(c->db, name);
    if (!t)
        return NULL;
    ncol = crtk_editdb_table_column_count(t);
    nidx = crtk_editdb_table_index_count(t);
    vals = calloc(ncol + nidx + 1, sizeof *vals);
    offs = calloc(ncol + nidx + 1, sizeof *offs);
    alias = calloc(nidx + 1, sizeof *alias);
    if (!vals || !offs || !alias || crtk_edit_table_new(&et, crtk_editdb_table_name(t), NULL) < 0) {
        free(vals);
        free(offs);
        free(alias);
        return NULL;
    }
    for (col = 0; col < ncol; col++)
        if (crtk_edit_table_add_column(et, crtk_editdb_table_column(t, col), NULL) < 0)
            goto fail;
    /* "TABLE.INDEX" names an index; EditWriter keeps a multi-column index as a column of that
     * name holding the key columns concatenated. An index that is not a column gets one. */
    for (i = 0; i < (int)nidx; i++) {
        const char *iname = crtk_editdb_table_index_name(t, (size_t)i);
        alias[i] = !has_column(t, iname);
        if (alias[i] && crtk_edit_table_add_column(et, iname, NULL) < 0)
            goto fail;
    }
    for (row = 0; row < crtk_editdb_table_row_count(t); row++) {
        size_t n = ncol;
        sb_clear(&keys);
        for (col = 0; col < ncol; col++)
            vals[col] = crtk_editdb_table_cell(t, row, col);
        for (i = 0; i < (int)nidx; i++) {
            size_t j;
            if (!alias[i])
                continue;
            offs[n] = keys.len;
            for (j = 0; j < crtk_editdb_table_index_column_count(t, (size_t)i); j++) {
                const char *c = index_cell(t, row, crtk_editdb_table_index_column(t, (size_t)i, j));
                if (sb_adds(&keys, c) < 0)
                    goto fail;
            }
            if (sb_addc(&keys, '\0') < 0)
                goto fail;
            n++;
        }
        for (col = ncol; col < n; col++)
            vals[col] = keys.s + offs[col];
        if (crtk_edit_table_add_row(et, vals, n, NULL) < 0)
            goto fail;
    }
    {
        tbl *p = realloc(c->tables, (size_t)(c->ntables + 1) * sizeof *p);
        if (!p)
            goto fail;
        c->tables = p;
        p[c->ntables].name = crtk_editdb_table_name(t);
        p[c->ntables].t = et;
        c->ntables++;
    }
    free(vals);
    free(offs);
    free(alias);
    sb_free(&keys);
    return et;
fail:
    free(vals);
    free(offs);
    free(alias);
    sb_free(&keys);
    crtk_edit_table_free(et);
    return NULL;
}

static const char *message(void *ctx, long number)
{
    const crtk_editdb_message *m = crtk_editdb_find_message((const crtk_editdb *)ctx, number);
    return m ? crtk_editdb_message_text(m) : NULL;
}

static int add_skipped(crtk_checker *c, const char *tag, const crtk_error *e)
{
    skipped *p = realloc(c->skip, (size_t)(c->nskip + 1) * sizeof *p);

    if (!p)
        return CRTK_ENOMEM;
    c->skip = p;
    p[c->nskip].tag = strdup(tag);
    p[c->nskip].err = *e;
    if (!p[c->nskip].tag)
        return CRTK_ENOMEM;
    c->nskip++;
    return CRTK_OK;
}

static int compile_one(crtk_checker *c, const crtk_editdb_edit *def)
{
    crtk_edit_options o = CRTK_EDIT_OPTIONS_INIT;
    crtk_error e = CRTK_ERROR_INIT;
    cedit *ce = &c->edits[c->nedits];
    size_t i, nf = crtk_editdb_edit_field_count(def);
    const char *logic = crtk_editdb_edit_logic(def);
    int rc;

    memset(ce, 0, sizeof *ce);
    ce->def = def;
    ce->field_names = calloc(nf ? nf : 1, sizeof *ce->field_names);
    ce->field_slots = calloc(nf ? nf : 1, sizeof *ce->field_slots);
    ce->field_items = calloc(nf ? nf : 1, sizeof *ce->field_items);
    if (!ce->field_names || !ce->field_slots || !ce->field_items)
        return CRTK_ENOMEM;
    for (i = 0; i < nf; i++)
        ce->field_names[i] = crtk_editdb_edit_field_name(def, i);
    o.resolve = resolve;
    o.resolve_ctx = c;
    o.table = table;
    o.table_ctx = c;
    o.message = message;
    o.message_ctx = (void *)c->db;
    o.fields = ce->field_names;
    o.nfields = nf;
    o.default_message = crtk_editdb_edit_message(def) > 0 ? crtk_editdb_edit_message(def) : 0;
    o.fail_warnings = c->opts.fail_warnings;
    o.today = c->today;
    o.max_instructions = c->opts.max_instructions;
    o.values_nul_free = 1; /* pad() turns any NUL byte of a value into a blank */
    c->compiling_inter = false;
    rc = crtk_edit_compile(&ce->edit, crtk_editdb_edit_tag(def), logic, strlen(logic), &o, &e);
    if (rc == CRTK_ENOMEM)
        return rc;
    if (rc < 0) {
        free(ce->field_names);
        free(ce->field_slots);
        free(ce->field_items);
        return add_skipped(c, crtk_editdb_edit_tag(def), &e);
    }
    ce->inter = c->compiling_inter;
    ce->nguard = crtk_edit_blank_guard(ce->edit, ce->guard, 8);
    ce->nfields = crtk_edit_nfields(ce->edit);
    if (ce->nfields > nf) {
        /* The compiler listed the fields in order of reference: take its names. */
        const char **names = realloc(ce->field_names, ce->nfields * sizeof *names);
        int *slots = realloc(ce->field_slots, ce->nfields * sizeof *slots);
        int *items = realloc(ce->field_items, ce->nfields * sizeof *items);
        if (names)
            ce->field_names = names;
        if (slots)
            ce->field_slots = slots;
        if (items)
            ce->field_items = items;
        if (!names || !slots || !items)
            return CRTK_ENOMEM;
    }
    for (i = 0; i < ce->nfields; i++) {
        int s = -1;
        ce->field_names[i] = crtk_edit_field(ce->edit, i, &s);
        ce->field_slots[i] = s;
        ce->field_items[i] =
            s >= 0 && s < c->nslots && c->slots[s].item ? c->slots[s].item->num : 0;
    }
    c->nedits++;
    return CRTK_OK;
}

/* The hot arrays of the check loop: single-tumor edits first, each with its guards. */
static int pack(crtk_checker *c)
{
    int i, g, ng = 0, k = 0;
    size_t pfbytes = 0, pfoff = 0;

    c->hot = calloc((size_t)(c->nedits ? c->nedits : 1), sizeof *c->hot);
    for (i = 0; i < c->nedits; i++) {
        ng += c->edits[i].nguard;
        pfbytes += crtk__edits_prefilter_size(c->edits[i].edit);
    }
    c->grefs = calloc((size_t)(ng ? ng : 1), sizeof *c->grefs);
    c->pfmem = malloc(pfbytes ? pfbytes : 1);
    if (!c->hot || !c->grefs || !c->pfmem)
        return CRTK_ENOMEM;
    ng = 0;
    for (int inter = 0; inter < 2; inter++) {
        for (i = 0; i < c->nedits; i++) {
            const cedit *ce = &c->edits[i];
            hot *h = &c->hot[k];
            if (ce->inter != (inter == 1))
                continue;
            h->edit = ce->edit;
            h->e = i;
            size_t pfn = crtk__edits_prefilter_size(ce->edit);
            if (pfn) {
                h->pf = c->pfmem + pfoff;
                crtk__edits_prefilter_copy(ce->edit, c->pfmem + pfoff);
                pfoff += pfn;
            }
            h->g0 = ng;
            for (g = 0; g < ce->nguard; g++) {
                const slot *d = &c->slots[ce->guard[g]];
                if (d->kind == SLOT_COUNT)
                    continue; /* never blank */
                c->grefs[ng].other = d->kind == SLOT_OTHER;
                c->grefs[ng].level = (uint8_t)d->level;
                c->grefs[ng].width = (uint16_t)d->width;
                c->grefs[ng].islot = d->islot;
                ng++;
            }
            h->ng = ng - h->g0;
            k++;
        }
        if (inter == 0)
            c->nintra = k;
    }
    return CRTK_OK;
}

int crtk_checker_new(crtk_checker **out,
                     const crtk_editdb *db,
                     const crtk_layout *layout,
                     const crtk_check_opts *opts,
                     crtk_error *err)
{
    crtk_checker *c;
    const crtk_editdb_set *set = NULL;
    size_t i, n;
    int rc = CRTK_OK;

    *out = NULL;
    if (!db || !layout || (opts && opts->version != CRTK_CHECK_OPTS_VERSION))
        return crtk__fail(err, CRTK_EARG, "checker needs edits, a layout and options");
    c = calloc(1, sizeof *c);
    if (!c)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    c->db = db;
    c->layout = layout;
    if (opts) {
        c->opts = *opts;
    } else {
        crtk_check_opts d = CRTK_CHECK_OPTS_INIT;
        c->opts = d;
    }
    if (c->opts.today && strlen(c->opts.today) == 8) {
        memcpy(c->today, c->opts.today, 9);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(c->today, sizeof c->today, "%Y%m%d", &tm);
    }
    if (c->opts.set) {
        set = crtk_editdb_find_set(db, c->opts.set);
        if (!set) {
            rc = crtk__fail(err, CRTK_EINVALID, "no edit set \"%s\" (see crtk edits list)",
                            c->opts.set);
            free(c);
            return rc;
        }
        n = crtk_editdb_set_edit_count(set);
    } else {
        n = crtk_editdb_edit_count(db);
    }
    c->edits = calloc(n ? n : 1, sizeof *c->edits);
    if (!c->edits) {
        free(c);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    for (i = 0; i < n && rc == CRTK_OK; i++) {
        const crtk_editdb_edit *def =
            set ? crtk_editdb_find_edit(db, crtk_editdb_set_edit_at(set, i))
                : crtk_editdb_edit_at(db, i);
        if (!def)
            continue;
        rc = compile_one(c, def);
    }
    if (rc == CRTK_OK)
        rc = pack(c);
    if (rc < 0) {
        crtk_checker_free(c);
        return crtk__fail(err, rc, "out of memory compiling edits");
    }
    *out = c;
    return CRTK_OK;
}

void crtk_checker_free(crtk_checker *c)
{
    int i;

    if (!c)
        return;
    for (i = 0; i < c->nedits; i++) {
        crtk_edit_free(c->edits[i].edit);
        free(c->edits[i].field_names);
        free(c->edits[i].field_slots);
        free(c->edits[i].field_items);
    }
    for (i = 0; i < c->nskip; i++)
        free(c->skip[i].tag);
    for (i = 0; i < c->ntables; i++)
        crtk_edit_table_free(c->tables[i].t);
    free(c->tables);
    free(c->skip);
    free(c->edits);
    free(c->slots);
    free(c->hot);
    free(c->grefs);
    free(c->pfmem);
    free(c);
}

const crtk_layout *crtk_checker_layout(const crtk_checker *c)
{
    return c->layout;
}

int crtk_checker_edit_count(const crtk_checker *c)
{
    return c->nedits;
}

const char *crtk_checker_edit_tag(const crtk_checker *c, int i)
{
    return i >= 0 && i < c->nedits ? crtk_editdb_edit_tag(c->edits[i].def) : NULL;
}

const char *crtk_checker_edit_name(const crtk_checker *c, int i)
{
    return i >= 0 && i < c->nedits ? crtk_editdb_edit_name(c->edits[i].def) : NULL;
}

bool crtk_checker_edit_is_inter_record(const crtk_checker *c, int i)
{
    return i >= 0 && i < c->nedits && c->edits[i].inter;
}

int crtk_checker_skipped_count(const crtk_checker *c)
{
    return c->nskip;
}

const char *crtk_checker_skipped_tag(const crtk_checker *c, int i)
{
    return i >= 0 && i < c->nskip ? c->skip[i].tag : NULL;
}

const crtk_error *crtk_checker_skipped_error(const crtk_checker *c, int i)
{
    return i >= 0 && i < c->nskip ? &c->skip[i].err : NULL;
}

/* ---- run ---- */

int crtk_check_state_new(crtk_check_state **out, const crtk_checker *c)
{
    crtk_check_state *s = calloc(1, sizeof *s);

    *out = NULL;
    if (!s)
        return CRTK_ENOMEM;
    s->c = c;
    s->arena = malloc(c->arena_size ? c->arena_size : 1);
    s->gen = calloc((size_t)(c->nslots ? c->nslots : 1), sizeof *s->gen);
    s->cap_msgs = 4;
    s->msgs = malloc(s->cap_msgs * sizeof *s->msgs);
    if (!s->arena || !s->gen || !s->msgs || crtk_edit_state_new(&s->es) < 0) {
        crtk_check_state_free(s);
        return CRTK_ENOMEM;
    }
    *out = s;
    return CRTK_OK;
}

void crtk_check_state_free(crtk_check_state *s)
{
    if (!s)
        return;
    crtk_edit_state_free(s->es);
    free(s->arena);
    free(s->gen);
    free(s->values);
    free(s->msgs);
    free(s);
}

static inline bool has_nul(const char *v, size_t len)
{
    if (len > 16)
        return memchr(v, '\0', len) != NULL;
    for (size_t i = 0; i < len; i++)
        if (!v[i])
            return true;
    return false;
}

/* Fixed-width text of a value: leftBlank items are right-justified, others left-justified,
 * blank-filled; longer values are cut to the width. */
static void pad(char *dst, int width, const crtk_item *it, const char *v, size_t len)
{
    if (!v)
        len = 0;
    if (len > (size_t)width)
        len = (size_t)width;
    if (it && it->padding == CRTK_PAD_LEFT_BLANK) {
        memset(dst, ' ', (size_t)width - len);
        memcpy(dst + width - len, v, len);
    } else {
        if (len)
            memcpy(dst, v, len);
        memset(dst + len, ' ', (size_t)width - len);
    }
    dst[width] = '\0';
    if (len && has_nul(v, len)) {
        char *p;
        while ((p = memchr(dst, '\0', (size_t)width)))
            *p = ' ';
    }
}

static const char *value(void *ctx, int sl)
{
    crtk_check_state *s = ctx;
    const slot *d;
    char *buf;

    if (sl < 0 || sl >= s->c->nslots)
        return NULL;
    d = &s->c->slots[sl];
    buf = s->arena + d->off;
    if (s->gen[sl] == s->cur)
        return buf;
    s->gen[sl] = s->cur;
    if (d->kind == SLOT_COUNT) {
        int n = crtk_record_tumor_count(s->rec);
        if (n > 99)
            n = 99;
        buf[0] = (char)('0' + n / 10);
        buf[1] = (char)('0' + n % 10);
        buf[2] = '\0';
    } else {
        size_t len = 0;
        const char *v = crtk__values_get(&s->vals[d->kind == SLOT_OTHER][d->level], d->islot, &len);
        pad(buf, d->width, d->item, v, len);
    }
    return buf;
}

static int
report(crtk_check_state *s, int e, const crtk_edit_result *r, crtk_check_fn cb, void *ctx)
{
    const cedit *ce = &s->c->edits[e];
    crtk_check_failure f;
    size_t i, m;

    if (ce->nfields > s->cap_values) {
        const char **p = realloc(s->values, ce->nfields * sizeof *p);
        if (!p)
            return CRTK_ENOMEM;
        s->values = p;
        s->cap_values = ce->nfields;
    }
    for (i = 0; i < ce->nfields; i++)
        s->values[i] = ce->field_slots[i] >= 0 ? value(s, ce->field_slots[i]) : "";
    memset(&f, 0, sizeof f);
    f.edit = e;
    f.tag = crtk_editdb_edit_tag(ce->def);
    f.name = crtk_editdb_edit_name(ce->def);
    f.tumor = s->tumor;
    f.other_tumor = ce->inter ? s->other : -1;
    f.nfields = ce->nfields;
    f.field_names = ce->field_names;
    f.field_values = s->values;
    f.field_items = ce->field_items;
    if (r->status == CRTK_EDIT_ERROR) {
        char msg[300];
        snprintf(msg, sizeof msg, "the edit could not run: %s", r->error);
        s->msgs[0].type = 'X';
        s->msgs[0].number = 0;
        s->msgs[0].text = msg;
        f.nmessages = 1;
    } else if (r->nmessages == 0) {
        s->msgs[0].type = 'E';
        s->msgs[0].number = 0;
        s->msgs[0].text = "edit failed";
        f.nmessages = 1;
    } else {
        if (r->nmessages > s->cap_msgs) {
            crtk_check_message *p = realloc(s->msgs, r->nmessages * sizeof *p);
            if (!p)
                return CRTK_ENOMEM;
            s->msgs = p;
            s->cap_msgs = r->nmessages;
        }
        for (m = 0; m < r->nmessages; m++) {
            s->msgs[m].type = (char)r->messages[m].type;
            s->msgs[m].number = r->messages[m].number;
            s->msgs[m].text = r->messages[m].text;
        }
        f.nmessages = r->nmessages;
    }
    f.messages = s->msgs;
    f.type = s->msgs[0].type;
    f.message_number = s->msgs[0].number;
    f.message = s->msgs[0].text;
    cb(ctx, s->rec, &f);
    return CRTK_OK;
}

/* Is one of the edit's guard fields blank for the current tumor? Then the edit's own first
 * statement would return PASS. Decided from the record, without padding. */
static inline bool guarded(const crtk_check_state *s, const gref *g, int ng)
{
    for (; ng > 0; ng--, g++) {
        size_t len = 0, i;
        const char *v = crtk__values_get(&s->vals[g->other][g->level], g->islot, &len);
        if (!v)
            return true;
        if (len > g->width)
            len = g->width;
        for (i = 0; i < len && (v[i] == ' ' || v[i] == '\0'); i++)
            ;
        if (i == len)
            return true;
    }
    return false;
}

/* Run the edits h[0 .. n) on the current tumor (pair); *runs counts them. */
static int
run_edits(crtk_check_state *s, const hot *h, int n, crtk_check_fn cb, void *ctx, long *runs)
{
    const gref *grefs = s->c->grefs;
    crtk_edit_result r;
    int rc;

    for (const hot *end = h + n; h < end; h++) {
        ++*runs;
        if (guarded(s, grefs + h->g0, h->ng) ||
            (h->pf && crtk__edits_prefilter_block_pass(h->pf, value, s)))
            continue;
        rc = crtk__edits_run_vm(h->edit, s->es, value, s, &r);
        if (rc < 0)
            return rc;
        if (r.status != CRTK_EDIT_PASS && (rc = report(s, h->e, &r, cb, ctx)) < 0)
            return rc;
    }
    return CRTK_OK;
}

/* Point the value views at tumor t and the other tumor u (-1: none) of the record. */
static void set_tumors(crtk_check_state *s, int t, int u)
{
    const crtk_checker *c = s->c;

    s->tumor = t;
    s->other = u;
    s->vals[0][CRTK_LEVEL_TUMOR].n = 0;
    s->vals[1][CRTK_LEVEL_TUMOR].n = 0;
    if (t >= 0)
        crtk__record_values(s->rec, CRTK_LEVEL_TUMOR, t, &s->vals[0][CRTK_LEVEL_TUMOR]);
    if (u >= 0)
        crtk__record_values(s->rec, CRTK_LEVEL_TUMOR, u, &s->vals[1][CRTK_LEVEL_TUMOR]);
    if (++s->cur == 0) { /* wrapped: forget every cached value */
        memset(s->gen, 0, (size_t)(c->nslots ? c->nslots : 1) * sizeof *s->gen);
        s->cur = 1;
    }
}

int crtk_check_record(
    crtk_check_state *s, const crtk_record *rec, crtk_check_fn cb, void *ctx, long *edits_run)
{
    const crtk_checker *c = s->c;
    int nt = crtk_record_tumor_count(rec), t, u, rc;
    long runs = 0;

    s->rec = rec;
    for (int k = 0; k < 2; k++) {
        crtk__record_values(rec, CRTK_LEVEL_ROOT, 0, &s->vals[k][CRTK_LEVEL_ROOT]);
        crtk__record_values(rec, CRTK_LEVEL_PATIENT, 0, &s->vals[k][CRTK_LEVEL_PATIENT]);
    }
    for (t = 0; t < nt; t++) {
        set_tumors(s, t, -1);
        if ((rc = run_edits(s, c->hot, c->nintra, cb, ctx, &runs)) < 0)
            return rc;
    }
    for (t = 0; t < nt && c->nintra < c->nedits; t++) {
        for (u = t + 1; u < nt; u++) {
            set_tumors(s, t, u);
            if ((rc = run_edits(s, c->hot + c->nintra, c->nedits - c->nintra, cb, ctx, &runs)) < 0)
                return rc;
        }
    }
    if (edits_run)
        *edits_run = runs;
    return CRTK_OK;
}
