/* render_text.c - the check summary as text, in the shape of a GenEDITS report (what was
 * checked and with what, the counts, the failing edits, errors by field), and as one JSON
 * object with the same facts. Columns widen to the longest name: nothing is cut. */
#include "report_internal.h"
#include "error_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int put(strbuf *b, crtk_write_fn w, void *ctx)
{
    int rc = b->len ? w(ctx, b->s, b->len) : CRTK_OK;
    sb_clear(b);
    return rc;
}

static const char *set_name(const crtk_check_report *r)
{
    return r->opts.set ? r->opts.set : "(every edit)";
}

/* Every edit of the set that did not run on a layout, by why: fields the layout lacks, or
 * a compile error (with the error). */
static int skipped_text(strbuf *b, const crtk_checker *c)
{
    int pass, k, n = crtk_checker_skipped_count(c), rc = CRTK_OK;
    const char *lname = crtk_layout_name(crtk_checker_layout(c));

    for (pass = 0; pass < 2 && rc == 0; pass++) {
        int col, count = 0;
        for (k = 0; k < n; k++)
            count +=
                crtk_check_skip_is_missing_field(crtk_checker_skipped_error(c, k)) == (pass == 0);
        if (!count)
            continue;
        rc = sb_printf(b, "  Skipped on %s, %s (%d):", lname,
                       pass == 0 ? "fields it lacks" : "did not compile", count);
        col = 100;
        for (k = 0; k < n && rc == 0; k++) {
            const char *tag = crtk_checker_skipped_tag(c, k);
            const crtk_error *e = crtk_checker_skipped_error(c, k);
            if (crtk_check_skip_is_missing_field(e) != (pass == 0))
                continue;
            if (pass == 1) {
                rc = sb_printf(b, "\n    %s: %ld:%ld: %s", tag, e->line, e->column, e->message);
                continue;
            }
            if (col + (int)strlen(tag) + 1 > 90) {
                rc = sb_adds(b, "\n   ");
                col = 3;
            }
            if (rc == 0)
                rc = sb_printf(b, " %s", tag);
            col += (int)strlen(tag) + 1;
        }
        if (rc == 0)
            rc = sb_addc(b, '\n');
    }
    return rc;
}

