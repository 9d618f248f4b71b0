/* cmd_convert.c - `crtk convert IN OUT`: stream a NAACCR file into another format and/or
 * version. Lossless wherever the target can hold the data; anything the target cannot
 * hold is an error unless the user allows dropping it, and every drop is counted. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void usage_convert(FILE *f)
{
    fprintf(f, "usage: crtk convert [OPTIONS] IN OUT\n\n"
               "Convert a NAACCR file between XML, fixed-width and CSV, and between versions.\n"
               "The output format comes from OUT's name (.xml, .csv, .txt or .dat = fixed-width;\n"
               "a further .gz compresses) or --to. OUT is written to a temporary file renamed\n"
               "into place when complete, readable by the owner only (0600) unless --mode;\n"
               "a device, a FIFO or - (stdout) is written straight through, a symbolic link\n"
               "through to its target. A folder, or OUT being IN, is refused.\n"
               "A one-line summary goes to stderr.\n\n"
               "options:\n"
               "  --to xml|flat|csv     output format\n"
               "  --version V           target NAACCR version (18, 180, 25, 250...); also the\n"
               "                        input's version for CSV files that do not say\n"
               "  --input-version V     the input's version only\n"
               "  --record-type T       target record type A, M, C or I; items outside it are\n"
               "                        dropped and counted\n"
               "  --drop-unmappable     leave out (and count) items the target cannot hold\n"
               "                        instead of failing\n"
               "  --first-value         keep the first value when a patient's lines disagree or\n"
               "                        an item is repeated (the others are dropped, counted)\n"
               "  --drop-unknown        leave out (and count) unknown items and elements\n"
               "  --truncate            cut (and count) values longer than a fixed-width field\n"
               "Without these, a value that would be lost stops the conversion (exit 1).\n"
               "  --layout FILE         a fixed-width layout of your own (input or output)\n"
               "  --dictionary FILE     a NAACCR user-defined dictionary (XML); repeatable\n"
               "  --encoding E          fixed-width/CSV input: auto, utf-8, windows-1252, latin1\n"
               "  --output-encoding E   fixed-width/CSV output: utf-8 (default), windows-1252,\n"
               "                        latin1 (characters it cannot hold become ?, counted)\n"
               "  --crlf                fixed-width/CSV lines end with CRLF\n"
               "  --item-numbers        XML: write naaccrNum attributes\n"
               "  --mode OCTAL          file mode of OUT (default 0600)\n"
               "  --no-follow           refuse OUT when it is a symbolic link\n"
               "  --quiet               no summary or progress on stderr\n");
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Findings that mean a value will not reach the output. Each needs the user's choice: with
 * it the value is left out (or cut) and counted by naaccrId for the summary; without it the
 * conversion stops, exit 1, nothing written. */
enum choice { CH_FIRST, CH_UNKNOWN, CH_TRUNCATE, CH_UNMAPPABLE, CH_NONE, NCHOICES };

static const struct {
    const char *code;
    enum choice choice;
} loss_codes[] = {
    {"patient-value-mismatch", CH_FIRST}, {"root-value-mismatch", CH_FIRST},
    {"duplicate-item", CH_FIRST},         {"unknown-item", CH_UNKNOWN},
    {"missing-item-id", CH_UNKNOWN},      {"unknown-element", CH_UNKNOWN},
    {"unexpected-element", CH_UNKNOWN},   {"value-truncated", CH_TRUNCATE},
    {"item-dropped", CH_UNMAPPABLE},      {"truncated-line", CH_NONE},
};

static const struct {
    const char *option, *label, *advice;
} choices[NCHOICES] = {
    {"--first-value", "other values dropped, first kept",
     "keep the first value and drop the other"},
    {"--drop-unknown", "unknown items and elements dropped", "leave them out"},
    {"--truncate", "values truncated to the field width", "cut them to the field"},
    {"--drop-unmappable", "unmappable items dropped", "leave them out"},
    {NULL, NULL, NULL}, /* no choice: the values never arrived (a truncated file) */
};

