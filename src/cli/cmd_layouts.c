/* cmd_layouts.c - `crtk layouts`: list the built-in and user layouts; `crtk layouts show
 * L [ITEM]` prints a layout's items or one item. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void usage_layouts(FILE *f)
{
    fprintf(f, "usage: crtk layouts [--layout FILE] [--dictionary FILE]\n"
               "       crtk layouts show LAYOUT [ITEM]\n\n"
               "List the NAACCR dictionaries (140-260) and fixed-width layouts (12-18) built\n"
               "into crtk, and any given with --layout (crtk layout file) or --dictionary\n"
               "(NAACCR user-defined dictionary XML, validated as the standard requires).\n\n"
               "LAYOUT is a layout name (naaccr-dictionary-250), a version written with three\n"
               "digits for a dictionary (250, 180) or two for a fixed-width layout (18, 12).\n"
               "ITEM is a naaccrId, an item number or an item name.\n");
}

static const crtk_layout *pick(crtk_layouts *ls, const char *arg)
{
    const crtk_layout *l = crtk_layouts_by_name(ls, arg);
    size_t n = strlen(arg);
    int v;

    if (l)
        return l;
    l = crtk_layouts_by_uri(ls, arg);
    if (l)
        return l;
    v = crtk_version_normalize(arg);
    if (!v)
        return NULL;
    if (n <= 2)
        return crtk_layouts_flat(ls, v);
    l = crtk_layouts_dictionary(ls, v);
    return l ? l : crtk_layouts_flat(ls, v);
}

static const char *kind_name(crtk_layout_kind k)
{
    return k == CRTK_LAYOUT_FLAT              ? "fixed-width"
           : k == CRTK_LAYOUT_USER_DICTIONARY ? "user-dictionary"
                                              : "dictionary";
}

static void print_item_row(const crtk_item *it)
{
    char rt[16], start[16];

    if (it->start)
        snprintf(start, sizeof start, "%d-%d", it->start, it->start + it->length - 1);
    else
        snprintf(start, sizeof start, "-");
    printf("%5d  %-34s %-11s %5d  %-8s %-10s %-7s  %s\n", it->num, it->id, start, it->length,
           crtk_dtype_name(it->type), crtk_level_name(it->level),
           crtk_rectypes_str(it->rectypes, rt, sizeof rt), it->name);
}

static void print_item_detail(const crtk_layout *l, const crtk_item *it)
{
    char rt[16];

    printf("item:          %d\n", it->num);
    printf("naaccrId:      %s\n", it->id);
    printf("name:          %s\n", it->name);
    printf("layout:        %s\n", crtk_layout_name(l));
    if (it->start)
        printf("columns:       %d-%d\n", it->start, it->start + it->length - 1);
    printf("length:        %d\n", it->length);
    printf("data type:     %s\n", crtk_dtype_name(it->type));
    printf("padding:       %s\n", crtk_padding_name(it->padding));
    printf("trim:          %s\n", it->trim ? "all" : "none");
    printf("level:         %s\n", crtk_level_name(it->level));
    printf("record types:  %s\n", crtk_rectypes_str(it->rectypes, rt, sizeof rt));
    if (it->unlimited)
        printf("unlimited text: yes\n");
}

static int show(crtk_layouts *ls, int argc, char **argv)
{
    const crtk_layout *l;
    int i;

    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage_layouts(stdout);
            return EXIT_OK;
        }
    if (argc < 2 || argc > 3) {
        usage_layouts(stderr);
        return EXIT_TROUBLE;
    }
    l = pick(ls, argv[1]);
    if (!l) {
        cli_error("no layout '%s' (see 'crtk layouts')", argv[1]);
        return EXIT_TROUBLE;
    }
    if (argc == 3) {
        const crtk_item *it = crtk_layout_find(l, argv[2]);
        char *end;
        long num = strtol(argv[2], &end, 10);
        if (!it && *end == '\0' && end != argv[2])
            it = crtk_layout_find_num(l, (int)num);
        if (!it)
            it = crtk_layout_find_name(l, argv[2]);
        if (!it) {
            cli_error("%s has no item '%s'", crtk_layout_name(l), argv[2]);
            return EXIT_INVALID;
        }
        print_item_detail(l, it);
        return EXIT_OK;
    }
    printf("# %s: %s (version %d, %d items", crtk_layout_name(l), crtk_layout_description(l),
           crtk_layout_version(l), crtk_layout_count(l));
    if (crtk_layout_record_length(l, 'A'))
        printf("; record lengths A %d, M %d, C %d, I %d", crtk_layout_record_length(l, 'A'),
               crtk_layout_record_length(l, 'M'), crtk_layout_record_length(l, 'C'),
               crtk_layout_record_length(l, 'I'));
    printf(")\n");
    printf("%5s  %-34s %-11s %5s  %-8s %-10s %-7s  %s\n", "num", "naaccrId", "columns", "len",
           "type", "level", "types", "name");
    for (i = 0; i < crtk_layout_count(l); i++)
        print_item_row(crtk_layout_item(l, i));
    return EXIT_OK;
}

int cmd_layouts(int argc, char **argv)
{
    static const struct option longopts[] = {{"layout", required_argument, NULL, 'l'},
                                             {"dictionary", required_argument, NULL, 'd'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    cli_layout_opts lo = {0};
    crtk_layouts *ls = NULL;
    int c, i, rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+l:d:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
        case 'd':
            if (!cli_add_layout(&lo, c == 'd', optarg))
                return EXIT_TROUBLE;
            break;
        case 'h':
            usage_layouts(stdout);
            return EXIT_OK;
        default:
            usage_layouts(stderr);
            return EXIT_TROUBLE;
        }
    }
    if (cli_load_layouts(&ls, &lo) < 0)
        return EXIT_TROUBLE;
    if (optind < argc && !strcmp(argv[optind], "show")) {
        rc = show(ls, argc - optind, argv + optind);
        crtk_layouts_free(ls);
        return rc;
    }
    if (optind < argc) {
        cli_error("unknown argument '%s'", argv[optind]);
        crtk_layouts_free(ls);
        return EXIT_TROUBLE;
    }
    printf("%-40s %-15s %7s %5s  %s\n", "layout", "kind", "version", "items", "description");
    for (i = 0; i < crtk_layouts_count(ls); i++) {
        const crtk_layout *l = crtk_layouts_at(ls, i);
        printf("%-40s %-15s %7d %5d  %s\n", crtk_layout_name(l), kind_name(crtk_layout_kind_of(l)),
               crtk_layout_version(l), crtk_layout_count(l), crtk_layout_description(l));
    }
    crtk_layouts_free(ls);
    return EXIT_OK;
}
