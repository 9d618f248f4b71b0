/* cmd_edits_eval.c - `crtk edits eval 'SOURCE'`: evaluate an EDITS expression (or statements
 * followed by a final expression) and print its value: integers in decimal, strings in double
 * quotes with blanks kept and `"`/`\` escaped. Uses only the public API of crtk/edits.h. */
#include "crtk/edits.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_edits_eval(int argc, char **argv);

static void usage(FILE *f)
{
    fputs("usage: crtk edits eval [options] [--] 'SOURCE'\n"
          "\n"
          "Evaluate an EDITS expression, or statements followed by a final expression,\n"
          "and print its value: integers in decimal, strings in double quotes.\n"
          "Field references #S\"...\" read as empty values.\n"
          "\n"
          "options:\n"
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
        {NULL, 0, NULL, 0},
    };
    crtk_edit_options opt = CRTK_EDIT_OPTIONS_INIT;
    crtk_edit_value v = {CRTK_EDIT_VALUE_INT, 0, NULL, 0};
    crtk_error err = CRTK_ERROR_INIT;
    const char *src;
    int c, rc;

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
        case 'm': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || n <= 0) {
                fprintf(stderr, "crtk edits eval: --max-instructions needs a positive number\n");
                return 2;
            }
            opt.max_instructions = n;
            break;
        }
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

    rc = crtk_edits_eval(&v, "<source>", src, strlen(src), &opt, NULL, NULL, &err);
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
