/* report.c - the submission report, rendered as text or as a self-contained HTML page from
 * one description of its sections (rows of label and value, emitted through one of two
 * renderers). It names no patient: failing tumors are located by input file, patient
 * ordinal and line, and edit messages (which may quote values) appear in the full tier only. */
#include "export_internal.h"
#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int crtk__counts_add(crtk__counts *c, const char *key, long n)
{
    int i;

    for (i = 0; i < c->n; i++)
        if (!strcmp(c->v[i].key, key)) {
            c->v[i].n += n;
            return CRTK_OK;
        }
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        crtk__count *nv = realloc(c->v, (size_t)cap * sizeof *nv);
        if (!nv)
            return CRTK_ENOMEM;
        c->v = nv;
        c->cap = cap;
    }
    crtk__copy(c->v[c->n].key, sizeof c->v[0].key, key);
    c->v[c->n++].n = n;
    return CRTK_OK;
}

void crtk__counts_free(crtk__counts *c)
{
    free(c->v);
    c->v = NULL;
    c->n = c->cap = 0;
}

static int cmp_count(const void *a, const void *b)
{
    return strcmp(((const crtk__count *)a)->key, ((const crtk__count *)b)->key);
}

typedef struct emitter {
    strbuf *b;
    bool html;
    bool in_table;
    int rc;
} emitter;

static void esc(emitter *e, const char *s)
{
    if (!e->html) {
        e->rc |= sb_adds(e->b, s);
        return;
    }
    for (; *s; s++) {
        switch (*s) {
        case '<':
            e->rc |= sb_adds(e->b, "&lt;");
            break;
        case '>':
            e->rc |= sb_adds(e->b, "&gt;");
            break;
        case '&':
            e->rc |= sb_adds(e->b, "&amp;");
            break;
        case '"':
            e->rc |= sb_adds(e->b, "&quot;");
            break;
        default:
            e->rc |= sb_addc(e->b, *s);
        }
    }
}

static void end_table(emitter *e)
{
    if (e->html && e->in_table)
        e->rc |= sb_adds(e->b, "</table>\n");
    e->in_table = false;
}

static void section(emitter *e, const char *title)
{
    end_table(e);
    if (e->html) {
        e->rc |= sb_adds(e->b, "<h2>");
        esc(e, title);
        e->rc |= sb_adds(e->b, "</h2>\n");
    } else {
        e->rc |= sb_printf(e->b, "\n%s\n", title);
    }
}

static void row(emitter *e, const char *label, const char *value)
{
    if (e->html) {
        if (!e->in_table)
            e->rc |= sb_adds(e->b, "<table>\n");
        e->in_table = true;
        e->rc |= sb_adds(e->b, "<tr><th>");
        esc(e, label);
        e->rc |= sb_adds(e->b, "</th><td>");
        esc(e, value);
        e->rc |= sb_adds(e->b, "</td></tr>\n");
    } else {
        e->rc |= sb_printf(e->b, "  %-40s %s\n", label, value);
    }
}

static void rowl(emitter *e, const char *label, long n)
{
    char v[32];
    snprintf(v, sizeof v, "%ld", n);
    row(e, label, v);
}

static void counts(emitter *e, const char *title, const crtk__counts *c)
{
    int i;

    section(e, title);
    if (!c->n)
        row(e, "(none)", "");
    else
        qsort(c->v, (size_t)c->n, sizeof c->v[0], cmp_count);
    for (i = 0; i < c->n; i++)
        rowl(e, c->v[i].key[0] ? c->v[i].key : "(blank)", c->v[i].n);
}

static const char *tier_names[] = {"full", "confidential", "incidence", "deidentified"};
static const char *gate_names[] = {"block", "exclude", "warn"};

static const crtk__xform_item *xitem(const crtk__report *r, const char *id)
{
    int i, n = r->xform ? crtk__xform_item_count(r->xform) : 0;
    for (i = 0; i < n; i++) {
        const crtk__xform_item *x = crtk__xform_item_at(r->xform, i);
        if (!strcmp(x->id, id))
            return x;
    }
    return NULL;
}

