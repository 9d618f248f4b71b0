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

/* Append the versions of the built-in layouts of one kind: "14, 15, ..., 26". */
static void print_versions(const crtk_layouts *ls, crtk_layout_kind kind, const char *what)
{
    int seen[64], n = 0;

    printf("%s:", what);
    for (int i = 0; i < crtk_layouts_count(ls); i++) {
        const crtk_layout *l = crtk_layouts_at(ls, i);
        int v = crtk_layout_version(l), dup = 0;
        if (crtk_layout_kind_of(l) != kind)
            continue;
        for (int j = 0; j < n; j++)
            dup |= seen[j] == v;
        if (dup || n == 64)
            continue;
        seen[n++] = v;
        printf("%s %d", n > 1 ? "," : "", v / 10);
    }
    printf("\n");
}

/* `crtk --version`: crtk's and libcrtk's version and the NAACCR versions built in. */
static int print_version(void)
{
    crtk_layouts *ls = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    printf("crtk %s (libcrtk %s)\n", CRTK_VERSION_STRING, crtk_version());
    if (crtk_layouts_new(&ls, &err) < 0) {
        cli_print_error(&err);
        return EXIT_TROUBLE;
    }
    print_versions(ls, CRTK_LAYOUT_DICTIONARY, "NAACCR XML dictionaries");
    print_versions(ls, CRTK_LAYOUT_FLAT, "NAACCR fixed-width layouts");
    printf("NAACCR XML specification 1.0-1.8; CSV with any of these dictionaries\n");
    crtk_layouts_free(ls);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_TROUBLE;
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
    if (!strcmp(argv[1], "--version"))
        return print_version();
    c = find(argv[1]);
    if (!c) {
        fprintf(stderr, "crtk: unknown command '%s' (see 'crtk help')\n", argv[1]);
        return EXIT_TROUBLE;
    }
    snprintf(prog, sizeof prog, "crtk %s", c->name);
    cli_prog = prog;
    return c->run(argc - 1, argv + 1);
}
