/* render_html.c - the check report as one self-contained HTML page a registrar can attach
 * to a submission: what was checked (files, dictionaries, record types, the edit set and
 * where it came from, edits run and skipped and why, tool, dates), the counts, failing edits
 * and errors by field (sortable, descriptions a click away), and the record detail (each
 * failing tumor's key items with every failure), filterable by edit and by field. No
 * network, no external file; prints to PDF as it shows. */
#include "report_internal.h"
#include "error_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct hw {
    strbuf b;
    crtk_write_fn w;
    void *ctx;
    int rc;
} hw;

static void flush_(hw *h)
{
    if (h->rc == 0 && h->b.len)
        h->rc = h->w(h->ctx, h->b.s, h->b.len);
    sb_clear(&h->b);
}

static void raw(hw *h, const char *s)
{
    if (h->rc == 0 && sb_adds(&h->b, s) < 0)
        h->rc = CRTK_ENOMEM;
    if (h->b.len > 60000)
        flush_(h);
}

static void fmt(hw *h, const char *f, ...) CRTK_PRINTF(2, 3);
static void fmt(hw *h, const char *f, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, f);
    vsnprintf(tmp, sizeof tmp, f, ap);
    va_end(ap);
    raw(h, tmp);
}

static void text(hw *h, const char *s)
{
    for (; s && *s && h->rc == 0; s++) {
        const char *e = NULL;
        switch (*s) {
        case '<':
            e = "&lt;";
            break;
        case '>':
            e = "&gt;";
            break;
        case '&':
            e = "&amp;";
            break;
        case '"':
            e = "&quot;";
            break;
        case '\x1f':
            e = "; ";
            break;
        }
        if (e)
            raw(h, e);
        else if (sb_addc(&h->b, *s) < 0)
            h->rc = CRTK_ENOMEM;
    }
}

static void num(hw *h, long long v)
{
    char t[40];
    crtk__thousands(t, sizeof t, v);
    raw(h, t);
}