#define MAX_LOSS_IDS 1024 /* distinct naaccrIds counted by name; the rest as "others" */

typedef struct loss {
    enum choice choice;
    int code; /* index in loss_codes: the kind of loss */
    char item[64];
    long n;
} loss;

typedef struct cctx {
    long shown, total;
    bool quiet;
    bool allow[NCHOICES];
    long lost[NCHOICES];
    loss *losses;
    size_t nloss;
    long others[NCHOICES];
    /* The first loss the user did not allow: where and what. */
    bool blocked, block_by_writer;
    enum choice block_choice;
    int block_tumor;
    char block_where[320], block_item[64], block_code[32];
    const char *out; /* the writer's findings name OUT; the stop names IN and its line */
} cctx;

static int loss_code(const char *code)
{
    size_t i;

    for (i = 0; code && i < sizeof loss_codes / sizeof *loss_codes; i++)
        if (!strcmp(code, loss_codes[i].code))
            return (int)i;
    return -1;
}

static void count_loss(cctx *c, int code, const char *item)
{
    const char *key = item && item[0] ? item : "(element)";
    enum choice ch = loss_codes[code].choice;
    size_t i;

    c->lost[ch]++;
    for (i = 0; i < c->nloss; i++)
        if (c->losses[i].code == code && !strcmp(c->losses[i].item, key)) {
            c->losses[i].n++;
            return;
        }
    if (!c->losses)
        c->losses = calloc(MAX_LOSS_IDS, sizeof *c->losses);
    if (!c->losses || c->nloss == MAX_LOSS_IDS) {
        c->others[ch]++;
        return;
    }
    c->losses[c->nloss].choice = ch;
    c->losses[c->nloss].code = code;
    snprintf(c->losses[c->nloss].item, sizeof c->losses[c->nloss].item, "%s", key);
    c->losses[c->nloss++].n = 1;
}

static void on_finding(void *ctx, const crtk_finding *f)
{
    cctx *c = ctx;
    int k = loss_code(f->code);

    if (k >= 0) {
        enum choice ch = loss_codes[k].choice;
        if (c->allow[ch]) {
            count_loss(c, k, f->item);
            if (ch == CH_UNMAPPABLE)
                return; /* chosen and listed by item in the summary */
        } else if (!c->blocked) {
            c->blocked = true;
            c->block_choice = ch;
            c->block_tumor = f->tumor;
            c->block_by_writer = c->out && f->source && !strcmp(f->source, c->out);
            if (f->line)
                snprintf(c->block_where, sizeof c->block_where, "%s:%ld", f->source, f->line);
            else
                snprintf(c->block_where, sizeof c->block_where, "%s", f->source);
            snprintf(c->block_item, sizeof c->block_item, "%s", f->item ? f->item : "");
            snprintf(c->block_code, sizeof c->block_code, "%s", f->code);
        }
    }
    c->total++;
    if (c->quiet || c->shown >= 20)
        return;
    c->shown++;
    fprintf(stderr, "%s: %s:", cli_prog, f->source);
    if (f->line)
        fprintf(stderr, "%ld:", f->line);
    fprintf(stderr, " %s%s%s%s\n", f->item && f->item[0] ? f->item : "",
            f->item && f->item[0] ? ": " : "", f->severity == CRTK_SEV_WARNING ? "warning: " : "",
            f->message);
}

/* A loss the user did not allow stops the conversion: exit 1, the output is discarded. The
 * message names the input's line and the patient (rec, may be NULL) it was found in. */
