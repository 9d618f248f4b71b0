/* cmd_export.c - `crtk export`: make a submission file under a profile (crtk/export.h does
 * the work), list and show the shipped profiles, list the export history and remake a past
 * batch. Every option is checked before any input is read (usage errors exit 2). */
#include "cli.h"
#include "crtk/export.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SETS 32

/* Progress on stderr (a terminal only), restarted for each input file. */
typedef struct progress_state {
    cli_progress p;
    const char *path;
    bool quiet;
} progress_state;

static void show_progress(void *ctx, const char *path, long long bytes, long patients)
{
    progress_state *ps = ctx;

    if (ps->path != path) {
        if (ps->path)
            cli_progress_end(&ps->p);
        cli_progress_start(&ps->p, "export", path, ps->quiet);
        ps->path = path;
    }
    cli_progress_update(&ps->p, bytes, patients);
}

void usage_export(FILE *f)
{
    fprintf(f,
            "usage: crtk export --profile NAME|FILE [OPTIONS] IN...\n"
            "       crtk export --list-profiles | --show-profile NAME\n"
            "       crtk export --history FILE --list | --remake BATCH [-o DIR]\n\n"
            "Make a submission: select the tumors the profile asks for, run its edit set and\n"
            "gate them, remove what the record type and privacy tier exclude, stamp, and\n"
            "write the output, a rejects file, a text and an HTML report (and an entry in\n"
            "the export history) into DIR, all or nothing. See docs/export.md.\n\n"
            "options:\n"
            "  -p, --profile NAME|FILE  shipped profile, or a profile file of your own\n"
            "  -o, --output DIR         output folder (default: the current folder)\n"
            "  -s, --set KEY=VALUE      override a profile key (repeatable)\n"
            "  -w, --where EXPR         EDITS expression every exported tumor must satisfy\n"
            "      --since-last         only tumors new or changed since the last batch\n"
            "      --history FILE       export history (default: the profile's, in DIR)\n"
            "      --list               list the batches of the history\n"
            "      --remake BATCH       write a past batch again, byte for byte\n"
            "      --key KEY            pseudonym key (de-identified tier)\n"
            "      --key-file FILE      pseudonym key file (created 0600 when absent)\n"
            "      --drop-unmappable    leave out values the target version has no item for\n"
            "      --edits DIR          the shipped edits folder (default: installed)\n"
            "      --mode MODE          mode of the files written (octal, default 600)\n"
            "      --today YYYYMMDD     export date (reproducible output)\n"
            "      --list-profiles      list the shipped profiles\n"
            "      --show-profile NAME  print a shipped profile (a start for your own), or check\n"
            "                           a profile FILE and print it as crtk reads it\n"
            "  -j, --jobs N             read the input on a thread of its own, ahead of the\n"
            "                           export's work (N >= 2; output identical to -j 1)\n"
            "  -q, --quiet              no summary on stdout\n"
            "  -h, --help               show this help\n\n"
            "exit status: 0 exported, 1 invalid input or the edit gate blocked the export,\n"
            "2 trouble (usage, I/O).\n");
}

static int list_profiles(void)
{
    size_t i, n = crtk_profile_builtin_count();

    for (i = 0; i < n; i++) {
        crtk_profile *p = NULL;
        crtk_error err = CRTK_ERROR_INIT;
        const char *name = crtk_profile_builtin_name(i);
        const char *d = "";
        if (crtk_profile_builtin(&p, name, &err) == CRTK_OK && crtk_profile_get(p, "description"))
            d = crtk_profile_get(p, "description");
        printf("%-28s %s\n", name, d);
        crtk_profile_free(p);
    }
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_TROUBLE;
}

static bool is_file_profile(const char *s);

static int show_profile(const char *name)
{
    size_t len, i;
    const char *t = crtk_profile_builtin_text(name, &len);

    /* A profile file of the user's: checked, then shown as crtk reads it. */
    if (!t && is_file_profile(name)) {
        crtk_profile *p = NULL;
        crtk_error err = CRTK_ERROR_INIT;
        if (crtk_profile_load(&p, name, &err) < 0) {
            cli_print_error(&err);
            return EXIT_TROUBLE;
        }
        for (i = 0; i < crtk_profile_count(p); i++)
            printf("%s = %s\n", crtk_profile_key_at(p, i), crtk_profile_value_at(p, i));
        crtk_profile_free(p);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_TROUBLE;
    }
    if (!t) {
        cli_error("no shipped profile '%s' (crtk export --list-profiles)", name);
        return EXIT_TROUBLE;
    }
    fwrite(t, 1, len, stdout);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_TROUBLE;
}

