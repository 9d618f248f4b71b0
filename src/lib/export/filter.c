/* filter.c - the selection filters of an export, applied to one tumor at a time in a fixed
 * order (diagnosis year known, year range, reportable, resident, class of case, changed
 * since, facility restriction, `where`); the first that excludes a tumor is the one counted.
 * Every code list comes from the profile. The `where` expression is compiled once per
 * source layout by the EDITS interpreter; its fields read the tumor's fixed-width values. */
#include "export_internal.h"
#include "crtk/edits.h"
#include "error_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { I_DX = 0, I_BEH, I_SITE, I_HIST, I_STATE, I_CLASS, I_CHANGED, I_RESTRICT, I_COUNT };
static const char *const item_ids[I_COUNT] = {
    "dateOfDiagnosis",     "behaviorCodeIcdO3",
    "primarySite",         "histologicTypeIcdO3",
    "addrAtDxState",       "classOfCase",
    "dateCaseLastChanged", "reportingFacilityRestrictionFlag"};

#define MAX_WHERE_FIELDS 64

struct crtk__filter {
    const crtk__xcfg *cfg;
    int year_from, year_to;
    bool has_from, has_to;
    const crtk_layout *layout; /* of the cached items and compiled `where` */
    const crtk_item *items[I_COUNT];
    strbuf where; /* the profile's `where` and the caller's, joined by && */
    crtk_edit *edit;
    crtk_edit_state *es;
    const crtk_item *wf[MAX_WHERE_FIELDS];
    int nwf;
    char *wval[MAX_WHERE_FIELDS];
    bool where_failed;
    crtk_error where_err;
};

static const char *const names[FILT_COUNT] = {"diagnosis year unknown",
                                              "diagnosis year outside range",
                                              "not reportable",
                                              "not a resident",
                                              "class of case",
                                              "not changed since",
                                              "facility restriction",
                                              "where expression",
                                              "unchanged since last export"};

const char *crtk__filter_name(int filter)
{
    return filter >= 0 && filter < FILT_COUNT ? names[filter] : "?";
}

static int bind_layout(crtk__filter *f, const crtk_layout *l, crtk_error *err);

int crtk__filter_new(crtk__filter **out,
                     const crtk__xcfg *cfg,
                     const char *where,
                     int export_year,
                     const crtk_layout *check_layout,
                     crtk_error *err)
{
    crtk__filter *f = calloc(1, sizeof *f);
    int rc = 0;

    *out = NULL;
    if (!f)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    f->cfg = cfg;
    f->has_from = cfg->year_from.set;
    f->has_to = cfg->year_to.set;
    f->year_from = crtk__year_resolve(&cfg->year_from, export_year);
    f->year_to = crtk__year_resolve(&cfg->year_to, export_year);
    if (cfg->where && where)
        rc = sb_printf(&f->where, "(%s) && (%s)", cfg->where, where);
    else if (cfg->where || where)
        rc = sb_adds(&f->where, cfg->where ? cfg->where : where);
    if (rc < 0 || crtk_edit_state_new(&f->es) < 0) {
        sb_free(&f->where);
        free(f);
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    }
    /* Compile `where` now against the target layout, so a mistake in it is found before
     * any input is read; a source of another layout compiles it again for its items. */
    if (check_layout && (rc = bind_layout(f, check_layout, err)) < 0) {
        crtk__filter_free(f);
        return rc;
    }
    *out = f;
    return CRTK_OK;
}

void crtk__filter_free(crtk__filter *f)
{
    int i;

    if (!f)
        return;
    crtk_edit_free(f->edit);
    crtk_edit_state_free(f->es);
    sb_free(&f->where);
    for (i = 0; i < f->nwf; i++)
        free(f->wval[i]);
    free(f);
}

static int resolve(void *ctx, const char *name, int *width_out)
{
    crtk__filter *f = ctx;
    const crtk_item *it = crtk_layout_find_name(f->layout, name);
    int i;

    if (!it)
        it = crtk_layout_find(f->layout, name);
    if (!it && name[0] == '[')
        it = crtk_layout_find_num(f->layout, atoi(name + 1));
    if (!it || it->length > CRTK_EDIT_MAX_STRING)
        return -1;
    for (i = 0; i < f->nwf; i++)
        if (f->wf[i] == it) {
            *width_out = it->length;
            return i;
        }
    if (f->nwf == MAX_WHERE_FIELDS)
        return -1;
    f->wval[f->nwf] = malloc((size_t)it->length + 1);
    if (!f->wval[f->nwf])
        return -1;
    f->wf[f->nwf] = it;
    *width_out = it->length;
    return f->nwf++;
}

