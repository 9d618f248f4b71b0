/* cmd_check.c - `crtk check FILE...`: run an edit set on every tumor and report failures
 * (detail lines as text, JSON Lines or CSV; a summary in the shape registrars know; an
 * optional self-contained HTML report). With -j N, batches of patients are checked on N
 * threads and merged in file order, so the output is identical to -j 1. */
#include "cli.h"
#include "crtk/check.h"
#include "crtk/editdb.h"
#include "crtk/pipeline.h"
#include "crtk/report.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void usage_check(FILE *f)
{
    fprintf(f, "usage: crtk check [OPTIONS] FILE...\n\n"
               "Run an edit set on every tumor of NAACCR files (XML, fixed-width, CSV) and\n"
               "report each failed edit: detail lines on stdout, then a summary (records and\n"
               "tumors read, tumors with errors, each failing edit with its count, errors by\n"
               "field). Exit status: 0 no edit failed, 1 an edit failed, 2 usage error or\n"
               "unreadable input.\n\n"
               "options:\n"
               "  --edits DIR         edits in crtk's text format (default: the shipped edits)\n"
               "  --metafile F.smf    an EDITS50 metafile instead\n"
               "  --set TAG           the edit set to run (default: hospital-to-state for the\n"
               "                      shipped edits, else all; a metafile: every edit)\n"
               "  --format F          detail lines: text (default), json (JSON Lines), csv\n"
               "  --summary-only      no detail lines\n"
               "  --html FILE         also write a self-contained HTML report (mode 0600)\n"
               "  --html-max-records N  failing tumors listed in its record detail (5000)\n"
               "  --json-summary FILE the summary as one JSON object\n"
               "  -j, --jobs N        use N threads (output identical to -j 1)\n"
               "  --fail-warnings     SET_WARNING / SAVE_WARNING_TEXT count as failures\n"
               "  --today YYYYMMDD    the date edits take as today (reproducible runs)\n"
               "  --layout FILE, --dictionary FILE, --version V, --encoding E\n"
               "                      as for crtk validate\n"
               "  --verbose           list every edit skipped for a field the file lacks\n"
               "  --no-follow         refuse a report path that is a symbolic link\n"
               "  --allow-skipped     exit by the edits' results even when some edits of the\n"
               "                      set did not compile (they are listed; default: exit 2)\n"
               "  --quiet             no progress or skipped-edit note on stderr\n");
}

/* What the sink needs: the report, the detail format, and progress. */
typedef struct checkctx {
    crtk_detail_format fmt;
    bool detail, quiet, verbose;
    crtk_check_report *report;
    crtk_editdb *db;
    cli_progress prog;
    int out_rc; /* a failed write to stdout */
    const crtk_checker *seen[32];
    int nseen;
} checkctx;

static int write_stdout(void *ctx, const char *p, size_t n)
{
    (void)ctx;
    return fwrite(p, 1, n, stdout) == n ? CRTK_OK : CRTK_EIO;
}

static int on_begin(void *ctx, const char *path, const crtk_reader *rd, const crtk_checker *c)
{
    checkctx *cx = ctx;
    const crtk_layout *l = crtk_checker_layout(c);
    int k, missing = 0, rc = crtk_check_report_file_begin(cx->report, path, rd, c);
    int i;

    if (rc < 0)
        return rc;
    for (i = 0; i < cx->nseen && cx->seen[i] != c; i++)
        ;
    if (i < cx->nseen)
        return CRTK_OK; /* a later file of a layout already met: its skips were listed */
    if (cx->nseen < 32)
        cx->seen[cx->nseen++] = c;
    for (k = 0; k < crtk_checker_skipped_count(c); k++) {
        const crtk_error *e = crtk_checker_skipped_error(c, k);
        if (crtk_check_skip_is_missing_field(e)) {
            missing++;
            if (!cx->verbose)
                continue;
        }
        fprintf(stderr, "%s: edit %s skipped (%s): %s:%ld:%ld: %s\n", cli_prog,
                crtk_checker_skipped_tag(c, k), crtk_layout_name(l), e->source, e->line, e->column,
                e->message);
    }
    if (missing && !cx->quiet && !cx->verbose)
        fprintf(stderr,
                "%s: %d edits skipped: they use fields that %s does not have "
                "(listed in the summary)\n",
                cli_prog, missing, crtk_layout_name(l));
    return CRTK_OK;
}