int crtk_check_report_write_text(const crtk_check_report *r, crtk_write_fn w, void *ctx)
{
    strbuf b = STRBUF_INIT;
    rrow *er = NULL, *fr = NULL;
    int ne = 0, nf = 0, i, rc, wname = 4, wtag = 4;

    rc = crtk__report_rows(r, &er, &ne, &fr, &nf);
    if (rc < 0)
        return rc;
    rc = sb_printf(&b, "\nEDITS SUMMARY\n  Edit set:            %s\n", set_name(r));
    if (rc == 0 && r->opts.edits_source)
        rc = sb_printf(&b, "  Edits from:          %s\n", r->opts.edits_source);
    for (i = 0; rc == 0 && i < r->nchk; i++) {
        const crtk_checker *c = r->chk[i].c;
        int sk = crtk_checker_skipped_count(c);
        rc = sb_printf(&b, "  Edits run:           %d on %s", crtk_checker_edit_count(c),
                       crtk_layout_name(crtk_checker_layout(c)));
        if (rc == 0 && sk)
            rc = sb_printf(&b, " (%d skipped)", sk);
        if (rc == 0)
            rc = sb_addc(&b, '\n');
    }
    for (i = 0; rc == 0 && i < r->nchk; i++)
        rc = skipped_text(&b, r->chk[i].c);
    if (rc == 0)
        rc = sb_printf(&b,
                       "  Files read:          %ld\n  Patients read:       %ld\n"
                       "  Tumors read:         %ld\n  Tumors with errors:  %ld\n"
                       "  Errors:              %ld\n  Edits evaluated:     %ld\n",
                       r->t.files, r->t.patients, r->t.tumors, r->t.tumors_with_errors, r->t.errors,
                       r->t.edits_run);
    for (i = 0; i < ne; i++) {
        if ((int)strlen(er[i].name) > wname)
            wname = (int)strlen(er[i].name);
        if ((int)strlen(er[i].key) > wtag)
            wtag = (int)strlen(er[i].key);
    }
    if (wname < 48)
        wname = 48;
    if (wtag < 12)
        wtag = 12;
    if (rc == 0 && ne) {
        rc = sb_printf(&b, "\nFAILING EDITS%*s\n", wtag + wname + 12 - 13, "COUNT");
        for (i = 0; rc == 0 && i < ne; i++)
            rc = sb_printf(&b, "  %-*s %-*s %8ld\n", wtag, er[i].key, wname, er[i].name,
                           er[i].count);
        if (rc == 0)
            rc = sb_printf(&b, "\nERRORS BY FIELD%*s\n", wtag + wname + 12 - 15, "COUNT");
        for (i = 0; rc == 0 && i < nf; i++) {
            char nm[160];
            if (fr[i].item > 0)
                snprintf(nm, sizeof nm, "%s [%d]", fr[i].name, fr[i].item);
            else
                snprintf(nm, sizeof nm, "%s", fr[i].name);
            rc = sb_printf(&b, "  %-*s %8ld\n", wtag + wname + 1, nm, fr[i].count);
        }
    }
    if (rc == 0)
        rc = put(&b, w, ctx);
    sb_free(&b);
    free(er);
    free(fr);
    return rc;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

/* `"k":"v"` (null for NULL), preceded by `sep` (",", "{" or ""); chains on rc. */
static int jkey(int rc, strbuf *b, const char *sep, const char *k, const char *v)
{
    if (rc == 0)
        rc = sb_printf(b, "%s\"%s\":", sep, k);
    if (rc == 0)
        rc = v ? crtk__json_str(b, v) : sb_adds(b, "null");
    return rc;
}

int crtk_check_report_write_json(const crtk_check_report *r, crtk_write_fn w, void *ctx)
{
    strbuf b = STRBUF_INIT;
    rrow *er = NULL, *fr = NULL;
    int ne = 0, nf = 0, i, k, rc;

    rc = crtk__report_rows(r, &er, &ne, &fr, &nf);
    if (rc < 0)
        return rc;
    rc = jkey(0, &b, "{", "tool", r->opts.tool);
    rc = jkey(rc, &b, ",", "editSet", r->opts.set);
    rc = jkey(rc, &b, ",", "editsFrom", r->opts.edits_source);
    rc = jkey(rc, &b, ",", "today", r->opts.today);
    if (rc == 0)
        rc = sb_adds(&b, ",\"files\":[");
    for (i = 0; rc == 0 && i < r->nfiles; i++) {
        const rfile *f = &r->files[i];
        rc = jkey(rc, &b, i ? ",{" : "{", "path", f->path);
        if (rc == 0)
            rc = sb_printf(&b,
                           ",\"bytes\":%lld,\"format\":\"%s\",\"naaccrVersion\":%d,"
                           "\"recordType\":\"%c\",\"layout\":",
                           f->bytes, crtk_format_name(f->format), f->naaccr_version,
                           f->record_type ? f->record_type : '?');
        if (rc == 0)
            rc = crtk__json_str(&b, f->layout);
        rc = jkey(rc, &b, ",", "sha256", f->sha256[0] ? f->sha256 : NULL);
        if (rc == 0)
            rc = sb_printf(&b,
                           ",\"patients\":%ld,\"tumors\":%ld,\"tumorsWithErrors\":%ld,"
                           "\"errors\":%ld}",
                           f->patients, f->tumors, f->tumors_err, f->errors);
    }
    if (rc == 0)
        rc = sb_adds(&b, "],\"layouts\":[");
    for (i = 0; rc == 0 && i < r->nchk; i++) {
        const crtk_checker *c = r->chk[i].c;
        rc = sb_adds(&b, i ? ",{\"layout\":" : "{\"layout\":");
        if (rc == 0)
            rc = crtk__json_str(&b, crtk_layout_name(crtk_checker_layout(c)));
        if (rc == 0)
            rc = sb_printf(&b, ",\"editsRun\":%d,\"skipped\":[", crtk_checker_edit_count(c));
        for (k = 0; rc == 0 && k < crtk_checker_skipped_count(c); k++) {
            const crtk_error *e = crtk_checker_skipped_error(c, k);
            rc = sb_adds(&b, k ? ",{\"edit\":" : "{\"edit\":");
            if (rc == 0)
                rc = crtk__json_str(&b, crtk_checker_skipped_tag(c, k));
            if (rc == 0)
                rc = sb_printf(&b, ",\"why\":\"%s\",\"message\":",
                               crtk_check_skip_is_missing_field(e) ? "missing-field"
                                                                   : "not-compiled");
            if (rc == 0)
                rc = crtk__json_str(&b, e->message);
            if (rc == 0)
                rc = sb_addc(&b, '}');
        }
        if (rc == 0)
            rc = sb_adds(&b, "]}");
    }
    if (rc == 0)
        rc = sb_printf(&b,
                       "],\"patients\":%ld,\"tumors\":%ld,\"tumorsWithErrors\":%ld,"
                       "\"errors\":%ld,\"editsEvaluated\":%ld,\"editsNotCompiled\":%d,"
                       "\"failingEdits\":[",
                       r->t.patients, r->t.tumors, r->t.tumors_with_errors, r->t.errors,
                       r->t.edits_run, r->t.edits_not_compiled);
    for (i = 0; rc == 0 && i < ne; i++) {
        rc = jkey(rc, &b, i ? ",{" : "{", "edit", er[i].key);
        rc = jkey(rc, &b, ",", "name", er[i].name);
        if (rc == 0)
            rc = sb_printf(&b, ",\"count\":%ld}", er[i].count);
    }
    if (rc == 0)
        rc = sb_adds(&b, "],\"errorsByField\":[");
    for (i = 0; rc == 0 && i < nf; i++) {
        rc = sb_printf(&b, "%s{\"item\":%d", i ? "," : "", fr[i].item);
        rc = jkey(rc, &b, ",", "name", fr[i].name);
        if (rc == 0)
            rc = sb_printf(&b, ",\"count\":%ld}", fr[i].count);
    }
    if (rc == 0)
        rc = sb_adds(&b, "]}\n");
    if (rc == 0)
        rc = put(&b, w, ctx);
    sb_free(&b);
    free(er);
    free(fr);
    return rc;
}
