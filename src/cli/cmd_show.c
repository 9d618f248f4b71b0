/* cmd_show.c - `crtk show FILE`: one patient and its tumors, item by item, readable on a
 * terminal. Streams up to the patient asked for; nothing else is kept. */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void usage_show(FILE *f)
{
    fprintf(f, "usage: crtk show [OPTIONS] FILE\n\n"
               "Show one patient of a NAACCR file (XML, fixed-width or CSV) with its tumors:\n"
               "item number, name, naaccrId and value of every item present, and the code's\n"
               "label where crtk's code tables know it (sex 2 Female). The NaaccrData section\n"
               "shows the XML root attributes too.\n\n"
               "options:\n"
               "  --patient N       the Nth patient of the file (default 1)\n"
               "  --id ID           the first patient whose Patient ID Number is ID\n"
               "  --tumor N         only the Nth tumor of that patient\n"
               "  --format F        text (default) or json (one object, for programs)\n"
               "  --layout FILE     fixed-width layout of your own\n"
               "  --dictionary FILE NAACCR user-defined dictionary (XML); repeatable\n"
               "  --version V       NAACCR version of a CSV file that does not say\n"
               "  --encoding E      fixed-width/CSV input encoding (default auto)\n");
}

/* Column widths of the text form, from the items that will be printed. */
typedef struct widths {
    int name, id, value;
} widths;

/* Display width of UTF-8 text: one column per character. */
static int text_width(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void widen(widths *w, const char *name, const char *id, const char *value, bool labelled)
{
    int n = text_width(name), i = text_width(id);

    if (n > w->name)
        w->name = n;
    if (i > w->id)
        w->id = i;
    if (labelled && value && text_width(value) > w->value && text_width(value) <= 16)
        w->value = text_width(value);
}

static void pad(const char *s, int width)
{
    fputs(s, stdout);
    for (int n = text_width(s); n < width; n++)
        putchar(' ');
}

/* A value on a terminal: control bytes escaped, a line break continues under the value. */
static void print_value(const char *v, size_t len, int indent)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '\n')
            printf("\n%*s", indent, "");
        else if (c < 0x20 || c == 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
}

/* The XML root attributes, from what the reader learnt (crtk_file_info). */
typedef struct attr {
    const char *name, *value;
} attr;

static int root_attrs(const crtk_file_info *fi, attr *out)
{
    int n = 0;
    static char rt[2];

    if (fi->format != CRTK_FORMAT_XML)
        return 0;
    rt[0] = fi->record_type > 0x20 && fi->record_type < 0x7f ? fi->record_type : '\0';
    out[n++] = (attr){"baseDictionaryUri", fi->base_uri};
    out[n++] = (attr){"recordType", rt};
    out[n++] = (attr){"specificationVersion", fi->spec_version};
    out[n++] = (attr){"timeGenerated", fi->time_generated};
    out[n++] = (attr){"userDictionaryUri", fi->user_uris};
    for (int i = 0; i < n; i++)
        if (!out[i].value)
            out[i].value = "";
    return n;
}

static void measure_level(widths *w, const crtk_record *rec, crtk_level level, int tumor)
{
    const crtk_layout *l = crtk_record_layout(rec);

    for (int i = 0; i < crtk_layout_count(l); i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        const char *v;
        if (it->level != level)
            continue;
        v = crtk_record_get(rec, it, tumor, NULL);
        if (v)
            widen(w, it->name, it->id, v, crtk_record_code_label(rec, it, tumor) != NULL);
    }
}

static void print_level(const widths *w, const crtk_record *rec, crtk_level level, int tumor)
{
    const crtk_layout *l = crtk_record_layout(rec);
    int indent = 2 + 5 + 2 + w->name + 2 + w->id + 2;

    for (int i = 0; i < crtk_layout_count(l); i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        const char *v, *label;
        size_t len;
        if (it->level != level)
            continue;
        v = crtk_record_get(rec, it, tumor, &len);
        if (!v)
            continue;
        label = crtk_record_code_label(rec, it, tumor);
        printf("  %5d  ", it->num);
        pad(it->name, w->name + 2);
        pad(it->id, w->id + 2);
        print_value(v, len, indent);
        if (label) {
            for (int n = text_width(v); n < w->value; n++)
                putchar(' ');
            printf("  %s", label);
        }
        putchar('\n');
    }
}

