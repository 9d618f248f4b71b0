/* cmd_edits_eval.c - `crtk edits eval 'SOURCE'`: evaluate an EDITS expression (or statements
 * followed by a final expression) and print its value: integers in decimal, strings in double
 * quotes with blanks kept and `"`/`\` escaped. Uses only the public API of crtk/edits.h. */
#include "crtk/crtk.h"
#include "crtk/edits.h"
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1000 times the default: a run that loops still ends in seconds. */
#define MAX_INSTRUCTIONS 1000000000L

int cmd_edits_eval(int argc, char **argv);

static void usage(FILE *f)
{
    fputs("usage: crtk edits eval [options] [--] 'SOURCE'\n"
          "\n"
          "Evaluate an EDITS expression, or statements followed by a final expression,\n"
          "and print its value: integers in decimal, strings in double quotes.\n"
          "Field references #S\"...\" read as empty values, or with --record as the\n"
          "fields of the first tumor of a NAACCR file (by item name, naaccrId or [number]).\n"
          "\n"
          "options:\n"
          "  --record FILE           take field values from the first tumor of FILE\n"
          "  --today YYYYMMDD        date used for DT_TODAY and future-date checks\n"
          "  --max-instructions N    instruction budget (default 1000000)\n"
          "  -h, --help              show this help\n"
          "\n"
          "examples:\n"
          "  crtk edits eval 'INLIST(\"05\", \"01-05,09\")'      prints 1\n"
          "  crtk edits eval 'char d[10]; STRCPY(d, \"AB\"); d'  prints \"AB\"\n",
          f);
}

static void print_string(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            putchar('\\');
        putchar(s[i]);
    }
    putchar('"');
    putchar('\n');
}

/* Field access for --record: names resolve to items of the file's layout; a value is the
 * item's fixed-width text (blank-padded, right-justified for leftBlank items). */
typedef struct recfields {
    const crtk_record *rec;
    const crtk_layout *layout;
    const crtk_item *items[512];
    char *vals[512];
    int n;
} recfields;

static int rec_resolve(void *ctx, const char *name, int *width_out)
{
    recfields *r = ctx;
    const crtk_item *it = crtk_layout_find_name(r->layout, name);
    size_t len = 0;
    const char *v;
    int i;

    if (!it)
        it = crtk_layout_find(r->layout, name);
    if (!it && name[0] == '[')
        it = crtk_layout_find_num(r->layout, atoi(name + 1));
    if (!it)
        return -1;
    for (i = 0; i < r->n; i++)
        if (r->items[i] == it) {
            *width_out = it->length;
            return i;
        }
    if (r->n == 512 || it->length > CRTK_EDIT_MAX_STRING)
        return -1;
    r->vals[r->n] = malloc((size_t)it->length + 1);
    if (!r->vals[r->n])
        return -1;
    v = it->level != CRTK_LEVEL_TUMOR || crtk_record_tumor_count(r->rec) > 0
            ? crtk_record_get(r->rec, it, 0, &len)
            : NULL;
    if (!v)
        len = 0;
    if (len > (size_t)it->length)
        len = (size_t)it->length;
    memset(r->vals[r->n], ' ', (size_t)it->length);
    memcpy(r->vals[r->n] + (it->padding == CRTK_PAD_LEFT_BLANK ? it->length - len : 0), v ? v : "",
           len);
    r->vals[r->n][it->length] = '\0';
    r->items[r->n] = it;
    *width_out = it->length;
    return r->n++;
}

static const char *rec_value(void *ctx, int slot)
{
    recfields *r = ctx;
    return slot >= 0 && slot < r->n ? r->vals[slot] : NULL;
}

static int exit_code(int rc)
{
    return rc == CRTK_EIO || rc == CRTK_ENOMEM || rc == CRTK_EARG ? 2 : 1;
}

int cmd_edits_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"today", required_argument, NULL, 't'},
        {"max-instructions", required_argument, NULL, 'm'},
        {"record", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    crtk_edit_options opt = CRTK_EDIT_OPTIONS_INIT;
    crtk_edit_value v = {CRTK_EDIT_VALUE_INT, 0, NULL, 0};
    crtk_error err = CRTK_ERROR_INIT;
    const char *src, *record = NULL;
    int c, rc, i;
    crtk_layouts *ls = NULL;
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;
    recfields rf;

    memset(&rf, 0, sizeof rf);
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return 0;
        case 't':
            opt.today = optarg;
            break;
        case 'r':
            record = optarg;
            break;
        case 'm':
            if (!cli_number("--max-instructions", optarg, 1, MAX_INSTRUCTIONS,
                            &opt.max_instructions))
                return 2;
            break;
        default:
            if (optopt)
                fprintf(stderr, "crtk edits eval: unknown option '-%c'\n", optopt);
            else
                fprintf(stderr, "crtk edits eval: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "crtk edits eval: expected one SOURCE argument\n");
        usage(stderr);
        return 2;
    }
    src = argv[optind];

    if (record) {
        rc = crtk_layouts_new(&ls, &err);
        if (rc == CRTK_OK)
            rc = crtk_reader_open(&rd, record, ls, NULL, &err);
        if (rc == CRTK_OK)
            rc = crtk_record_new(&rec) < 0 ? CRTK_ENOMEM : CRTK_OK;
        if (rc == CRTK_OK) {
            rc = crtk_reader_next(rd, rec);
            if (rc < 0)
                err = *crtk_reader_error(rd);
            else if (rc == 0) {
                snprintf(err.message, sizeof err.message, "%s has no patient", record);
                rc = CRTK_EINVALID;
            } else
                rc = CRTK_OK;
        }
        if (rc != CRTK_OK) {
            fprintf(stderr, "crtk edits eval: %s%s%s\n", err.source[0] ? err.source : "",
                    err.source[0] ? ": " : "", err.message);
            crtk_record_free(rec);
            crtk_reader_free(rd);
            crtk_layouts_free(ls);
            return exit_code(rc);
        }
        rf.rec = rec;
        rf.layout = crtk_record_layout(rec);
        opt.resolve = rec_resolve;
        opt.resolve_ctx = &rf;
    }
    rc = crtk_edits_eval(&v, "<source>", src, strlen(src), &opt, record ? rec_value : NULL,
                         record ? &rf : NULL, &err);
    for (i = 0; i < rf.n; i++)
        free(rf.vals[i]);
    crtk_record_free(rec);
    crtk_reader_free(rd);
    crtk_layouts_free(ls);
    if (rc != CRTK_OK) {
        if (err.line > 0 && err.column > 0)
            fprintf(stderr, "crtk edits eval: %s:%ld:%ld: %s\n", err.source, err.line, err.column,
                    err.message);
        else if (err.line > 0)
            fprintf(stderr, "crtk edits eval: %s:%ld: %s\n", err.source, err.line, err.message);
        else
            fprintf(stderr, "crtk edits eval: %s\n",
                    err.message[0] ? err.message : crtk_status_str(rc));
        return exit_code(rc);
    }
    if (v.type == CRTK_EDIT_VALUE_STRING)
        print_string(v.s, v.len);
    else
        printf("%lld\n", v.i);
    crtk_edit_value_clear(&v);
    if (fflush(stdout) != 0)
        return 2;
    return 0;
}
