/* cmd_edits_db.c - `crtk edits list|import|build`: metafiles as data. `list` shows the edit
 * sets and edits of a metafile (*.smf) or an edits folder; `import` writes a metafile out in
 * the text format (docs/edits-format.md); `build` writes the folder back as an EDITS50
 * metafile. Uses only the public API of crtk/editdb.h. */
#include "crtk/editdb.h"
#include "crtk/error.h"
#include "crtk/output.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cmd_edits_list(int argc, char **argv);
int cmd_edits_import(int argc, char **argv);
int cmd_edits_build(int argc, char **argv);

static int exit_code(int rc)
{
    return rc == CRTK_EIO || rc == CRTK_ENOMEM || rc == CRTK_EARG ? 2 : 1;
}

/* "crtk edits SUB: SOURCE[:LINE]: [ITEM: ]message" */
static void print_error(const char *sub, const char *fallback, const crtk_error *err)
{
    const char *src = err->source[0] ? err->source : fallback;

    fprintf(stderr, "crtk edits %s: %s", sub, src);
    if (err->line > 0)
        fprintf(stderr, ":%ld", err->line);
    fprintf(stderr, ": %s\n", err->message[0] ? err->message : crtk_status_str(err->code));
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int load_any(crtk_editdb **out, const char *path, crtk_error *err)
{
    return is_dir(path) ? crtk_editdb_load_dir(out, path, err)
                        : crtk_editdb_load_smf(out, path, err);
}

/* Names go to a tab-separated line: control bytes become blanks. */
static void put_clean(const char *s)
{
    for (; *s; s++)
        putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static void print_edit(const crtk_editdb_edit *e)
{
    put_clean(crtk_editdb_edit_tag(e));
    putchar('\t');
    put_clean(crtk_editdb_edit_name(e));
    putchar('\t');
    for (size_t i = 0; i < crtk_editdb_edit_field_count(e); i++) {
        if (i)
            fputs(", ", stdout);
        put_clean(crtk_editdb_edit_field_name(e, i));
        printf(" [%ld]", crtk_editdb_edit_field_number(e, i));
    }
    putchar('\n');
}

static void print_set(const crtk_editdb_set *s)
{
    put_clean(crtk_editdb_set_tag(s));
    putchar('\t');
    put_clean(crtk_editdb_set_name(s));
    printf("\t%zu edits\n", crtk_editdb_set_edit_count(s));
}

static void usage_list(FILE *f)
{
    fputs("usage: crtk edits list [--set TAG] METAFILE.smf|DIR\n"
          "\n"
          "List the edit sets (tag, name, number of edits) and then every edit (tag, name,\n"
          "fields in order), tab-separated, sorted by tag. With --set, list only that set's\n"
          "edits, in the set's order.\n"
          "\n"
          "options:\n"
          "  -s, --set TAG   only the edits of edit set TAG\n"
          "  -h, --help      show this help\n",
          f);
}

int cmd_edits_list(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"set", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    crtk_error err = CRTK_ERROR_INIT;
    crtk_editdb *db = NULL;
    const char *set_tag = NULL;
    int c, rc;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hs:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage_list(stdout);
            return 0;
        case 's':
            set_tag = optarg;
            break;
        default:
            fprintf(stderr, "crtk edits list: unknown or incomplete option '%s'\n",
                    argv[optind - 1]);
            usage_list(stderr);
            return 2;
        }
    }
    if (argc - optind != 1) {
        usage_list(stderr);
        return 2;
    }
    rc = load_any(&db, argv[optind], &err);
    if (rc < 0) {
        print_error("list", argv[optind], &err);
        return exit_code(rc);
    }
    if (set_tag) {
        const crtk_editdb_set *s = crtk_editdb_find_set(db, set_tag);
        if (!s) {
            fprintf(stderr, "crtk edits list: %s: no edit set \"%s\"\n", argv[optind], set_tag);
            crtk_editdb_free(db);
            return 1;
        }
        print_set(s);
        for (size_t i = 0; i < crtk_editdb_set_edit_count(s); i++)
            print_edit(crtk_editdb_find_edit(db, crtk_editdb_set_edit_at(s, i)));
    } else {
        printf("# edit sets: %zu\n", crtk_editdb_set_count(db));
        for (size_t i = 0; i < crtk_editdb_set_count(db); i++)
            print_set(crtk_editdb_set_at(db, i));
        printf("# edits: %zu\n", crtk_editdb_edit_count(db));
        for (size_t i = 0; i < crtk_editdb_edit_count(db); i++)
            print_edit(crtk_editdb_edit_at(db, i));
    }
    crtk_editdb_free(db);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "crtk edits list: cannot write the output\n");
        return 2;
    }
    return 0;
}

/* import and build share their shape: load IN, save OUT. */
static int convert(int argc, char **argv, const char *sub, const char *usage, bool to_dir)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    crtk_error err = CRTK_ERROR_INIT;
    crtk_editdb *db = NULL;
    const char *in, *out;
    int c, rc;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return 0;
        }
        fprintf(stderr, "crtk edits %s: unknown option '%s'\n", sub, argv[optind - 1]);
        fputs(usage, stderr);
        return 2;
    }
    if (argc - optind != 2) {
        fputs(usage, stderr);
        return 2;
    }
    in = argv[optind];
    out = argv[optind + 1];
    if (to_dir && is_dir(in)) {
        fprintf(stderr, "crtk edits %s: %s: is a folder, a metafile (.smf) was expected\n", sub,
                in);
        return 2;
    }
    if (!to_dir && !is_dir(in)) {
        fprintf(stderr, "crtk edits %s: %s: not a folder (an edits folder was expected)\n", sub,
                in);
        return 2;
    }
    /* The metafile's target is looked at before the folder is read (crtk/output.h). */
    if (!to_dir &&
        crtk_output_check(out, (const char *const *)&argv[optind], 1, 0, NULL, &err) < 0) {
        print_error(sub, out, &err);
        return 2;
    }
    rc = to_dir ? crtk_editdb_load_smf(&db, in, &err) : crtk_editdb_load_dir(&db, in, &err);
    if (rc < 0) {
        print_error(sub, in, &err);
        return exit_code(rc);
    }
    rc = to_dir ? crtk_editdb_save_dir(db, out, &err) : crtk_editdb_save_smf(db, out, &err);
    crtk_editdb_free(db);
    if (rc < 0) {
        print_error(sub, out, &err);
        return exit_code(rc);
    }
    return 0;
}

int cmd_edits_import(int argc, char **argv)
{
    return convert(argc, argv, "import",
                   "usage: crtk edits import METAFILE.smf DIR\n"
                   "\n"
                   "Write an EDITS50 metafile out as an edits folder in the text format\n"
                   "(docs/edits-format.md): metafile.txt, fields.txt, messages.txt, edits/,\n"
                   "sets/ and tables/. Files of DIR that the metafile no longer has are removed.\n"
                   "The new folder is written beside DIR and swapped in when complete (a failed\n"
                   "import leaves DIR as it was); other files of DIR (a README) are kept.\n"
                   "\n"
                   "options:\n"
                   "  -h, --help   show this help\n",
                   true);
}

int cmd_edits_build(int argc, char **argv)
{
    return convert(argc, argv, "build",
                   "usage: crtk edits build DIR METAFILE.smf\n"
                   "\n"
                   "Build an EDITS50 metafile (SQLite) from an edits folder in the text format.\n"
                   "The metafile is replaced atomically. import, build, import gives the same\n"
                   "folder.\n"
                   "\n"
                   "options:\n"
                   "  -h, --help   show this help\n",
                   false);
}