static void
print_text(const char *path, long n, const crtk_record *rec, const crtk_reader *rd, long tumor)
{
    const crtk_file_info *fi = crtk_reader_info(rd);
    int nt = crtk_record_tumor_count(rec);
    widths w = {0, 0, 0};
    attr attrs[8];
    int na = root_attrs(fi, attrs);

    for (int a = 0; a < na; a++)
        if (*attrs[a].value)
            widen(&w, "(XML attribute)", attrs[a].name, NULL, false);
    measure_level(&w, rec, CRTK_LEVEL_ROOT, 0);
    measure_level(&w, rec, CRTK_LEVEL_PATIENT, 0);
    for (int t = 0; t < nt; t++)
        if (!tumor || t + 1 == tumor)
            measure_level(&w, rec, CRTK_LEVEL_TUMOR, t);
    printf("%s: patient %ld (line %ld), %d tumor%s; %s, NAACCR %d, record type %c\n", path, n,
           crtk_record_line(rec, -1), nt, nt == 1 ? "" : "s", crtk_format_name(fi->format),
           fi->naaccr_version, fi->record_type);
    printf("\nNaaccrData\n");
    for (int a = 0; a < na; a++) {
        if (!*attrs[a].value)
            continue;
        printf("  %5s  ", "");
        pad("(XML attribute)", w.name + 2);
        pad(attrs[a].name, w.id + 2);
        print_value(attrs[a].value, strlen(attrs[a].value), 0);
        putchar('\n');
    }
    print_level(&w, rec, CRTK_LEVEL_ROOT, 0);
    printf("\nPatient\n");
    print_level(&w, rec, CRTK_LEVEL_PATIENT, 0);
    for (int t = 0; t < nt; t++) {
        if (tumor && t + 1 != tumor)
            continue;
        printf("\nTumor %d of %d (line %ld)\n", t + 1, nt, crtk_record_line(rec, t));
        print_level(&w, rec, CRTK_LEVEL_TUMOR, t);
    }
}

/* ---- JSON ------------------------------------------------------------------------------ */

