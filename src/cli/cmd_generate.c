/* cmd_generate.c - `crtk generate`: write a synthetic NAACCR file of any size. */
#include "cli.h"
#include "crtk/generate.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void usage_generate(FILE *f)
{
    fprintf(f, "usage: crtk generate [OPTIONS] [OUT]\n\n"
               "Write a synthetic NAACCR file (plausible, consistent, not real people) for\n"
               "tests and benchmarks. OUT's name gives the format (.xml, .csv, .txt/.dat; .gz\n"
               "compresses); without OUT, XML goes to stdout.\n\n"
               "options:\n"
               "  --version V        NAACCR version (default 250; 18 and earlier can be\n"
               "                     written fixed-width)\n"
               "  --tumors N         number of tumors (default 100)\n"
               "  --record-type T    A (default), M, C or I\n"
               "  --seed S           random seed (default 1): the same seed gives the same file\n"
               "  --to xml|flat|csv  output format\n"
               "  --mode OCTAL       file mode (default 0600)\n"
               "  --no-follow        refuse OUT when it is a symbolic link\n");
}

int cmd_generate(int argc, char **argv)
{
    static const struct option longopts[] = {{"version", required_argument, NULL, 'V'},
                                             {"tumors", required_argument, NULL, 'n'},
                                             {"record-type", required_argument, NULL, 't'},
                                             {"seed", required_argument, NULL, 's'},
                                             {"to", required_argument, NULL, 'T'},
                                             {"mode", required_argument, NULL, 'M'},
                                             {"no-follow", no_argument, NULL, 'F'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    crtk_generate_opts gopts = CRTK_GENERATE_OPTS_INIT;
    crtk_writer_opts wopts = CRTK_WRITER_OPTS_INIT;
    crtk_layouts *ls = NULL;
    crtk_generator *g = NULL;
    crtk_writer *w = NULL;
    crtk_record *rec = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    const char *out = "-";
    int version = 250, c, rc, status = EXIT_OK;
    long n;

    wopts.format = CRTK_FORMAT_AUTO;
    optind = 1;
    while ((c = getopt_long(argc, argv, "V:n:t:s:T:M:Fh", longopts, NULL)) != -1) {
        switch (c) {
        case 'V':
            version = cli_version(optarg);
            if (!version) {
                cli_error("--version: '%s' is not a NAACCR version", optarg);
                return EXIT_TROUBLE;
            }
            break;
        case 'n':
            if (!cli_number("--tumors", optarg, 0, LONG_MAX, &gopts.tumors))
                return EXIT_TROUBLE;
            break;
        case 't':
            gopts.record_type = cli_record_type(optarg);
            if (!gopts.record_type) {
                cli_error("--record-type must be A, M, C or I");
                return EXIT_TROUBLE;
            }
            break;
        case 's':
            if (!cli_number("--seed", optarg, 0, LONG_MAX, &n))
                return EXIT_TROUBLE;
            gopts.seed = (unsigned long)n;
            break;
        case 'T':
            wopts.format = !strcmp(optarg, "xml")    ? CRTK_FORMAT_XML
                           : !strcmp(optarg, "flat") ? CRTK_FORMAT_FLAT
                           : !strcmp(optarg, "csv")  ? CRTK_FORMAT_CSV
                                                     : CRTK_FORMAT_AUTO;
            if (!wopts.format) {
                cli_error("--to must be xml, flat or csv");
                return EXIT_TROUBLE;
            }
            break;
        case 'M':
            if (!cli_mode("--mode", optarg, &wopts.mode))
                return EXIT_TROUBLE;
            break;
        case 'F':
            wopts.no_follow = true;
            break;
        case 'h':
            usage_generate(stdout);
            return EXIT_OK;
        default:
            usage_generate(stderr);
            return EXIT_TROUBLE;
        }
    }
    if (argc - optind > 1) {
        usage_generate(stderr);
        return EXIT_TROUBLE;
    }
    if (optind < argc)
        out = argv[optind];
    {
        crtk_format f = cli_output_format(out, &wopts.gzip);
        if (!wopts.format)
            wopts.format = f ? f : CRTK_FORMAT_XML;
    }
    if (!cli_output_ok(out, NULL, 0, wopts.no_follow))
        return EXIT_TROUBLE;
    if (crtk_layouts_new(&ls, &err) < 0) {
        cli_print_error(&err);
        return EXIT_TROUBLE;
    }
    if (wopts.format == CRTK_FORMAT_FLAT) {
        wopts.layout = crtk_layouts_flat(ls, version);
        if (!wopts.layout) {
            cli_error("NAACCR %d has no standard fixed-width layout; write .xml or .csv", version);
            status = EXIT_TROUBLE;
            goto done;
        }
    } else {
        const crtk_layout *base = crtk_layouts_dictionary(ls, version);
        const crtk_layout *def = crtk_layouts_default_user(ls, version);
        if (!base) {
            cli_error("NAACCR %d has no XML dictionary (140 to 260)", version);
            status = EXIT_TROUBLE;
            goto done;
        }
        if (crtk_layouts_combine(ls, base, &def, def ? 1 : 0, &wopts.layout, &err) < 0) {
            cli_print_error(&err);
            status = EXIT_TROUBLE;
            goto done;
        }
    }
    wopts.record_type = gopts.record_type;
    if (crtk_generator_new(&g, wopts.layout, &gopts, &err) < 0 ||
        crtk_writer_open(&w, out, &wopts, &err) < 0) {
        cli_print_error(&err);
        status = EXIT_TROUBLE;
        goto done;
    }
    if (crtk_record_new(&rec) < 0) {
        status = EXIT_TROUBLE;
        goto done;
    }
    cli_catch_signals();
    while ((rc = crtk_generator_next(g, rec)) > 0) {
        if (cli_interrupted()) {
            cli_error("interrupted: %s not written", out);
            status = EXIT_TROUBLE;
            goto done;
        }
        if (crtk_writer_write(w, rec) < 0) {
            cli_print_error(crtk_writer_error(w));
            status = EXIT_TROUBLE;
            goto done;
        }
    }
    if (rc < 0 || crtk_writer_close(w) < 0) {
        cli_print_error(crtk_writer_error(w));
        status = EXIT_TROUBLE;
    }
done:
    crtk_record_free(rec);
    crtk_writer_free(w);
    crtk_generator_free(g);
    crtk_layouts_free(ls);
    return status;
}