static bool stopped(cctx *c, const char *in, const crtk_record *rec, const char *outp)
{
    char pid[64] = "";

    if (!c->blocked)
        return false;
    if (rec && crtk_record_layout(rec)) {
        const crtk_item *it = crtk_layout_find(crtk_record_layout(rec), "patientIdNumber");
        size_t n = 0;
        const char *v = it ? crtk_record_get(rec, it, 0, &n) : NULL;
        if (v)
            snprintf(pid, sizeof pid, " (patientIdNumber %.*s)", n > 20 ? 20 : (int)n, v);
        if (c->block_by_writer)
            snprintf(c->block_where, sizeof c->block_where, "%s:%ld", in,
                     crtk_record_line(rec, c->block_tumor ? c->block_tumor - 1 : -1));
    }
    if (!choices[c->block_choice].option)
        cli_error("%s: %s%svalues are missing from the input (%s)%s; %s not written",
                  c->block_where, c->block_item, c->block_item[0] ? ": " : "", c->block_code, pid,
                  outp);
    else
        cli_error("%s: %s%sa value would not reach the output (%s)%s; give %s to %s, or fix "
                  "the input; %s not written",
                  c->block_where, c->block_item, c->block_item[0] ? ": " : "", c->block_code, pid,
                  choices[c->block_choice].option, choices[c->block_choice].advice, outp);
    return true;
}

/* A write error names OUT; one caused by the data (an item the target cannot hold) names
 * the input's line and the patient instead, where the user can find it. */
static void print_write_error(const crtk_error *e, int rc, const char *in, const crtk_record *rec)
{
    crtk_error c = *e;
    const crtk_item *it;
    size_t n = 0;
    const char *v;

    if (cli_exit_for(rc) != EXIT_INVALID || !rec || !crtk_record_layout(rec)) {
        cli_print_error(e);
        return;
    }
    snprintf(c.source, sizeof c.source, "%s", in);
    c.line = crtk_record_line(rec, -1);
    it = crtk_layout_find(crtk_record_layout(rec), "patientIdNumber");
    v = it ? crtk_record_get(rec, it, 0, &n) : NULL;
    if (v) {
        size_t k = strlen(c.message);
        snprintf(c.message + k, sizeof c.message - k, " (patientIdNumber %.*s)",
                 n > 20 ? 20 : (int)n, v);
    }
    cli_print_error(&c);
}

/* "crtk convert: other values dropped, first kept (--first-value): 3 (sex 2
 * (patient-value-mismatch), dateOfBirth 1 (patient-value-mismatch))" */
static void print_losses(const cctx *c)
{
    int ch;

    for (ch = 0; ch < NCHOICES; ch++) {
        size_t i, shown = 0;
        if (!c->lost[ch])
            continue;
        fprintf(stderr, "%s: %s (%s): %ld (", cli_prog, choices[ch].label, choices[ch].option,
                c->lost[ch]);
        for (i = 0; i < c->nloss; i++) {
            if (c->losses[i].choice != (enum choice)ch)
                continue;
            if (shown == 30) {
                fprintf(stderr, ", ...");
                break;
            }
            fprintf(stderr, "%s%s %ld (%s)", shown ? ", " : "", c->losses[i].item, c->losses[i].n,
                    loss_codes[c->losses[i].code].code);
            shown++;
        }
        if (c->others[ch])
            fprintf(stderr, "%sothers %ld", shown ? ", " : "", c->others[ch]);
        fprintf(stderr, ")\n");
    }
}

/* The target layout: a fixed-width layout, or a dictionary (+ the version's default user
 * dictionary and the user's dictionaries) for XML and CSV. */
