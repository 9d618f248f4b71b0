/* cmd_validate.c - `crtk validate FILE...`: read each file with every check on and print
 * each problem as FILE:LINE: naaccrId: message. Exit 0 when every file conforms, 1 when
 * any does not, 2 for usage errors or unreadable files. */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void usage_validate(FILE *f)
{
    fprintf(f, "usage: crtk validate [OPTIONS] FILE...\n\n"
               "Check NAACCR files (XML, fixed-width or CSV; .gz read transparently; - is stdin)\n"
               "against the NAACCR standard: the XML specification and the dictionaries a file\n"
               "names, or a fixed-width file's layout. Every problem is printed on stdout as\n"
               "  FILE:LINE: naaccrId: message\n"
               "Exit status: 0 every file conforms, 1 a file does not, 2 usage error or a file\n"
               "could not be read.\n\n"
               "options:\n"
               "  --layout FILE        read fixed-width files with this crtk layout (a state's)\n"
               "  --dictionary FILE    a NAACCR user-defined dictionary (XML); repeatable\n"
               "  --version V          NAACCR version when the file does not say (CSV)\n"
               "  --record-type T      record type (A, M, C, I) of a CSV file without one\n"
               "  --encoding E         fixed-width/CSV input: auto (default), utf-8,\n"
               "                       windows-1252, latin1\n"
               "  --strict             warnings (such as short fixed-width lines) fail too\n"
               "  --max-problems N     print at most N problems per file (all are counted)\n"
               "  --quiet              no summary line or progress on stderr\n");
}

typedef struct vctx {
    long printed, max;
    bool strict;
} vctx;

static void on_finding(void *ctx, const crtk_finding *f)
{
    vctx *v = ctx;

    if (v->max >= 0 && v->printed >= v->max)
        return;
    v->printed++;
    printf("%s:", f->source);
    if (f->line)
        printf("%ld:", f->line);
    printf(" ");
    if (f->item && f->item[0])
        printf("%s: ", f->item);
    if (f->severity == CRTK_SEV_WARNING)
        printf("warning: ");
    printf("%s\n", f->message);
}

static int
validate_one(const char *path, crtk_layouts *ls, const crtk_reader_opts *base, vctx *v, bool quiet)
{
    crtk_reader_opts opts = *base;
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    cli_progress prog;
    long patients = 0, tumors = 0, errors, warnings;
    int rc, status;

    v->printed = 0;
    opts.on_finding = on_finding;
    opts.finding_ctx = v;
    rc = crtk_reader_open(&rd, path, ls, &opts, &err);
    if (rc < 0) {
        if (cli_exit_for(rc) == EXIT_TROUBLE) {
            cli_print_error(&err);
            return EXIT_TROUBLE;
        }
        printf("%s:", path);
        if (err.line)
            printf("%ld:", err.line);
        printf(" %s%s%s\n", err.item[0] ? err.item : "", err.item[0] ? ": " : "", err.message);
        return EXIT_INVALID;
    }
    if (crtk_record_new(&rec) < 0) {
        crtk_reader_free(rd);
        cli_error("out of memory");
        return EXIT_TROUBLE;
    }
    cli_progress_start(&prog, "validate", path, quiet);
    while ((rc = crtk_reader_next(rd, rec)) > 0) {
        patients++;
        tumors += crtk_record_tumor_count(rec);
        if ((patients & 1023) == 0)
            cli_progress_update(&prog, crtk_reader_offset(rd), patients);
    }
    cli_progress_end(&prog);
    errors = crtk_reader_error_count(rd);
    warnings = crtk_reader_warning_count(rd);
    status = EXIT_OK;
    if (rc < 0) {
        const crtk_error *e = crtk_reader_error(rd);
        if (cli_exit_for(rc) == EXIT_TROUBLE) {
            cli_print_error(e);
            status = EXIT_TROUBLE;
        } else {
            printf("%s:", path);
            if (e->line)
                printf("%ld:", e->line);
            printf(" %s%s%s\n", e->item[0] ? e->item : "", e->item[0] ? ": " : "", e->message);
            status = EXIT_INVALID;
        }
        errors++;
    }
    if (errors || (v->strict && warnings))
        if (status == EXIT_OK)
            status = EXIT_INVALID;
    /* Problems (stdout) before the summary (stderr), also when both go to one file. */
    fflush(stdout);
    if (!quiet) {
        const crtk_file_info *fi = crtk_reader_info(rd);
        fprintf(stderr,
                "%s: %s: %s (%s, NAACCR %d, record type %c): %ld patients, %ld tumors, %ld "
                "errors, %ld warnings%s\n",
                cli_prog, path, status == EXIT_OK ? "valid" : "NOT valid",
                crtk_format_name(fi->format), fi->naaccr_version,
                fi->record_type ? fi->record_type : '?', patients, tumors, errors, warnings,
                rc < 0 ? " (reading stopped)" : "");
        if (v->max >= 0 && errors + warnings > v->printed)
            fprintf(stderr, "%s: %s: %ld more problems not printed (--max-problems)\n", cli_prog,
                    path, errors + warnings - v->printed);
    }
    crtk_record_free(rec);
    crtk_reader_free(rd);
    return status;
}

int cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {{"layout", required_argument, NULL, 'l'},
                                             {"dictionary", required_argument, NULL, 'd'},
                                             {"version", required_argument, NULL, 'V'},
                                             {"record-type", required_argument, NULL, 't'},
                                             {"encoding", required_argument, NULL, 'e'},
                                             {"strict", no_argument, NULL, 's'},
                                             {"max-problems", required_argument, NULL, 'm'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    cli_layout_opts lo = {0};
    crtk_reader_opts opts = CRTK_READER_OPTS_INIT;
    crtk_layouts *ls = NULL;
    vctx v = {0, -1, false};
    bool quiet = false;
    int c, i, status = EXIT_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "l:d:V:t:e:sm:qh", longopts, NULL)) != -1) {
        int shared = cli_reader_option(c, optarg, &lo, &opts);
        if (shared < 0)
            return EXIT_TROUBLE;
        if (shared)
            continue;
        switch (c) {
        case 't':
            opts.record_type = cli_record_type(optarg);
            if (!opts.record_type) {
                cli_error("--record-type must be A, M, C or I");
                return EXIT_TROUBLE;
            }
            break;
        case 's':
            v.strict = true;
            break;
        case 'm':
            if (!cli_number("--max-problems", optarg, 0, LONG_MAX, &v.max))
                return EXIT_TROUBLE;
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            usage_validate(stdout);
            return EXIT_OK;
        default:
            usage_validate(stderr);
            return EXIT_TROUBLE;
        }
    }
    if (optind >= argc) {
        usage_validate(stderr);
        return EXIT_TROUBLE;
    }
    if (cli_load_layouts(&ls, &lo) < 0)
        return EXIT_TROUBLE;
    if (lo.user_layout && crtk_layout_kind_of(lo.user_layout) == CRTK_LAYOUT_FLAT)
        opts.layout = lo.user_layout; /* fixed-width files are read with the user's layout */
    for (i = optind; i < argc; i++) {
        int s = validate_one(argv[i], ls, &opts, &v, quiet);
        if (s > status)
            status = s;
    }
    fflush(stdout);
    crtk_layouts_free(ls);
    return status;
}