static int print_batch(void *ctx, const crtk_export_batch *b)
{
    (void)ctx;
    printf("%-5ld %-20s %-26s %8ld  %s  %s\n", b->id, b->time, b->profile, b->tumors, b->sha256,
           b->output);
    return 0;
}

static int stop_requested(void *ctx)
{
    (void)ctx;
    return cli_interrupted();
}

static bool is_file_profile(const char *s)
{
    struct stat st;
    return strchr(s, '/') ||
           ((strlen(s) > 8 && !strcmp(s + strlen(s) - 8, ".profile")) && stat(s, &st) == 0);
}

int cmd_export(int argc, char **argv)
{
    enum {
        O_SINCE = 256,
        O_HISTORY,
        O_LIST,
        O_REMAKE,
        O_KEY,
        O_KEYFILE,
        O_DROP,
        O_EDITS,
        O_MODE,
        O_TODAY,
        O_LISTP,
        O_SHOWP
    };
    static const struct option longopts[] = {{"profile", required_argument, NULL, 'p'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"set", required_argument, NULL, 's'},
                                             {"where", required_argument, NULL, 'w'},
                                             {"since-last", no_argument, NULL, O_SINCE},
                                             {"history", required_argument, NULL, O_HISTORY},
                                             {"list", no_argument, NULL, O_LIST},
                                             {"remake", required_argument, NULL, O_REMAKE},
                                             {"key", required_argument, NULL, O_KEY},
                                             {"key-file", required_argument, NULL, O_KEYFILE},
                                             {"drop-unmappable", no_argument, NULL, O_DROP},
                                             {"edits", required_argument, NULL, O_EDITS},
                                             {"mode", required_argument, NULL, O_MODE},
                                             {"today", required_argument, NULL, O_TODAY},
                                             {"list-profiles", no_argument, NULL, O_LISTP},
                                             {"show-profile", required_argument, NULL, O_SHOWP},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    crtk_export_opts o = CRTK_EXPORT_OPTS_INIT;
    progress_state prog = {0};
    crtk_export_result res;
    crtk_error err = CRTK_ERROR_INIT;
    crtk_profile *p = NULL;
    crtk_layouts *ls = NULL;
    const char *profile = NULL, *show = NULL, *sets[MAX_SETS];
    bool list = false, listp = false, quiet = false;
    long remake = 0;
    int c, i, nsets = 0, rc, status;
    struct stat st;

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:o:s:w:qj:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            profile = optarg;
            break;
        case 'o':
            o.out_dir = optarg;
            break;
        case 's':
            if (nsets == MAX_SETS || !strchr(optarg, '=')) {
                cli_error("--set needs KEY=VALUE (at most %d)", MAX_SETS);
                return EXIT_TROUBLE;
            }
            sets[nsets++] = optarg;
            break;
        case 'w':
            o.where = optarg;
            break;
        case O_SINCE:
            o.since_last = true;
            break;
        case O_HISTORY:
            o.history = optarg;
            break;
        case O_LIST:
            list = true;
            break;
        case O_REMAKE: {
            char *end;
            errno = 0;
            remake = strtol(optarg, &end, 10);
            if (!*optarg || *end || errno || remake < 1) {
                cli_error("--remake needs a batch number (crtk export --history FILE --list)");
                return EXIT_TROUBLE;
            }
            break;
        }
        case O_KEY:
            o.key = optarg;
            break;
        case O_KEYFILE:
            o.key_file = optarg;
            break;
        case O_DROP:
            o.drop_unmappable = true;
            break;
        case O_EDITS:
            o.edits_dir = optarg;
            break;
        case O_MODE: {
            char *end;
            unsigned long m = strtoul(optarg, &end, 8);
            if (!*optarg || *end || m > 0777 || m == 0) {
                cli_error("--mode must be an octal file mode such as 640");
                return EXIT_TROUBLE;
            }
            o.mode = (unsigned)m;
            break;
        }
        case O_TODAY:
            if (strlen(optarg) != 8 || strspn(optarg, "0123456789") != 8) {
                cli_error("--today must be YYYYMMDD");
                return EXIT_TROUBLE;
            }
            o.today = optarg;
            break;
        case O_LISTP:
            listp = true;
            break;
        case O_SHOWP:
            show = optarg;
            break;
        case 'j': {
            long v;
            if (!cli_number("--jobs", optarg, 1, 64, &v))
                return EXIT_TROUBLE;
            o.jobs = (int)v;
            break;
        }
        case 'q':
            quiet = true;
            break;
        case 'h':
            usage_export(stdout);
            return EXIT_OK;
        default:
            usage_export(stderr);
            return EXIT_TROUBLE;
        }
    }
    if (listp)
        return list_profiles();
    if (show)
        return show_profile(show);
    if (list || remake) {
        if (!o.history) {
            cli_error("--list and --remake need --history FILE");
            return EXIT_TROUBLE;
        }
        if (list && remake) {
            cli_error("give --list or --remake, not both");
            return EXIT_TROUBLE;
        }
        if (list)
            rc = crtk_export_history_list(o.history, print_batch, NULL, &err);
        else
            rc = crtk_export_remake(o.history, remake, o.out_dir, o.mode, &res, &err);
        if (rc < 0) {
            cli_print_error(&err);
            return cli_exit_for(rc) == EXIT_OK ? EXIT_TROUBLE : cli_exit_for(rc);
        }
        if (remake && !quiet)
            printf("batch %ld made again: %s (sha256 %s)\n", remake, res.output, res.sha256);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_TROUBLE;
    }
    if (!profile) {
        cli_error("--profile NAME|FILE is required (crtk export --list-profiles)");
        usage_export(stderr);
        return EXIT_TROUBLE;
    }
    if (optind >= argc) {
        cli_error("no input file");
        usage_export(stderr);
        return EXIT_TROUBLE;
    }
    if (o.key && o.key_file) {
        cli_error("give --key or --key-file, not both");
        return EXIT_TROUBLE;
    }
    if (o.out_dir && (stat(o.out_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        cli_error("%s: output folder does not exist", o.out_dir);
        return EXIT_TROUBLE;
    }
    rc = is_file_profile(profile) ? crtk_profile_load(&p, profile, &err)
                                  : crtk_profile_builtin(&p, profile, &err);
    for (i = 0; rc == CRTK_OK && i < nsets; i++) {
        char key[64];
        const char *eq = strchr(sets[i], '=');
        snprintf(key, sizeof key, "%.*s", (int)(eq - sets[i]), sets[i]);
        rc = crtk_profile_set(p, key, eq + 1, &err);
    }
    if (rc < 0) {
        cli_print_error(&err);
        crtk_profile_free(p);
        return EXIT_TROUBLE;
    }
    if (!o.edits_dir)
        o.edits_dir = cli_shipped_edits_dir();
    if (crtk_layouts_new(&ls, &err) < 0) {
        cli_print_error(&err);
        crtk_profile_free(p);
        return EXIT_TROUBLE;
    }
    o.stop = stop_requested;
    o.progress = show_progress;
    o.progress_ctx = &prog;
    prog.quiet = quiet;
    cli_catch_signals();
    rc = crtk_export_run(p, ls, (const char *const *)argv + optind, argc - optind, &o, &res, &err);
    if (prog.path)
        cli_progress_end(&prog.p);
    if (rc < 0) {
        cli_print_error(&err);
        status = cli_exit_for(rc);
        if (status == EXIT_OK)
            status = EXIT_TROUBLE;
    } else {
        status = res.blocked ? EXIT_INVALID : EXIT_OK;
        if (res.blocked)
            cli_error("blocked: %ld edit failures on selected tumors (gate block); nothing "
                      "exported, see %s",
                      res.edit_failures, res.report_text);
        /* A submission with no tumor may be right (no resident of the other state, nothing
         * changed) but is never silent: the report tells which filter or edit took them. */
        if (!res.blocked && res.written == 0 && res.tumors_read > 0)
            cli_error("warning: the submission holds no tumor: %ld of %ld tumors excluded by "
                      "the selection, %ld rejected by the edits; see %s",
                      res.excluded, res.tumors_read, res.rejected, res.report_text);
        if (!quiet) {
            printf("%s: %ld tumors read, %ld excluded, %ld selected, %ld rejected by edits, "
                   "%ld written\n",
                   crtk_profile_name(p), res.tumors_read, res.excluded, res.selected, res.rejected,
                   res.written);
            if (res.output[0])
                printf("output:  %s\nsha256:  %s\n", res.output, res.sha256);
            if (res.changed[0])
                printf("changed: %s\n", res.changed);
            if (res.rejects[0])
                printf("rejects: %s\n", res.rejects);
            printf("report:  %s\nreport:  %s\n", res.report_text, res.report_html);
            if (res.batch)
                printf("batch:   %ld\n", res.batch);
        }
        if (fflush(stdout) != 0)
            status = EXIT_TROUBLE;
    }
    crtk_layouts_free(ls);
    crtk_profile_free(p);
    return status;
}