static void json_str(const char *s, size_t len)
{
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if (c < 0x20 || c == 0x7f)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void json_cstr(const char *s)
{
    json_str(s ? s : "", s ? strlen(s) : 0);
}

static void json_level(const crtk_record *rec, crtk_level level, int tumor, const char *indent)
{
    const crtk_layout *l = crtk_record_layout(rec);
    bool first = true;

    printf("[");
    for (int i = 0; i < crtk_layout_count(l); i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        const char *v, *label;
        size_t len;
        if (it->level != level)
            continue;
        v = crtk_record_get(rec, it, tumor, &len);
        if (!v)
            continue;
        label = crtk_record_code_label(rec, it, tumor);
        printf("%s\n%s  {\"naaccrNum\": %d, \"naaccrId\": ", first ? "" : ",", indent, it->num);
        json_cstr(it->id);
        fputs(", \"name\": ", stdout);
        json_cstr(it->name);
        fputs(", \"value\": ", stdout);
        json_str(v, len);
        if (label) {
            fputs(", \"label\": ", stdout);
            json_cstr(label);
        }
        putchar('}');
        first = false;
    }
    if (first)
        fputs("]", stdout);
    else
        printf("\n%s]", indent);
}

static void
print_json(const char *path, long n, const crtk_record *rec, const crtk_reader *rd, long tumor)
{
    const crtk_file_info *fi = crtk_reader_info(rd);
    int nt = crtk_record_tumor_count(rec);
    attr attrs[8];
    int na = root_attrs(fi, attrs);
    bool first = true;

    fputs("{\"file\": ", stdout);
    json_cstr(path);
    printf(", \"patient\": %ld, \"line\": %ld, \"format\": ", n, crtk_record_line(rec, -1));
    json_cstr(crtk_format_name(fi->format));
    printf(", \"naaccrVersion\": %d, \"recordType\": ", fi->naaccr_version);
    json_str(&fi->record_type, fi->record_type > 0x20 && fi->record_type < 0x7f);
    fputs(", \"layout\": ", stdout);
    json_cstr(crtk_layout_name(fi->layout));
    printf(", \"tumorCount\": %d,\n \"naaccrData\": {\"attributes\": {", nt);
    for (int a = 0; a < na; a++) {
        printf("%s", a ? ", " : "");
        json_cstr(attrs[a].name);
        fputs(": ", stdout);
        json_cstr(attrs[a].value);
    }
    fputs("},\n  \"items\": ", stdout);
    json_level(rec, CRTK_LEVEL_ROOT, 0, "  ");
    fputs("},\n \"patientItems\": ", stdout);
    json_level(rec, CRTK_LEVEL_PATIENT, 0, " ");
    fputs(",\n \"tumors\": [", stdout);
    for (int t = 0; t < nt; t++) {
        if (tumor && t + 1 != tumor)
            continue;
        printf("%s\n  {\"tumor\": %d, \"line\": %ld, \"items\": ", first ? "" : ",", t + 1,
               crtk_record_line(rec, t));
        json_level(rec, CRTK_LEVEL_TUMOR, t, "  ");
        putchar('}');
        first = false;
    }
    printf("%s]}\n", first ? "" : "\n ");
}

int cmd_show(int argc, char **argv)
{
    static const struct option longopts[] = {{"patient", required_argument, NULL, 'p'},
                                             {"id", required_argument, NULL, 'i'},
                                             {"tumor", required_argument, NULL, 't'},
                                             {"layout", required_argument, NULL, 'l'},
                                             {"dictionary", required_argument, NULL, 'd'},
                                             {"version", required_argument, NULL, 'V'},
                                             {"encoding", required_argument, NULL, 'e'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    cli_layout_opts lo = {0};
    crtk_reader_opts opts = CRTK_READER_OPTS_INIT;
    crtk_layouts *ls = NULL;
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    long want = 1, tumor = 0, n = 0;
    const char *want_id = NULL;
    bool json = false;
    int c, rc, status = EXIT_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:i:t:l:d:V:e:f:h", longopts, NULL)) != -1) {
        int shared = cli_reader_option(c, optarg, &lo, &opts);
        if (shared < 0)
            return EXIT_TROUBLE;
        if (shared)
            continue;
        switch (c) {
        case 'p':
            if (!cli_number("--patient", optarg, 1, LONG_MAX, &want))
                return EXIT_TROUBLE;
            break;
        case 'i':
            want_id = optarg;
            break;
        case 't':
            if (!cli_number("--tumor", optarg, 1, LONG_MAX, &tumor))
                return EXIT_TROUBLE;
            break;
        case 'f':
            if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
                cli_error("--format must be text or json, not '%s'", optarg);
                return EXIT_TROUBLE;
            }
            json = !strcmp(optarg, "json");
            break;
        case 'h':
            usage_show(stdout);
            return EXIT_OK;
        default:
            usage_show(stderr);
            return EXIT_TROUBLE;
        }
    }
    if (argc - optind != 1) {
        usage_show(stderr);
        return EXIT_TROUBLE;
    }
    if (cli_load_layouts(&ls, &lo) < 0)
        return EXIT_TROUBLE;
    if (lo.user_layout && crtk_layout_kind_of(lo.user_layout) == CRTK_LAYOUT_FLAT)
        opts.layout = lo.user_layout;
    rc = crtk_reader_open(&rd, argv[optind], ls, &opts, &err);
    if (rc < 0) {
        cli_print_error(&err);
        status = cli_exit_for(rc);
        goto out;
    }
    if (crtk_record_new(&rec) < 0) {
        status = EXIT_TROUBLE;
        goto out;
    }
    while ((rc = crtk_reader_next(rd, rec)) > 0) {
        n++;
        if (want_id) {
            const crtk_item *pid = crtk_layout_find(crtk_record_layout(rec), "patientIdNumber");
            const char *v = pid ? crtk_record_get(rec, pid, 0, NULL) : NULL;
            if (v && !strcmp(v, want_id))
                break;
        } else if (n == want) {
            break;
        }
    }
    if (rc < 0) {
        cli_print_error(crtk_reader_error(rd));
        status = cli_exit_for(rc);
        goto out;
    }
    if (rc == 0) {
        if (want_id)
            cli_error("%s: no patient with Patient ID Number %s", argv[optind], want_id);
        else
            cli_error("%s has %ld patients; there is no patient %ld", argv[optind], n, want);
        status = EXIT_INVALID;
        goto out;
    }
    {
        int nt = crtk_record_tumor_count(rec);
        if (tumor > nt) {
            cli_error("patient %ld has %d tumors; there is no tumor %ld", n, nt, tumor);
            status = EXIT_INVALID;
            goto out;
        }
        if (json)
            print_json(argv[optind], n, rec, rd, tumor);
        else
            print_text(argv[optind], n, rec, rd, tumor);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            cli_error("cannot write the output");
            status = EXIT_TROUBLE;
        }
    }
out:
    crtk_record_free(rec);
    crtk_reader_free(rd);
    crtk_layouts_free(ls);
    return status;
}
