/* crtk.c - the crtk command: dispatch through a table of subcommands. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int cmd_help(int argc, char **argv);
static void usage_help(FILE *f);

static const cli_cmd commands[] = {
    /* name, entry point, usage printer, one-line summary for `crtk help` */
    {"validate", cmd_validate, usage_validate, "check files against the NAACCR standard"},
    {"convert", cmd_convert, usage_convert, "convert between NAACCR XML, fixed-width and CSV"},
    {"show", cmd_show, usage_show, "show one patient and its tumors"},
    {"layouts", cmd_layouts, usage_layouts, "list layouts and dictionaries, show items"},
    {"generate", cmd_generate, usage_generate, "write a synthetic NAACCR file for tests"},
    {"check", cmd_check, usage_check, "run an edit set on every tumor and report failures"},
    {"edits", cmd_edits, usage_edits, "evaluate EDITS expressions, list, import, build edits"},
    {"export", cmd_export, usage_export, "make a submission file under a profile, with report"},
    {"help", cmd_help, usage_help, "show help for a command"},
    {NULL, NULL, NULL, NULL},
};

static void usage_help(FILE *f)
{
    fprintf(f, "usage: crtk help [COMMAND]\n");
}

static void usage_main(FILE *f)
{
    const cli_cmd *c;

    fprintf(f, "usage: crtk COMMAND [OPTIONS] [ARGS]\n\n"
               "crtk, the cancer registry toolkit: read, validate, convert, edit-check and\n"
               "export NAACCR files (XML, fixed-width, CSV).\n\ncommands:\n");
    for (c = commands; c->name; c++)
        fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fprintf(f, "\n'crtk help COMMAND' or 'crtk COMMAND --help' shows a command's options.\n");
}

static const cli_cmd *find(const char *name)
{
    const cli_cmd *c;

    for (c = commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

static int cmd_help(int argc, char **argv)
{
    const cli_cmd *c;

    if (argc < 2) {
        usage_main(stdout);
        return EXIT_OK;
    }
    c = find(argv[1]);
    if (!c) {
        cli_error("unknown command '%s'", argv[1]);
        return EXIT_TROUBLE;
    }
    c->usage(stdout);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    const cli_cmd *c;
    static char prog[64];

    if (argc < 2) {
        usage_main(stderr);
        return EXIT_TROUBLE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage_main(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("crtk %s\n", CRTK_VERSION_STRING);
        return EXIT_OK;
    }
    c = find(argv[1]);
    if (!c) {
        fprintf(stderr, "crtk: unknown command '%s' (see 'crtk help')\n", argv[1]);
        return EXIT_TROUBLE;
    }
    snprintf(prog, sizeof prog, "crtk %s", c->name);
    cli_prog = prog;
    return c->run(argc - 1, argv + 1);
}