static const char *wvalue(void *ctx, int slot)
{
    crtk__filter *f = ctx;
    return slot >= 0 && slot < f->nwf ? f->wval[slot] : NULL;
}

static int bind_layout(crtk__filter *f, const crtk_layout *l, crtk_error *err)
{
    int i, rc;

    for (i = 0; i < I_COUNT; i++)
        f->items[i] = crtk_layout_find(l, item_ids[i]);
    crtk_edit_free(f->edit);
    f->edit = NULL;
    for (i = 0; i < f->nwf; i++)
        free(f->wval[i]);
    f->nwf = 0;
    f->layout = l;
    if (f->where.len) {
        crtk_edit_options o = CRTK_EDIT_OPTIONS_INIT;
        strbuf src = STRBUF_INIT;
        o.resolve = resolve;
        o.resolve_ctx = f;
        if (sb_printf(&src, "return (%s);", f->where.s) < 0)
            return crtk__fail(err, CRTK_ENOMEM, "out of memory");
        rc = crtk_edit_compile(&f->edit, "--where", src.s, src.len, &o, err);
        sb_free(&src);
        /* Columns as the user wrote the expression, without "return (". */
        if (rc < 0 && err && err->line == 1 && err->column > 8)
            err->column -= 8;
        if (rc < 0) {
            f->layout = NULL; /* never run without the expression */
            return rc;
        }
    }
    return CRTK_OK;
}

/* The tumor's value of a filter item, blanks trimmed, into buf ("" when absent). */
static const char *
val(crtk__filter *f, const crtk_record *rec, int tumor, int which, char *buf, size_t cap)
{
    const crtk_item *it = f->items[which];
    size_t len = 0, a = 0;
    const char *v =
        it ? crtk_record_get(rec, it, it->level == CRTK_LEVEL_TUMOR ? tumor : 0, &len) : NULL;

    if (!v)
        len = 0;
    while (a < len && v[a] == ' ')
        a++;
    while (len > a && v[len - 1] == ' ')
        len--;
    if (len - a >= cap)
        len = a + cap - 1;
    memcpy(buf, v ? v + a : "", len - a);
    buf[len - a] = '\0';
    return buf;
}

static bool
rule_match(const crtk__rule *r, const char *site, const char *hist, const char *beh, int year)
{
    if (r->site.n && !crtk__ranges_match(&r->site, site))
        return false;
    if (r->hist.n && !crtk__ranges_match(&r->hist, hist))
        return false;
    if (r->beh.n && !crtk__ranges_match(&r->beh, beh))
        return false;
    return !r->dx_from || year >= r->dx_from;
}

static int dx_year(const char *dx)
{
    int i, y = 0;

    if (strlen(dx) < 4)
        return 0;
    for (i = 0; i < 4; i++) {
        if (!isdigit((unsigned char)dx[i]))
            return 0;
        y = y * 10 + dx[i] - '0';
    }
    return y == 9999 ? 0 : y;
}

static void pad_value(const crtk_item *it, const char *v, size_t len, char *dst)
{
    size_t w = (size_t)it->length;
    if (len > w)
        len = w;
    memset(dst, ' ', w);
    memcpy(dst + (it->padding == CRTK_PAD_LEFT_BLANK ? w - len : 0), v ? v : "", len);
    dst[w] = '\0';
}

static int
run_where(crtk__filter *f, const crtk_record *rec, int tumor, bool *keep, crtk_error *err)
{
    crtk_edit_result r;
    int i;

    for (i = 0; i < f->nwf; i++) {
        size_t len = 0;
        const crtk_item *it = f->wf[i];
        const char *v = crtk_record_get(rec, it, it->level == CRTK_LEVEL_TUMOR ? tumor : 0, &len);
        pad_value(it, v, v ? len : 0, f->wval[i]);
    }
    if (crtk_edit_run(f->edit, f->es, wvalue, f, &r) < 0)
        return crtk__fail(err, CRTK_ENOMEM, "out of memory");
    if (r.status == CRTK_EDIT_ERROR) {
        err ? err->record = crtk_record_ordinal(rec) : 0;
        return crtk__fail(err, CRTK_EINVALID, "--where: patient %ld tumor %d: %s",
                          crtk_record_ordinal(rec), tumor + 1, r.error);
    }
    *keep = r.returned != 0;
    return CRTK_OK;
}

