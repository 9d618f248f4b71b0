/* detail.c - one failed edit as a detail line: text for people (file:line: patient, tumor,
 * edit, every message, the values the edit saw), JSON Lines and CSV for programs. A line is
 * built in a buffer and handed to the caller's writer whole. */
#include "crtk/report.h"
#include "report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A value as the edit saw it, without the blank padding. */
static int add_trimmed(strbuf *b, const char *v)
{
    size_t n = strlen(v);
    while (n && v[n - 1] == ' ')
        n--;
    return sb_add(b, v, n);
}

int crtk__json_str(strbuf *b, const char *s)
{
    int rc = sb_addc(b, '"');
    for (; *s && rc == 0; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            rc = sb_addc(b, '\\');
            if (rc == 0)
                rc = sb_addc(b, (char)c);
        } else if (c < 0x20) {
            rc = sb_printf(b, "\\u%04x", c);
        } else {
            rc = sb_addc(b, (char)c);
        }
    }
    return rc ? rc : sb_addc(b, '"');
}

static int csv_str(strbuf *b, const char *s)
{
    size_t n = strlen(s);
    int rc;

    if (!strpbrk(s, ",\"\r\n") && !(n && (s[0] == ' ' || s[n - 1] == ' ')))
        return sb_add(b, s, n);
    rc = sb_addc(b, '"');
    for (; *s && rc == 0; s++)
        rc = *s == '"' ? sb_add(b, "\"\"", 2) : sb_addc(b, *s);
    return rc ? rc : sb_addc(b, '"');
}

const char *crtk__patient_id(const crtk_record *rec)
{
    const crtk_item *pid = crtk_layout_find(crtk_record_layout(rec), "patientIdNumber");
    const char *id = pid ? crtk_record_get(rec, pid, 0, NULL) : NULL;
    return id ? id : "";
}

int crtk_check_detail_header(crtk_detail_format fmt, crtk_write_fn w, void *ctx)
{
    static const char h[] = "file,line,patient,patientIdNumber,tumor,otherTumor,edit,name,"
                            "messageNumber,message,fields\n";
    return fmt == CRTK_DETAIL_CSV ? w(ctx, h, sizeof h - 1) : CRTK_OK;
}

/* The text line, built piece by piece (no printf: a failing file can give millions). */
static int
text_line(strbuf *b, const char *path, const crtk_record *rec, const crtk_check_failure *f)
{
    size_t i;
    int rc = sb_adds(b, path);

    rc = rc ? rc : sb_addc(b, ':');
    rc = rc ? rc : sb_add_long(b, crtk_record_line(rec, f->tumor));
    rc = rc ? rc : sb_add(b, ": patient ", 10);
    rc = rc ? rc : sb_adds(b, crtk__patient_id(rec));
    rc = rc ? rc : sb_add(b, " tumor ", 7);
    rc = rc ? rc : sb_add_long(b, f->tumor + 1);
    if (rc == 0 && f->other_tumor >= 0) {
        rc = sb_add(b, " and tumor ", 11);
        rc = rc ? rc : sb_add_long(b, f->other_tumor + 1);
    }
    rc = rc ? rc : sb_add(b, ": ", 2);
    rc = rc ? rc : sb_adds(b, f->tag);
    rc = rc ? rc : sb_addc(b, ' ');
    rc = rc ? rc : sb_adds(b, f->name);
    rc = rc ? rc : sb_add(b, ": ", 2);
    for (i = 0; rc == 0 && i < f->nmessages; i++) {
        if (i)
            rc = sb_add(b, "; ", 2);
        rc = rc ? rc : sb_adds(b, f->messages[i].text);
    }
    if (rc == 0 && f->nfields) {
        rc = sb_add(b, " [", 2);
        for (i = 0; rc == 0 && i < f->nfields; i++) {
            if (i)
                rc = sb_add(b, ", ", 2);
            rc = rc ? rc : sb_adds(b, f->field_names[i]);
            rc = rc ? rc : sb_add(b, "=\"", 2);
            rc = rc ? rc : add_trimmed(b, f->field_values[i]);
            rc = rc ? rc : sb_addc(b, '"');
        }
        rc = rc ? rc : sb_addc(b, ']');
    }
    return rc ? rc : sb_addc(b, '\n');
}