static int target_layout(crtk_layouts *ls,
                         crtk_format to,
                         int version,
                         const cli_layout_opts *lo,
                         const crtk_layout *in_layout,
                         const crtk_layout **out)
{
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_layout *users[18];
    const crtk_layout *base, *def;
    int n = 0, i;

    *out = NULL;
    if (to == CRTK_FORMAT_FLAT) {
        if (lo->user_layout && crtk_layout_kind_of(lo->user_layout) == CRTK_LAYOUT_FLAT &&
            (!version || crtk_layout_version(lo->user_layout) == version)) {
            *out = lo->user_layout;
            return CRTK_OK;
        }
        *out = crtk_layouts_flat(ls, version);
        if (!*out) {
            cli_error("NAACCR %d has no standard fixed-width layout (NAACCR defines them up to "
                      "version 18); write XML or CSV, or give a state's layout with --layout",
                      version);
            return CRTK_EUNSUPPORTED;
        }
        return CRTK_OK;
    }
    if (in_layout && version == crtk_layout_version(in_layout) &&
        crtk_layout_kind_of(in_layout) == CRTK_LAYOUT_DICTIONARY && lo->ndicts == 0) {
        *out = in_layout; /* same dictionary as the input (with its user dictionaries) */
        return CRTK_OK;
    }
    base = crtk_layouts_dictionary(ls, version);
    if (!base && to == CRTK_FORMAT_CSV && crtk_layouts_flat(ls, version)) {
        *out = crtk_layouts_flat(ls, version); /* NAACCR 12, 13: CSV of the flat layout's items */
        return CRTK_OK;
    }
    if (!base) {
        cli_error("NAACCR %d has no XML dictionary (dictionaries exist for 140 to 260)", version);
        return CRTK_EUNSUPPORTED;
    }
    def = crtk_layouts_default_user(ls, version);
    if (def)
        users[n++] = def;
    for (i = 0; i < crtk_layouts_count(ls) && n < 18; i++) {
        /* The user's dictionaries (--dictionary), not the built-in default ones. */
        const crtk_layout *l = crtk_layouts_at(ls, i);
        if (crtk_layout_kind_of(l) != CRTK_LAYOUT_USER_DICTIONARY ||
            !strncmp(crtk_layout_name(l), "user-defined-naaccr-dictionary-", 31))
            continue;
        if (crtk_layout_version(l) == 0 || crtk_layout_version(l) == version)
            users[n++] = l;
    }
    if (crtk_layouts_combine(ls, base, users, n, out, &err) < 0) {
        cli_print_error(&err);
        return err.code;
    }
    return CRTK_OK;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {{"to", required_argument, NULL, 'T'},
                                             {"version", required_argument, NULL, 'V'},
                                             {"input-version", required_argument, NULL, 'I'},
                                             {"record-type", required_argument, NULL, 't'},
                                             {"drop-unmappable", no_argument, NULL, 'D'},
                                             {"first-value", no_argument, NULL, '1'},
                                             {"drop-unknown", no_argument, NULL, 'U'},
                                             {"truncate", no_argument, NULL, 'X'},
                                             {"layout", required_argument, NULL, 'l'},
                                             {"dictionary", required_argument, NULL, 'd'},
                                             {"encoding", required_argument, NULL, 'e'},
                                             {"output-encoding", required_argument, NULL, 'E'},
                                             {"crlf", no_argument, NULL, 'C'},
                                             {"item-numbers", no_argument, NULL, 'N'},
                                             {"mode", required_argument, NULL, 'M'},
                                             {"no-follow", no_argument, NULL, 'F'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    cli_layout_opts lo = {0};
    crtk_reader_opts ropts = CRTK_READER_OPTS_INIT;
    crtk_writer_opts wopts = CRTK_WRITER_OPTS_INIT;
    crtk_layouts *ls = NULL;
    crtk_reader *rd = NULL;
    crtk_writer *w = NULL;
    crtk_record *rec = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_file_info *fi;
    const crtk_writer_stats *st;
    cctx cc;
    cli_progress prog;
    crtk_format to = CRTK_FORMAT_AUTO;
    int version = 0, input_version = 0, c, rc, status = EXIT_OK;
    bool gz = false;
    const char *in, *outp;

    memset(&cc, 0, sizeof cc);
    optind = 1;
    while ((c = getopt_long(argc, argv, "T:V:I:t:D1UXl:d:e:E:CNM:Fqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'T':
            to = !strcmp(optarg, "xml")    ? CRTK_FORMAT_XML
                 : !strcmp(optarg, "flat") ? CRTK_FORMAT_FLAT
                 : !strcmp(optarg, "csv")  ? CRTK_FORMAT_CSV
                                           : CRTK_FORMAT_AUTO;
            if (to == CRTK_FORMAT_AUTO) {
                cli_error("--to must be xml, flat or csv");
                return EXIT_TROUBLE;
            }
            break;
        case 'V':
        case 'I':
            rc = cli_version(optarg);
            if (!rc) {
                cli_error("'%s' is not a NAACCR version (such as 18, 180, 25, 250)", optarg);
                return EXIT_TROUBLE;
            }
            if (c == 'V')
                version = rc;
            else
                input_version = rc;
            break;
        case 't':
            wopts.record_type = cli_record_type(optarg);
            wopts.filter_record_type = true;
            if (!wopts.record_type) {
                cli_error("--record-type must be A, M, C or I");
                return EXIT_TROUBLE;
            }
            break;
        case 'D':
            wopts.drop_unmappable = true;
            cc.allow[CH_UNMAPPABLE] = true;
            break;
        case '1':
            cc.allow[CH_FIRST] = true;
            break;
        case 'U':
            cc.allow[CH_UNKNOWN] = true;
            break;
        case 'X':
            cc.allow[CH_TRUNCATE] = true;
            break;
        case 'l':
        case 'd':
        case 'e':
            if (cli_reader_option(c, optarg, &lo, &ropts) < 0)
                return EXIT_TROUBLE;
            break;
        case 'E':
            wopts.encoding = optarg;
            break;
        case 'C':
            wopts.crlf = true;
            break;
        case 'N':
            wopts.write_item_numbers = true;
            break;
        case 'M':
            if (!cli_mode("--mode", optarg, &wopts.mode))
                return EXIT_TROUBLE;
            break;
        case 'F':
            wopts.no_follow = true;
            break;
        case 'q':
            cc.quiet = true;
            break;
        case 'h':
            usage_convert(stdout);
            return EXIT_OK;
        default:
            usage_convert(stderr);
            return EXIT_TROUBLE;
        }
    }
    if (argc - optind != 2) {
        usage_convert(stderr);
        return EXIT_TROUBLE;
    }
    in = argv[optind];
    outp = argv[optind + 1];
    cc.out = outp;
    {
        crtk_format f = cli_output_format(outp, &gz);
        if (to == CRTK_FORMAT_AUTO)
            to = f;
        if (to == CRTK_FORMAT_AUTO) {
            cli_error("cannot tell the output format from '%s': name it .xml, .csv, .txt or "
                      ".dat, or use --to",
                      outp);
            return EXIT_TROUBLE;
        }
    }
    if (!cli_output_ok(outp, &argv[optind], 1, wopts.no_follow))
        return EXIT_TROUBLE;
    if (cli_load_layouts(&ls, &lo) < 0)
        return EXIT_TROUBLE;
    if (lo.user_layout && crtk_layout_kind_of(lo.user_layout) == CRTK_LAYOUT_FLAT)
        ropts.layout = lo.user_layout;
    /* --version names the input's version too only for CSV, which may not say it. */
    ropts.naaccr_version = input_version;
    if (!input_version && (ends_with(in, ".csv") || ends_with(in, ".csv.gz")))
        ropts.naaccr_version = version;
    ropts.on_finding = on_finding;
    ropts.finding_ctx = &cc;
    ropts.keep_extensions = true;
    rc = crtk_reader_open(&rd, in, ls, &ropts, &err);
    if (rc < 0) {
        cli_print_error(&err);
        status = cli_exit_for(rc);
        goto out;
    }
    if (stopped(&cc, in, NULL, outp)) {
        status = EXIT_INVALID;
        goto out;
    }
    fi = crtk_reader_info(rd);
    if (!version)
        version = fi->naaccr_version;
    if (to == CRTK_FORMAT_XML && version < 140) {
        cli_error("NAACCR %d has no XML dictionary; give --version 140 or later", version);
        status = EXIT_TROUBLE;
        goto out;
    }
    wopts.format = to;
    wopts.gzip = gz;
    if (target_layout(ls, to, version, &lo, fi->layout, &wopts.layout) < 0) {
        status = EXIT_TROUBLE;
        goto out;
    }
    if (!wopts.record_type)
        wopts.record_type = fi->record_type;
    if (fi->format == CRTK_FORMAT_XML && to == CRTK_FORMAT_XML &&
        crtk_layout_version(wopts.layout) == fi->naaccr_version) {
        wopts.spec_version = fi->spec_version[0] ? fi->spec_version : NULL;
        wopts.time_generated = fi->time_generated[0] ? fi->time_generated : NULL;
        wopts.user_uris = fi->user_uris[0] ? fi->user_uris : NULL;
        wopts.extra_root = fi->extra_root;
    }
    wopts.on_finding = on_finding;
    wopts.finding_ctx = &cc;
    rc = crtk_writer_open(&w, outp, &wopts, &err);
    if (rc < 0) {
        cli_print_error(&err);
        status = cli_exit_for(rc) == EXIT_INVALID ? EXIT_TROUBLE : cli_exit_for(rc);
        goto out;
    }
    if (crtk_record_new(&rec) < 0) {
        cli_error("out of memory");
        status = EXIT_TROUBLE;
        goto out;
    }
    cli_progress_start(&prog, "convert", in, cc.quiet);
    cli_catch_signals();
    while ((rc = crtk_reader_next(rd, rec)) > 0) {
        if (cli_interrupted()) {
            cli_progress_end(&prog);
            cli_error("interrupted: %s not written", outp);
            status = EXIT_TROUBLE;
            goto out;
        }
        if (stopped(&cc, in, rec, outp)) {
            cli_progress_end(&prog);
            status = EXIT_INVALID;
            goto out;
        }
        rc = crtk_writer_write(w, rec);
        if (rc < 0) {
            cli_progress_end(&prog);
            print_write_error(crtk_writer_error(w), rc, in, rec);
            status = cli_exit_for(rc);
            goto out;
        }
        if (stopped(&cc, in, rec, outp)) {
            cli_progress_end(&prog);
            status = EXIT_INVALID;
            goto out;
        }
        cli_progress_update(&prog, crtk_reader_offset(rd), crtk_writer_stats_get(w)->patients);
    }
    cli_progress_end(&prog);
    if (rc < 0) {
        cli_print_error(crtk_reader_error(rd));
        status = cli_exit_for(rc);
        goto out;
    }
    if (stopped(&cc, in, NULL, outp)) {
        status = EXIT_INVALID;
        goto out;
    }
    rc = crtk_writer_close(w);
    if (rc < 0) {
        cli_print_error(crtk_writer_error(w));
        status = EXIT_TROUBLE;
        goto out;
    }
    st = crtk_writer_stats_get(w);
    if (!cc.quiet) {
        fprintf(stderr,
                "%s: %s -> %s (%s, %s, record type %c): %ld patients, %ld tumors, %ld "
                "items, %ld warnings",
                cli_prog, in, outp, crtk_format_name(to), crtk_layout_name(wopts.layout),
                wopts.record_type, st->patients, st->tumors, st->items, cc.total);
        if (st->dropped_record_type)
            fprintf(stderr, ", %ld items outside record type %c dropped", st->dropped_record_type,
                    wopts.record_type);
        if (st->dropped_unmappable)
            fprintf(stderr, ", %ld unmappable items dropped", st->dropped_unmappable);
        if (st->dropped_extensions)
            fprintf(stderr, ", %ld extension elements dropped", st->dropped_extensions);
        if (st->truncated)
            fprintf(stderr, ", %ld values truncated", st->truncated);
        if (st->replaced_chars)
            fprintf(stderr, ", %ld characters replaced", st->replaced_chars);
        fputc('\n', stderr);
        print_losses(&cc);
        if (cc.total > cc.shown)
            fprintf(stderr, "%s: %ld more warnings not shown (crtk validate lists them all)\n",
                    cli_prog, cc.total - cc.shown);
    }
out:
    free(cc.losses);
    crtk_record_free(rec);
    crtk_writer_free(w);
    crtk_reader_free(rd);
    crtk_layouts_free(ls);
    return status;
}