static const char style[] =
    "<style>\n"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;"
    "max-width:72em;color:#222;padding:0 1em}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;"
    "border-bottom:2px solid #444}\n"
    "table{border-collapse:collapse;margin:.5em 0 1em}td,th{border-bottom:1px solid #ddd;"
    "padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".bar{background:#c0392b;height:11px;min-width:2px}.ok{color:#1e8449;font-weight:bold}"
    ".bad{color:#c0392b;font-weight:bold}\n"
    "table.sortable th{cursor:pointer}table.sortable th:after{content:' \\2195';color:#999}\n"
    "details summary{cursor:pointer}.desc{color:#555;max-width:50em}\n"
    ".msg{color:#822}.vals{color:#555;font-size:.9em}.meta td:first-child{font-weight:bold}\n"
    ".filters{margin:.5em 0}.filters label{margin-right:1.5em}code{font-size:.95em}\n"
    "#records{width:100%}#records td.fails{width:60%}.keys{white-space:nowrap}"
    ".k{color:#666;font-size:.85em}.sha{font-family:monospace;font-size:.75em;word-break:break-all;"
    "max-width:16em}#records ul{margin:0;"
    "padding-left:1.1em}#records li{margin-bottom:.3em}\n"
    "@media print{.filters{display:none}table.sortable th:after{content:''}"
    "h2{page-break-after:avoid}tr{page-break-inside:avoid}body{margin:0}}\n"
    "</style>\n";

static const char script[] =
    "<script>\n"
    "document.querySelectorAll('table.sortable').forEach(function(t){\n"
    " t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){\n"
    "  var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),asc=th.dataset.asc!=='1';\n"
    "  th.dataset.asc=asc?'1':'0';\n"
    "  rows.sort(function(x,y){var a=x.cells[i].dataset.v||x.cells[i].textContent,"
    "c=y.cells[i].dataset.v||y.cells[i].textContent,na=parseFloat(a),nc=parseFloat(c);\n"
    "   var r=(!isNaN(na)&&!isNaN(nc))?na-nc:a.localeCompare(c);return asc?r:-r;});\n"
    "  rows.forEach(function(r){b.appendChild(r);});});});});\n"
    "function crtkFilter(){var e=document.getElementById('fedit').value,"
    "f=document.getElementById('ffield').value,n=0;\n"
    " document.querySelectorAll('#records tbody tr').forEach(function(r){\n"
    "  var ok=(!e||(' '+r.dataset.edits+' ').indexOf(' '+e+' ')>=0)&&"
    "(!f||(' '+r.dataset.fields+' ').indexOf(' '+f+' ')>=0);\n"
    "  r.style.display=ok?'':'none';if(ok)n++;});\n"
    " document.getElementById('shown').textContent=n;}\n"
    "</script>\n";

static void header(hw *h, const crtk_check_report *r)
{
    int i, k;

    raw(h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>crtk edit report</title>\n");
    raw(h, style);
    raw(h, "</head><body>\n<h1>Edit report</h1>\n<table class=\"meta\">\n");
    {
        /* what was checked, with what: one row each (absent ones are left out) */
        const char *const rows[][2] = {
            {"Edit set", r->opts.set ? r->opts.set : "(every edit)"},
            {"Edits from", r->opts.edits_source},
            {"Date taken as today", r->opts.today ? r->opts.today : "the date of the run"},
            {"Run", r->opts.run_time},
            {"Checked with", r->opts.tool},
        };
        for (i = 0; i < (int)(sizeof rows / sizeof rows[0]); i++) {
            if (!rows[i][1])
                continue;
            raw(h, "<tr><td>");
            raw(h, rows[i][0]);
            raw(h, "</td><td>");
            text(h, rows[i][1]);
            raw(h, "</td></tr>\n");
        }
    }
    raw(h, "</table>\n<h2>Files checked</h2>\n<table class=\"sortable\" id=\"files\"><thead>"
           "<tr><th>file</th><th>format</th><th>dictionary / layout</th><th>record type</th>"
           "<th class=\"n\">bytes</th><th class=\"n\">patients</th><th class=\"n\">tumors</th>"
           "<th class=\"n\">tumors with errors</th><th>SHA-256</th></tr></thead><tbody>\n");
    for (i = 0; i < r->nfiles; i++) {
        const rfile *f = &r->files[i];
        raw(h, "<tr><td>");
        text(h, f->path);
        fmt(h, "</td><td>%s</td><td>", crtk_format_name(f->format));
        text(h, f->layout);
        fmt(h, "</td><td>%c</td><td class=\"n\" data-v=\"%lld\">", f->record_type, f->bytes);
        if (f->bytes >= 0)
            num(h, f->bytes);
        fmt(h, "</td><td class=\"n\" data-v=\"%ld\">", f->patients);
        num(h, f->patients);
        fmt(h, "</td><td class=\"n\" data-v=\"%ld\">", f->tumors);
        num(h, f->tumors);
        fmt(h, "</td><td class=\"n\" data-v=\"%ld\">", f->tumors_err);
        num(h, f->tumors_err);
        raw(h, "</td><td class=\"sha\">");
        text(h, f->sha256[0] ? f->sha256 : "(not computed)");
        raw(h, "</td></tr>\n");
    }
    raw(h, "</tbody></table>\n<h2>Edits</h2>\n<table><thead><tr><th>dictionary / layout</th>"
           "<th class=\"n\">edits run</th><th>edits skipped</th></tr></thead><tbody>\n");
    for (i = 0; i < r->nchk; i++) {
        const crtk_checker *c = r->chk[i].c;
        int ns = crtk_checker_skipped_count(c), miss = 0;
        raw(h, "<tr><td>");
        text(h, crtk_layout_name(crtk_checker_layout(c)));
        fmt(h, "</td><td class=\"n\">");
        num(h, crtk_checker_edit_count(c));
        raw(h, "</td><td>");
        for (k = 0; k < ns; k++)
            miss += crtk_check_skip_is_missing_field(crtk_checker_skipped_error(c, k));
        if (!ns)
            raw(h, "none");
        if (miss) {
            fmt(h, "<details><summary>%d: the dictionary lacks their fields</summary>", miss);
            for (k = 0; k < ns; k++)
                if (crtk_check_skip_is_missing_field(crtk_checker_skipped_error(c, k))) {
                    text(h, crtk_checker_skipped_tag(c, k));
                    raw(h, " ");
                }
            raw(h, "</details>");
        }
        if (ns - miss) {
            fmt(h, "<details open><summary class=\"bad\">%d did not compile</summary><ul>",
                ns - miss);
            for (k = 0; k < ns; k++) {
                const crtk_error *e = crtk_checker_skipped_error(c, k);
                if (crtk_check_skip_is_missing_field(e))
                    continue;
                raw(h, "<li><code>");
                text(h, crtk_checker_skipped_tag(c, k));
                fmt(h, "</code> line %ld: ", e->line);
                text(h, e->message);
                raw(h, "</li>");
            }
            raw(h, "</ul></details>");
        }
        raw(h, "</td></tr>\n");
    }
    raw(h, "</tbody></table>\n");
}

static void summary(hw *h, const crtk_check_report *r)
{
    const crtk_check_totals *t = &r->t;

    raw(h, "<h2>Summary</h2>\n<table class=\"meta\" id=\"totals\">\n<tr><td>Patients</td>"
           "<td class=\"n\" id=\"patients\">");
    num(h, t->patients);
    raw(h, "</td></tr>\n<tr><td>Tumors</td><td class=\"n\" id=\"tumors\">");
    num(h, t->tumors);
    fmt(h,
        "</td></tr>\n<tr><td>Tumors with errors</td><td class=\"n %s\" "
        "id=\"tumors-with-errors\">",
        t->tumors_with_errors ? "bad" : "ok");
    num(h, t->tumors_with_errors);
    fmt(h, "</td></tr>\n<tr><td>Errors</td><td class=\"n %s\" id=\"errors\">",
        t->errors ? "bad" : "ok");
    num(h, t->errors);
    raw(h, "</td></tr>\n<tr><td>Edits evaluated</td><td class=\"n\" id=\"edits-evaluated\">");
    num(h, t->edits_run);
    raw(h, "</td></tr>\n</table>\n");
    if (!t->errors)
        raw(h, "<p class=\"ok\">No edit failed on these files.</p>\n");
}

static void bars(hw *h, const char *title, const char *id, const rrow *rows, int n, bool fields)
{
    long max = n ? rows[0].count : 1;
    int i;

    fmt(h,
        "<h2>%s</h2>\n<table class=\"sortable\" id=\"%s\"><thead><tr><th>%s</th>"
        "<th>name</th><th class=\"n\">count</th><th></th></tr></thead><tbody>\n",
        title, id, fields ? "item" : "edit");
    for (i = 0; i < n; i++) {
        const rrow *w = &rows[i];
        long px = max ? w->count * 300 / max : 0;
        raw(h, "<tr><td>");
        if (fields)
            fmt(h, "%d", w->item);
        else
            text(h, w->key);
        raw(h, "</td><td>");
        if (!fields && w->description && *w->description) {
            raw(h, "<details><summary>");
            text(h, w->name);
            raw(h, "</summary><div class=\"desc\">");
            text(h, w->description);
            raw(h, "</div></details>");
        } else {
            text(h, w->name);
        }
        fmt(h, "</td><td class=\"n\" data-v=\"%ld\">", w->count);
        num(h, w->count);
        fmt(h,
            "</td><td data-v=\"%ld\"><div class=\"bar\" style=\"width:%ldpx\"></div></td>"
            "</tr>\n",
            w->count, px < 2 ? 2 : px);
    }
    raw(h, "</tbody></table>\n");
}

/* The item numbers of an edit's fields, for the field filter. */
static void field_numbers(hw *h, const crtk_check_report *r, const rfail *f)
{
    const crtk_editdb_edit *def = crtk_editdb_find_edit(r->opts.db, f->tag);
    size_t i;

    for (i = 0; def && i < crtk_editdb_edit_field_count(def); i++)
        fmt(h, " %ld", crtk_editdb_edit_field_number(def, i));
}

static void
records(hw *h, const crtk_check_report *r, const rrow *er, int ne, const rrow *fr, int nf)
{
    size_t i, j;
    int k;

    if (!r->nrecs)
        return;
    raw(h, "<h2>Records with errors</h2>\n<div class=\"filters\"><label>Edit <select "
           "id=\"fedit\" onchange=\"crtkFilter()\"><option value=\"\">all</option>");
    for (k = 0; k < ne; k++) {
        raw(h, "<option value=\"");
        text(h, er[k].key);
        raw(h, "\">");
        text(h, er[k].key);
        raw(h, " ");
        text(h, er[k].name);
        raw(h, "</option>");
    }
    raw(h, "</select></label><label>Field <select id=\"ffield\" onchange=\"crtkFilter()\">"
           "<option value=\"\">all</option>");
    for (k = 0; k < nf; k++) {
        fmt(h, "<option value=\"%d\">", fr[k].item);
        text(h, fr[k].name);
        fmt(h, " [%d]</option>", fr[k].item);
    }
    raw(h, "</select></label>");
    fmt(h, "<span id=\"shown\">%zu</span> of %zu tumors shown</div>\n", r->nrecs, r->nrecs);
    if (r->t.records_left_out) {
        raw(h, "<p class=\"bad\" id=\"left-out\">");
        num(h, r->t.records_left_out);
        raw(h, " more tumors with errors are not listed here (the report keeps the first ");
        num(h, (long long)r->nrecs);
        raw(h, "; see crtk check --html-max-records). The counts above include them.</p>\n");
    }
    raw(h, "<table id=\"records\"><thead><tr><th>where</th><th>tumor</th>"
           "<th>failed edits</th></tr></thead><tbody>\n");
    for (i = 0; i < r->nrecs; i++) {
        const rrec *d = &r->recs[i];
        raw(h, "<tr data-edits=\"");
        for (j = 0; j < d->nf; j++) {
            text(h, r->fails[d->f0 + j].tag);
            raw(h, " ");
        }
        raw(h, "\" data-fields=\"");
        for (j = 0; j < d->nf; j++)
            field_numbers(h, r, &r->fails[d->f0 + j]);
        raw(h, "\"><td title=\"");
        text(h, r->files[d->file].path);
        raw(h, "\">");
        {
            const char *path = r->files[d->file].path, *base = strrchr(path, '/');
            text(h, base ? base + 1 : path);
        }
        fmt(h, ":%ld<br>patient %ld, tumor %d</td>", d->line, d->patient, d->tumor + 1);
        raw(h, "<td class=\"keys\">");
        for (k = 0; k < REPORT_KEYS; k++) {
            if (d->keys[k] == (size_t)-1 || !r->mem.s[d->keys[k]])
                continue; /* not in this record type, or blank */
            raw(h, "<span class=\"k\">");
            text(h, crtk__report_key_labels[k]);
            raw(h, "</span> ");
            text(h, r->mem.s + d->keys[k]);
            raw(h, "<br>");
        }
        raw(h, "</td>");
        raw(h, "<td class=\"fails\"><ul>");
        for (j = 0; j < d->nf; j++) {
            const rfail *f = &r->fails[d->f0 + j];
            raw(h, "<li><code>");
            text(h, f->tag);
            raw(h, "</code> ");
            text(h, f->name);
            if (f->other_tumor >= 0)
                fmt(h, " (with tumor %d)", f->other_tumor + 1);
            raw(h, ": <span class=\"msg\">");
            text(h, r->mem.s + f->messages);
            raw(h, "</span>");
            if (f->nfields) {
                raw(h, "<br><span class=\"vals\">");
                text(h, r->mem.s + f->fields);
                raw(h, "</span>");
            }
            raw(h, "</li>");
        }
        raw(h, "</ul></td></tr>\n");
    }
    raw(h, "</tbody></table>\n");
}

int crtk_check_report_write_html(const crtk_check_report *r, crtk_write_fn w, void *ctx)
{
    hw h = {STRBUF_INIT, w, ctx, 0};
    rrow *er = NULL, *fr = NULL;
    int ne = 0, nf = 0, rc;

    rc = crtk__report_rows(r, &er, &ne, &fr, &nf);
    if (rc < 0)
        return rc;
    header(&h, r);
    summary(&h, r);
    if (ne) {
        bars(&h, "Failing edits", "failing-edits", er, ne, false);
        bars(&h, "Errors by field", "errors-by-field", fr, nf, true);
    }
    records(&h, r, er, ne, fr, nf);
    raw(&h, script);
    raw(&h, "</body></html>\n");
    flush_(&h);
    sb_free(&h.b);
    free(er);
    free(fr);
    return h.rc;
}