static int
json_line(strbuf *b, const char *path, const crtk_record *rec, const crtk_check_failure *f)
{
    size_t i;
    int rc = sb_adds(b, "{\"file\":");
    if (rc == 0)
        rc = crtk__json_str(b, path);
    if (rc == 0)
        rc = sb_printf(b, ",\"line\":%ld,\"patient\":%ld,\"patientIdNumber\":",
                       crtk_record_line(rec, f->tumor), crtk_record_ordinal(rec));
    if (rc == 0)
        rc = crtk__json_str(b, crtk__patient_id(rec));
    if (rc == 0)
        rc = sb_printf(b, ",\"tumor\":%d", f->tumor + 1);
    if (rc == 0 && f->other_tumor >= 0)
        rc = sb_printf(b, ",\"otherTumor\":%d", f->other_tumor + 1);
    if (rc == 0)
        rc = sb_adds(b, ",\"edit\":");
    if (rc == 0)
        rc = crtk__json_str(b, f->tag);
    if (rc == 0)
        rc = sb_adds(b, ",\"name\":");
    if (rc == 0)
        rc = crtk__json_str(b, f->name);
    if (rc == 0)
        rc = sb_printf(b, ",\"type\":\"%c\",\"messageNumber\":%ld,\"message\":", f->type,
                       f->message_number);
    if (rc == 0)
        rc = crtk__json_str(b, f->message);
    if (rc == 0)
        rc = sb_adds(b, ",\"messages\":[");
    for (i = 0; rc == 0 && i < f->nmessages; i++) {
        rc = sb_printf(b, "%s{\"type\":\"%c\",\"number\":%ld,\"text\":", i ? "," : "",
                       f->messages[i].type, f->messages[i].number);
        if (rc == 0)
            rc = crtk__json_str(b, f->messages[i].text);
        if (rc == 0)
            rc = sb_addc(b, '}');
    }
    if (rc == 0)
        rc = sb_adds(b, "],\"fields\":[");
    for (i = 0; rc == 0 && i < f->nfields; i++) {
        rc = sb_adds(b, i ? ",{\"name\":" : "{\"name\":");
        if (rc == 0)
            rc = crtk__json_str(b, f->field_names[i]);
        if (rc == 0)
            rc = sb_printf(b, ",\"item\":%d,\"value\":", f->field_items[i]);
        if (rc == 0)
            rc = crtk__json_str(b, f->field_values[i]);
        if (rc == 0)
            rc = sb_addc(b, '}');
    }
    return rc ? rc : sb_adds(b, "]}\n");
}

static int
csv_line(strbuf *b, const char *path, const crtk_record *rec, const crtk_check_failure *f)
{
    strbuf v = STRBUF_INIT;
    size_t i;
    int rc = csv_str(b, path);

    if (rc == 0)
        rc = sb_printf(b, ",%ld,%ld,", crtk_record_line(rec, f->tumor), crtk_record_ordinal(rec));
    if (rc == 0)
        rc = csv_str(b, crtk__patient_id(rec));
    if (rc == 0)
        rc = sb_printf(b, ",%d,", f->tumor + 1);
    if (rc == 0 && f->other_tumor >= 0)
        rc = sb_printf(b, "%d", f->other_tumor + 1);
    if (rc == 0)
        rc = sb_addc(b, ',');
    if (rc == 0)
        rc = csv_str(b, f->tag);
    if (rc == 0)
        rc = sb_addc(b, ',');
    if (rc == 0)
        rc = csv_str(b, f->name);
    if (rc == 0)
        rc = sb_printf(b, ",%ld,", f->message_number);
    for (i = 0; rc == 0 && i < f->nmessages; i++)
        rc = sb_printf(&v, "%s%s", i ? " | " : "", f->messages[i].text);
    if (rc == 0)
        rc = csv_str(b, v.s ? v.s : "");
    if (rc == 0)
        rc = sb_addc(b, ',');
    sb_clear(&v);
    for (i = 0; rc == 0 && i < f->nfields; i++) {
        rc = sb_printf(&v, "%s%s=", i ? "; " : "", f->field_names[i]);
        if (rc == 0)
            rc = add_trimmed(&v, f->field_values[i]);
    }
    if (rc == 0)
        rc = csv_str(b, v.s ? v.s : "");
    sb_free(&v);
    return rc ? rc : sb_addc(b, '\n');
}

int crtk_check_detail_write(crtk_detail_format fmt,
                            const char *path,
                            const crtk_record *rec,
                            const crtk_check_failure *f,
                            crtk_write_fn w,
                            void *ctx)
{
    strbuf b = STRBUF_INIT;
    int rc;

    switch (fmt) {
    case CRTK_DETAIL_JSON:
        rc = json_line(&b, path, rec, f);
        break;
    case CRTK_DETAIL_CSV:
        rc = csv_line(&b, path, rec, f);
        break;
    default:
        rc = text_line(&b, path, rec, f);
    }
    if (rc == 0)
        rc = w(ctx, b.s, b.len);
    sb_free(&b);
    return rc;
}