static int
which(crtk__filter *f, const crtk_record *rec, int tumor, const char **rule_out, crtk_error *err)
{
    const crtk__xcfg *c = f->cfg;
    char dx[16], beh[8], site[8], hist[8], st[8], cls[8], chg[16], rf[8];
    int year, i, rc;

    if (rule_out)
        *rule_out = NULL;
    if (crtk_record_layout(rec) != f->layout &&
        (rc = bind_layout(f, crtk_record_layout(rec), err)) < 0)
        return rc;
    year = dx_year(val(f, rec, tumor, I_DX, dx, sizeof dx));
    if (!year && (c->dx_year_required || f->has_from || f->has_to))
        return 1000 + FILT_DX_KNOWN;
    if ((f->has_from && year < f->year_from) || (f->has_to && year > f->year_to))
        return 1000 + FILT_DX_YEARS;
    if (c->reportable) {
        bool rep = false;
        val(f, rec, tumor, I_BEH, beh, sizeof beh);
        val(f, rec, tumor, I_SITE, site, sizeof site);
        val(f, rec, tumor, I_HIST, hist, sizeof hist);
        for (i = 0; i < c->n_not_rep; i++)
            if (rule_match(&c->not_rep[i], site, hist, beh, year)) {
                if (rule_out)
                    *rule_out = c->not_rep[i].name;
                return 1000 + FILT_REPORTABLE;
            }
        for (i = 0; i < c->n_also_rep && !rep; i++)
            rep = rule_match(&c->also_rep[i], site, hist, beh, year);
        if (!rep)
            rep = crtk__ranges_match(&c->behaviors, beh);
        /* Benign and borderline tumors of the brain and CNS (behavior 0/1), reportable from
         * the profile's year (NPCR: diagnoses from 2004, Public Law 107-260). */
        if (!rep && c->cns_from && year >= c->cns_from && (!strcmp(beh, "0") || !strcmp(beh, "1")))
            rep = crtk__ranges_match(&c->cns_sites, site);
        if (!rep)
            return 1000 + FILT_REPORTABLE;
    }
    if (c->resident) {
        bool neg = c->resident[0] == '!';
        bool same = !strcasecmp(val(f, rec, tumor, I_STATE, st, sizeof st), c->resident + neg);
        if (same == neg)
            return 1000 + FILT_RESIDENT;
    }
    if (c->class_of_case.n &&
        !crtk__ranges_match(&c->class_of_case, val(f, rec, tumor, I_CLASS, cls, sizeof cls)))
        return 1000 + FILT_CLASS;
    /* Date Case Last Changed is a day: a case changed on the boundary day is sent (>=). */
    if (c->changed_since &&
        strcmp(val(f, rec, tumor, I_CHANGED, chg, sizeof chg), c->changed_since) < 0)
        return 1000 + FILT_CHANGED;
    /* Codes 01-07 (out-of-state, VHA, DoD reports) may go to national surveillance only. */
    if (c->facility_restriction) {
        val(f, rec, tumor, I_RESTRICT, rf, sizeof rf);
        if (strlen(rf) == 2 && strcmp(rf, "01") >= 0 && strcmp(rf, "07") <= 0)
            return 1000 + FILT_RESTRICTION;
    }
    if (f->edit) {
        bool keep = false;
        if ((rc = run_where(f, rec, tumor, &keep, err)) < 0)
            return rc;
        if (!keep)
            return 1000 + FILT_WHERE;
    }
    return 1000 - 1;
}

int crtk__filter_tumor(crtk__filter *f,
                       const crtk_record *rec,
                       int tumor,
                       int *filter_out,
                       const char **rule_out,
                       crtk_error *err)
{
    int rc = which(f, rec, tumor, rule_out, err);

    if (rc < 0)
        return rc;
    *filter_out = rc - 1000;
    return CRTK_OK;
}