static int
on_failure(void *ctx, const char *path, const crtk_record *rec, const crtk_check_failure *f)
{
    checkctx *cx = ctx;

    if (cx->detail && crtk_check_detail_write(cx->fmt, path, rec, f, write_stdout, NULL) < 0)
        cx->out_rc = CRTK_EIO;
    return crtk_check_report_failure(cx->report, path, rec, f);
}

static int
on_patient(void *ctx, const char *path, const crtk_record *rec, const crtk_patient_result *r)
{
    checkctx *cx = ctx;
    return crtk_check_report_patient(cx->report, path, rec, r);
}

static void on_progress(void *ctx, long long bytes, long patients)
{
    checkctx *cx = ctx;
    cli_progress_update(&cx->prog, bytes, patients);
}

static int write_stdout_or_err(void *ctx, const char *p, size_t n)
{
    return fwrite(p, 1, n, (FILE *)ctx) == n ? CRTK_OK : CRTK_EIO;
}

/* Load the edits; `source` says where they came from, as the report shows it. */
static int load_edits(checkctx *cx, const char *dir, const char *smf, char *source, size_t cap)
{
    crtk_error err = CRTK_ERROR_INIT;
    const char *v;
    int rc;

    if (smf) {
        rc = crtk_editdb_load_smf(&cx->db, smf, &err);
        snprintf(source, cap, "metafile %s", smf);
    } else {
        const char *what = "edits folder";
        if (!dir) {
            what = "crtk's shipped edits,";
            dir = cli_shipped_edits_dir();
        }
        rc = crtk_editdb_load_dir(&cx->db, dir, &err);
        snprintf(source, cap, "%s %s", what, dir);
    }
    if (rc < 0) {
        cli_print_error(&err);
        return rc;
    }
    v = crtk_editdb_control_get(cx->db, "MFContentVersion");
    if (v && *v) {
        size_t n = strlen(source);
        snprintf(source + n, cap - n, " (MFContentVersion %s)", v);
    }
    return CRTK_OK;
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {{"edits", required_argument, NULL, 'E'},
                                             {"metafile", required_argument, NULL, 'm'},
                                             {"set", required_argument, NULL, 's'},
                                             {"format", required_argument, NULL, 'f'},
                                             {"summary-only", no_argument, NULL, 'S'},
                                             {"html", required_argument, NULL, 'H'},
                                             {"html-max-records", required_argument, NULL, 'R'},
                                             {"json-summary", required_argument, NULL, 'J'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"fail-warnings", no_argument, NULL, 'W'},
                                             {"today", required_argument, NULL, 'T'},
                                             {"layout", required_argument, NULL, 'l'},
                                             {"dictionary", required_argument, NULL, 'd'},
                                             {"version", required_argument, NULL, 'V'},
                                             {"encoding", required_argument, NULL, 'e'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"allow-skipped", no_argument, NULL, 'A'},
                                             {"no-follow", no_argument, NULL, 'F'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    checkctx cx;
    cli_layout_opts lo = {0};
    crtk_reader_opts ropts = CRTK_READER_OPTS_INIT;
    crtk_pipeline_opts popts = CRTK_PIPELINE_OPTS_INIT;
    crtk_check_report_opts rop = CRTK_CHECK_REPORT_OPTS_INIT;
    crtk_pipeline_sink sink;
    crtk_pipeline *pl = NULL;
    crtk_check_totals tot;
    crtk_layouts *ls = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    const char *dir = NULL, *smf = NULL, *html = NULL, *jsum = NULL, *set = NULL, *today = NULL;
    char source[4200], runtime[64], tool[64];
    bool fail_warnings = false, allow_skipped = false;
    unsigned oflags = 0;
    long max_records = 0;
    int c, i, status = EXIT_OK, jobs = 1;

    memset(&cx, 0, sizeof cx);
    cx.fmt = CRTK_DETAIL_TEXT;
    cx.detail = true;
    optind = 1;
    while ((c = getopt_long(argc, argv, "E:m:s:f:SH:R:J:j:WT:l:d:V:e:qvAFh", longopts, NULL)) !=
           -1) {
        int shared = cli_reader_option(c, optarg, &lo, &ropts);
        if (shared < 0)
            return EXIT_TROUBLE;
        if (shared)
            continue;
        switch (c) {
        case 'E':
            dir = optarg;
            break;
        case 'm':
            smf = optarg;
            break;
        case 's':
            set = optarg;
            break;
        case 'f':
            if (!strcmp(optarg, "text"))
                cx.fmt = CRTK_DETAIL_TEXT;
            else if (!strcmp(optarg, "json"))
                cx.fmt = CRTK_DETAIL_JSON;
            else if (!strcmp(optarg, "csv"))
                cx.fmt = CRTK_DETAIL_CSV;
            else {
                cli_error("--format must be text, json or csv");
                return EXIT_TROUBLE;
            }
            break;
        case 'S':
            cx.detail = false;
            break;
        case 'H':
            html = optarg;
            break;
        case 'R':
            if (!cli_number("--html-max-records", optarg, 0, 10000000, &max_records))
                return EXIT_TROUBLE;
            if (max_records == 0)
                max_records = -1; /* no record detail */
            break;
        case 'J':
            jsum = optarg;
            break;
        case 'j': {
            long v;
            if (!cli_number("--jobs", optarg, 1, 64, &v))
                return EXIT_TROUBLE;
            jobs = (int)v;
            break;
        }
        case 'W':
            fail_warnings = true;
            break;
        case 'T':
            if (!cli_valid_date(optarg)) {
                cli_error("--today \"%s\" is not a date YYYYMMDD", optarg);
                return EXIT_TROUBLE;
            }
            today = optarg;
            break;
        case 'q':
            cx.quiet = true;
            break;
        case 'v':
            cx.verbose = true;
            break;
        case 'A':
            allow_skipped = true;
            break;
        case 'F':
            oflags |= CRTK_OUTPUT_NO_FOLLOW;
            break;
        case 'h':
            usage_check(stdout);
            return EXIT_OK;
        default:
            usage_check(stderr);
            return EXIT_TROUBLE;
        }
    }
    if (optind >= argc) {
        usage_check(stderr);
        return EXIT_TROUBLE;
    }
    if (dir && smf) {
        cli_error("give --edits or --metafile, not both");
        return EXIT_TROUBLE;
    }
    /* Report files must be writable before any input is read. */
    if ((html && !cli_output_ok(html, &argv[optind], argc - optind, oflags != 0)) ||
        (jsum && !cli_output_ok(jsum, &argv[optind], argc - optind, oflags != 0)))
        return EXIT_TROUBLE;
    if (load_edits(&cx, dir, smf, source, sizeof source) < 0)
        return EXIT_TROUBLE;
    /* The default is the set a registrar means: what a hospital sends its state. */
    if (!set && !smf && crtk_editdb_find_set(cx.db, "hospital-to-state"))
        set = "hospital-to-state";
    if (!set && !smf && crtk_editdb_find_set(cx.db, "all"))
        set = "all";
    if (set && !crtk_editdb_find_set(cx.db, set)) {
        const char *near[3];
        size_t n = crtk_editdb_suggest_set(cx.db, set, near, 3);
        fprintf(stderr, "%s: no edit set '%s'", cli_prog, set);
        cli_print_suggestions(near, n);
        fprintf(stderr, " (see 'crtk edits list')\n");
        crtk_editdb_free(cx.db);
        return EXIT_TROUBLE;
    }
    /* Data-type checks are crtk validate's job; edits check the values themselves. */
    ropts.validate_values = false;
    if (cli_load_layouts(&ls, &lo) < 0) {
        crtk_editdb_free(cx.db);
        return EXIT_TROUBLE;
    }
    if (lo.user_layout && crtk_layout_kind_of(lo.user_layout) == CRTK_LAYOUT_FLAT)
        ropts.layout = lo.user_layout;

    snprintf(tool, sizeof tool, "crtk %s", CRTK_VERSION_STRING);
    {
        time_t now = time(NULL);
        struct tm tmv;
        strftime(runtime, sizeof runtime, "%Y-%m-%d %H:%M:%S %z", localtime_r(&now, &tmv));
    }
    rop.db = cx.db;
    rop.set = set;
    rop.edits_source = source;
    rop.today = today;
    rop.run_time = runtime;
    rop.tool = tool;
    rop.max_records = html ? max_records : -1; /* the record detail is for the HTML only */
    rop.hash_inputs = html || jsum;            /* evidence of exactly which files were checked */
    popts.db = cx.db;
    popts.check.set = set;
    popts.check.fail_warnings = fail_warnings;
    popts.check.today = today;
    popts.jobs = jobs;
    popts.cancelled = cli_interrupted;
    if (crtk_check_report_new(&cx.report, &rop, &err) < 0) {
        cli_print_error(&err);
        status = EXIT_TROUBLE;
        goto out;
    }
    memset(&sink, 0, sizeof sink);
    sink.file_begin = on_begin;
    sink.failure = on_failure;
    sink.patient = on_patient;
    sink.progress = on_progress;
    sink.ctx = &cx;
    if (crtk_pipeline_new(&pl, &popts, &sink, &err) < 0) {
        cli_print_error(&err);
        status = EXIT_TROUBLE;
        goto out;
    }
    if (cx.detail && crtk_check_detail_header(cx.fmt, write_stdout, NULL) < 0)
        cx.out_rc = CRTK_EIO;
    for (i = optind; i < argc; i++) {
        int rc;
        err = (crtk_error)CRTK_ERROR_INIT;
        cli_progress_start(&cx.prog, "check", argv[i], cx.quiet);
        rc = crtk_pipeline_run_file(pl, argv[i], ls, &ropts, &err);
        cli_progress_end(&cx.prog);
        if (rc < 0) {
            fflush(stdout);
            cli_print_error(&err);
            status = EXIT_TROUBLE;
        }
    }
    crtk_check_report_totals(cx.report, &tot);
    if (crtk_check_report_write_text(cx.report, write_stdout_or_err,
                                     cx.fmt == CRTK_DETAIL_TEXT ? stdout : stderr) < 0)
        cx.out_rc = CRTK_EIO;
    if (html && crtk_check_report_save(cx.report, CRTK_REPORT_HTML, html, 0, oflags, &err) < 0) {
        cli_print_error(&err);
        status = EXIT_TROUBLE;
    }
    if (jsum && crtk_check_report_save(cx.report, CRTK_REPORT_JSON, jsum, 0, oflags, &err) < 0) {
        cli_print_error(&err);
        status = EXIT_TROUBLE;
    }
    if (fflush(stdout) != 0 || cx.out_rc < 0) {
        cli_error("writing the results to standard output failed");
        status = EXIT_TROUBLE;
    }
    if (status == EXIT_OK && tot.errors)
        status = EXIT_INVALID;
    /* Never pass by accident: a broken edit, or nothing checked at all. */
    if (tot.edits_not_compiled && !allow_skipped) {
        cli_error("%d edit(s) of the set did not compile and were not run (listed above and "
                  "in the summary); --allow-skipped accepts that",
                  tot.edits_not_compiled);
        status = EXIT_TROUBLE;
    }
    if (tot.edits_run == 0 && status != EXIT_TROUBLE) {
        cli_error("no edit was run: %s",
                  tot.tumors ? "no edit of the set applies to these files" : "no tumor was read");
        status = EXIT_TROUBLE;
    }
out:
    fflush(stdout);
    crtk_pipeline_free(pl);
    crtk_check_report_free(cx.report);
    crtk_layouts_free(ls);
    crtk_editdb_free(cx.db);
    return status;
}
