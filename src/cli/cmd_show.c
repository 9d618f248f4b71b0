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
               "item number, name, naaccrId and value of every item present.\n\n"
               "options:\n"
               "  --patient N       the Nth patient of the file (default 1)\n"
               "  --id ID           the first patient whose Patient ID Number is ID\n"
               "  --tumor N         only the Nth tumor of that patient\n"
               "  --layout FILE     fixed-width layout of your own\n"
               "  --dictionary FILE NAACCR user-defined dictionary (XML); repeatable\n"
               "  --version V       NAACCR version of a CSV file that does not say\n"
               "  --encoding E      fixed-width/CSV input encoding (default auto)\n");
}

static void print_value(const char *v, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '\n')
            fputs("\n                                                         ", stdout);
        else if (c < 0x20 || c == 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    putchar('\n');
}

static void print_level(const crtk_record *rec, crtk_level level, int tumor)
{
    const crtk_layout *l = crtk_record_layout(rec);
    int i;

    for (i = 0; i < crtk_layout_count(l); i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        size_t len;
        const char *v;
        char name[33];
        if (it->level != level)
            continue;
        v = crtk_record_get(rec, it, tumor, &len);
        if (!v)
            continue;
        snprintf(name, sizeof name, "%s", it->name);
        printf("  %5d  %-32s %-16.16s ", it->num, name, it->id);
        print_value(v, len);
    }
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
    int c, rc, status = EXIT_OK, t;

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:i:t:l:d:V:e:h", longopts, NULL)) != -1) {
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
        const crtk_file_info *fi = crtk_reader_info(rd);
        int nt = crtk_record_tumor_count(rec);
        if (tumor > nt) {
            cli_error("patient %ld has %d tumors; there is no tumor %ld", n, nt, tumor);
            status = EXIT_INVALID;
            goto out;
        }
        printf("%s: patient %ld (line %ld), %d tumor%s; %s, NAACCR %d, record type %c\n",
               argv[optind], n, crtk_record_line(rec, -1), nt, nt == 1 ? "" : "s",
               crtk_format_name(fi->format), fi->naaccr_version, fi->record_type);
        printf("\nNaaccrData\n");
        print_level(rec, CRTK_LEVEL_ROOT, 0);
        printf("\nPatient\n");
        print_level(rec, CRTK_LEVEL_PATIENT, 0);
        for (t = 0; t < nt; t++) {
            if (tumor && t + 1 != tumor)
                continue;
            printf("\nTumor %d of %d (line %ld)\n", t + 1, nt, crtk_record_line(rec, t));
            print_level(rec, CRTK_LEVEL_TUMOR, t);
        }
    }
out:
    crtk_record_free(rec);
    crtk_reader_free(rd);
    crtk_layouts_free(ls);
    return status;
}