static void build(const crtk__report *r, emitter *e)
{
    const crtk__xcfg *c = r->cfg;
    char buf[256], lab[160];
    int i, n;
    long removed_rt = 0, removed_tier = 0;

    if (e->html)
        e->rc |= sb_adds(e->b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
                               "<title>crtk export submission report</title>\n<style>\n"
                               "body{font-family:sans-serif;margin:2em;max-width:60em}\n"
                               "table{border-collapse:collapse;margin-bottom:1em}\n"
                               "th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}\n"
                               "th{background:#f4f4f4;font-weight:normal}\n"
                               ".blocked{color:#a00;font-weight:bold}\n"
                               "</style></head><body>\n<h1>crtk export submission report</h1>\n");
    else
        e->rc |= sb_adds(e->b, "crtk export submission report\n");
    section(e, "Submission");
    snprintf(buf, sizeof buf, "%s%s%s", r->profile, c->description ? " - " : "",
             c->description ? c->description : "");
    row(e, "profile", buf);
    row(e, "export date", r->today);
    row(e, "time generated", r->time_generated);
    if (r->batch)
        rowl(e, "history batch", r->batch);
    for (i = 0; i < r->ninputs; i++)
        row(e, "input", r->inputs[i]);
    row(e, "source layout", r->source_layout ? r->source_layout : "(no patient read)");
    row(e, "output", r->blocked ? "(none: blocked by the edit gate)" : r->output);
    snprintf(buf, sizeof buf, "%s, NAACCR %d, record type %c, tier %s",
             c->format == CRTK_FORMAT_XML ? "NAACCR XML" : "fixed width",
             crtk_layout_version(r->dst_layout), c->record_type, tier_names[c->tier]);
    row(e, "format", buf);
    row(e, "target layout", r->target_layout);
    if (!r->blocked)
        row(e, "output SHA-256", r->sha256);
    if (r->rejects && *r->rejects)
        row(e, "rejects", r->rejects);
    if (r->changed && *r->changed)
        row(e, "changed cases (record type M)", r->changed);
    if (r->blocked) {
        end_table(e);
        if (e->html)
            e->rc |= sb_adds(e->b, "<p class=\"blocked\">");
        e->rc |= sb_printf(e->b,
                           "%sBLOCKED: %ld edit failures on selected tumors; gate policy block "
                           "writes nothing.%s\n",
                           e->html ? "" : "\n", r->res.edit_failures, e->html ? "</p>" : "");
    }

    section(e, "Counts (tumors)");
    rowl(e, "patients read", r->res.patients_read);
    rowl(e, "tumors read", r->res.tumors_read);
    for (i = 0; i < FILT_COUNT; i++) {
        if (!r->excluded[i])
            continue;
        snprintf(lab, sizeof lab, "excluded: %s", crtk__filter_name(i));
        rowl(e, lab, r->excluded[i]);
        if (i == FILT_REPORTABLE) {
            int k;
            for (k = 0; k < r->not_rep.n; k++) {
                snprintf(lab, sizeof lab, "  of which rule %s", r->not_rep.v[k].key);
                rowl(e, lab, r->not_rep.v[k].n);
            }
        }
    }
    rowl(e, "selected", r->res.selected);
    rowl(e, "rejected by edits", r->res.rejected);
    rowl(e, "written", r->res.written);
    if (c->changed_rt)
        rowl(e, "  of which changed, as record type M", r->changed_written);
    rowl(e, "patients written", r->res.patients_written);

    counts(e, "Written tumors by diagnosis year", &r->by_year);
    counts(e, "Written tumors by primary site group", &r->by_site);
    counts(e, "Written tumors by class of case", &r->by_class);
    counts(e, "Tumors read by record type of the input", &r->by_rt);

    section(e, "Edit gate");
    if (!c->edits) {
        row(e, "edits", "none (the profile runs no edit set)");
    } else {
        row(e, "edits", c->edits);
        row(e, "edit set", r->edit_set ? r->edit_set : "(every edit)");
        row(e, "policy", gate_names[c->gate]);
        rowl(e, "edits compiled", r->edits_compiled);
        rowl(e, "edits that could not compile", r->edits_skipped);
        rowl(e, "edit failures on selected tumors", r->res.edit_failures);
        for (i = 0; i < r->edit_fail.n; i++)
            rowl(e, r->edit_fail.v[i].key, r->edit_fail.v[i].n);
        if (r->failures.len) {
            section(e, "Failing tumors");
            end_table(e);
            if (e->html)
                e->rc |= sb_adds(e->b, "<pre>");
            esc(e, r->failures.s);
            if (r->failures_total > r->failures_listed)
                e->rc |=
                    sb_printf(e->b, "  ... and %ld more\n", r->failures_total - r->failures_listed);
            if (e->html)
                e->rc |= sb_adds(e->b, "</pre>\n");
        }
    }

    section(e, "Items removed by record type and privacy tier (values)");
    n = r->xform ? crtk__xform_item_count(r->xform) : 0;
    for (i = 0; i < n; i++) {
        const crtk__xform_item *x = crtk__xform_item_at(r->xform, i);
        if (x->removed_rt) {
            snprintf(lab, sizeof lab, "%s (#%d): record type %c", x->id, x->num, c->record_type);
            rowl(e, lab, x->removed_rt);
            removed_rt += x->removed_rt;
        }
        if (x->removed_tier) {
            snprintf(lab, sizeof lab, "%s (#%d): tier %s", x->id, x->num, tier_names[c->tier]);
            rowl(e, lab, x->removed_tier);
            removed_tier += x->removed_tier;
        }
    }
    rowl(e, "total removed by record type", removed_rt);
    rowl(e, "total removed or coarsened by tier", removed_tier);

    if (r->src_layout && r->dst_layout &&
        crtk_layout_version(r->src_layout) != crtk_layout_version(r->dst_layout)) {
        snprintf(buf, sizeof buf, "Version conversion: NAACCR %d to %d",
                 crtk_layout_version(r->src_layout), crtk_layout_version(r->dst_layout));
        section(e, buf);
        n = crtk_layout_count(r->src_layout);
        for (i = 0; i < n; i++) {
            const crtk_item *s = crtk_layout_item(r->src_layout, i);
            const crtk_item *t = crtk_layout_find(r->dst_layout, s->id);
            const crtk__xform_item *x;
            if (!t)
                t = crtk_layout_find_num(r->dst_layout, s->num);
            if (t && t->level == s->level)
                continue;
            x = xitem(r, s->id);
            snprintf(lab, sizeof lab, "retired: %s (#%d), values lost", s->id, s->num);
            rowl(e, lab, x ? x->unmappable : 0);
        }
        n = crtk_layout_count(r->dst_layout);
        for (i = 0; i < n; i++) {
            const crtk_item *t = crtk_layout_item(r->dst_layout, i);
            if (crtk_layout_find(r->src_layout, t->id) ||
                crtk_layout_find_num(r->src_layout, t->num))
                continue;
            snprintf(lab, sizeof lab, "added: %s (#%d)", t->id, t->num);
            row(e, lab, "");
        }
        rowl(e, "values with no item in the target", r->res.values_unmappable);
    }
    end_table(e);
    if (e->html)
        e->rc |= sb_adds(e->b, "</body></html>\n");
}

int crtk__report_text(const crtk__report *r, strbuf *out)
{
    emitter e = {out, false, false, 0};
    build(r, &e);
    return e.rc ? CRTK_ENOMEM : CRTK_OK;
}

int crtk__report_html(const crtk__report *r, strbuf *out)
{
    emitter e = {out, true, false, 0};
    build(r, &e);
    return e.rc ? CRTK_ENOMEM : CRTK_OK;
}
