/* cmd_edits.c - `crtk edits SUBCOMMAND`: the EDITS-language tools. */
#include "cli.h"

#include <string.h>

int cmd_edits_eval(int argc, char **argv);
int cmd_edits_list(int argc, char **argv);
int cmd_edits_show(int argc, char **argv);
int cmd_edits_import(int argc, char **argv);
int cmd_edits_build(int argc, char **argv);

typedef struct sub {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} sub;

static const sub subs[] = {
    {"eval", cmd_edits_eval, "evaluate an EDITS expression and print its value"},
    {"list", cmd_edits_list, "list the edit sets and edits (shipped, a folder or a metafile)"},
    {"show", cmd_edits_show, "print an edit: fields, sets, messages, description, logic"},
    {"import", cmd_edits_import, "write a metafile (.smf) out as an edits folder"},
    {"build", cmd_edits_build, "build a metafile (.smf) from an edits folder"},
    {NULL, NULL, NULL},
};

void usage_edits(FILE *f)
{
    const sub *s;

    fprintf(f, "usage: crtk edits SUBCOMMAND [OPTIONS] [ARGS]\n\nsubcommands:\n");
    for (s = subs; s->name; s++)
        fprintf(f, "  %-8s %s\n", s->name, s->summary);
    fprintf(f, "\n'crtk edits SUBCOMMAND --help' shows its options.\n");
}

int cmd_edits(int argc, char **argv)
{
    const sub *s;

    if (argc < 2) {
        usage_edits(stderr);
        return EXIT_TROUBLE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage_edits(stdout);
        return EXIT_OK;
    }
    for (s = subs; s->name; s++)
        if (!strcmp(s->name, argv[1]))
            return s->run(argc - 1, argv + 1);
    cli_error("unknown subcommand '%s' (see 'crtk edits --help')", argv[1]);
    return EXIT_TROUBLE;
}
