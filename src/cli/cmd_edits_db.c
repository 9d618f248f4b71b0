/* cmd_edits_db.c - `crtk edits list|show|import|build`: metafiles as data. `list` shows the
 * edit sets and edits of the shipped edits, a metafile (*.smf) or an edits folder; `show`
 * prints edits in full (an unknown tag gets the nearest tags); `import` writes a metafile out in
 * the text format (docs/edits-format.md); `build` writes the folder back as an EDITS50
 * metafile. Uses only the public API of crtk/editdb.h. */
#include "cli.h"
#include "crtk/editdb.h"
#include "crtk/error.h"
#include "crtk/output.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cmd_edits_list(int argc, char **argv);
int cmd_edits_show(int argc, char **argv);
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

/* Where list and show read: --edits DIR, --metafile F.smf, a positional F.smf|DIR, or by
 * default the shipped edits. *label names it in messages. */
typedef struct source {
    const char *dir, *smf, *any;
    const char *label;
} source;

static int source_load(crtk_editdb **out, source *src, const char *sub)
{
    crtk_error err = CRTK_ERROR_INIT;
    const char *path;
    int rc;

    if (src->smf) {
        path = src->label = src->smf;
        rc = crtk_editdb_load_smf(out, path, &err);
    } else if (src->dir || src->any) {
        path = src->label = src->dir ? src->dir : src->any;
        rc = src->dir ? crtk_editdb_load_dir(out, path, &err) : load_any(out, path, &err);
    } else {
        path = cli_shipped_edits_dir();
        src->label = "the shipped edits";
        rc = crtk_editdb_load_dir(out, path, &err);
    }
    if (rc < 0) {
        print_error(sub, path, &err);
        return exit_code(rc);
    }
    return 0;
}

/* ", did you mean A, B or C?" after a name the edits do not have. */

/* Names go to a tab-separated line: control bytes become blanks. */
static void put_clean(const char *s)
{
    for (; *s; s++)
        putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

/* A text block, each line indented; CR dropped, other control bytes (but tab) blank. */
static void put_block(const char *s, const char *indent)
{
    bool bol = true;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\r')
            continue;
        if (bol && c != '\n')
            fputs(indent, stdout);
        bol = c == '\n';
        putchar(c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f) ? c : ' ');
    }
    if (!bol)
        putchar('\n');
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
    fputs("usage: crtk edits list [--set TAG] [--edits DIR | --metafile F.smf | F.smf|DIR]\n"
          "\n"
          "List the edit sets (tag, name, number of edits) and then every edit (tag, name,\n"
          "fields in order), tab-separated, sorted by tag: of the shipped edits, or of an\n"
          "edits folder or EDITS50 metafile. With --set, list only that set's edits, in the\n"
          "set's order.\n"
          "\n"
          "options:\n"
          "  -s, --set TAG        only the edits of edit set TAG\n"
          "  --edits DIR          an edits folder in crtk's format (default: the shipped edits)\n"
          "  --metafile F.smf     an EDITS50 metafile\n"
          "  -h, --help           show this help\n",
          f);
}

/* Options list and show share: --edits, --metafile, --help (and list's --set). */
static int source_option(int c, source *src, const char *sub)
{
    if (c == 'E' || c == 'm') {
        if (src->dir || src->smf) {
            fprintf(stderr, "crtk edits %s: give --edits or --metafile once\n", sub);
            return -1;
        }
        if (c == 'E')
            src->dir = optarg;
        else
            src->smf = optarg;
        return 1;
    }
    return 0;
}

static int check_output(const char *sub)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "crtk edits %s: cannot write the output\n", sub);
        return 2;
    }
    return 0;
}

int cmd_edits_list(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"set", required_argument, NULL, 's'},
        {"edits", required_argument, NULL, 'E'},
        {"metafile", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };
    crtk_editdb *db = NULL;
    source src = {0};
    const char *set_tag = NULL;
    int c, rc;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hs:", longopts, NULL)) != -1) {
        int shared = source_option(c, &src, "list");
        if (shared < 0)
            return 2;
        if (shared)
            continue;
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
    if (argc - optind > 1 || (argc - optind == 1 && (src.dir || src.smf))) {
        usage_list(stderr);
        return 2;
    }
    if (argc - optind == 1)
        src.any = argv[optind];
    rc = source_load(&db, &src, "list");
    if (rc)
        return rc;
    if (set_tag) {
        const crtk_editdb_set *s = crtk_editdb_find_set(db, set_tag);
        if (!s) {
            const char *near[3];
            size_t n = crtk_editdb_suggest_set(db, set_tag, near, 3);
            fprintf(stderr, "crtk edits list: %s: no edit set \"%s\"", src.label, set_tag);
            cli_print_suggestions(near, n);
            fputc('\n', stderr);
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
    return check_output("list");
}

static void usage_edits_show(FILE *f)
{
    fputs("usage: crtk edits show [--edits DIR | --metafile F.smf] TAG...\n"
          "\n"
          "Print edits in full: tag, name, agency, fields (%F1, %F2, ...), the edit sets\n"
          "that hold it, messages, lookup tables, description, admin notes and logic. The\n"
          "edits come from the shipped edits unless --edits or --metafile says otherwise.\n"
          "\n"
          "options:\n"
          "  --edits DIR          an edits folder in crtk's format\n"
          "  --metafile F.smf     an EDITS50 metafile\n"
          "  -h, --help           show this help\n",
          f);
}

static void print_message_line(const crtk_editdb *db, const char *label, long number)
{
    const crtk_editdb_message *m = crtk_editdb_find_message(db, number);

    printf("%-13s %ld", label, number);
    if (m) {
        const char *type = crtk_editdb_message_type(m);
        if (*type) {
            fputs(" (", stdout);
            put_clean(type);
            putchar(')');
        }
        fputs(": ", stdout);
        put_clean(crtk_editdb_message_text(m));
    }
    putchar('\n');
}

static void show_edit(const crtk_editdb *db, const crtk_editdb_edit *e)
{
    size_t nsets = 0;

    put_clean(crtk_editdb_edit_tag(e));
    fputs("  ", stdout);
    put_clean(crtk_editdb_edit_name(e));
    putchar('\n');
    if (*crtk_editdb_edit_agency(e)) {
        printf("%-13s ", "agency:");
        put_clean(crtk_editdb_edit_agency(e));
        putchar('\n');
    }
    for (size_t i = 0; i < crtk_editdb_edit_field_count(e); i++) {
        printf("%-13s %%F%zu %ld ", i == 0 ? "fields:" : "", i + 1,
               crtk_editdb_edit_field_number(e, i));
        put_clean(crtk_editdb_edit_field_name(e, i));
        putchar('\n');
    }
    for (size_t i = 0; i < crtk_editdb_set_count(db); i++) {
        const crtk_editdb_set *s = crtk_editdb_set_at(db, i);
        for (size_t j = 0; j < crtk_editdb_set_edit_count(s); j++) {
            if (strcmp(crtk_editdb_set_edit_at(s, j), crtk_editdb_edit_tag(e)))
                continue;
            fputs(nsets++ ? ", " : "sets:         ", stdout);
            put_clean(crtk_editdb_set_tag(s));
            break;
        }
    }
    puts(nsets ? "" : "sets:         (none)");
    if (crtk_editdb_edit_message(e) >= 0)
        print_message_line(db, "message:", crtk_editdb_edit_message(e));
    for (size_t i = 0; i < crtk_editdb_edit_message_count(e); i++)
        print_message_line(db, "also:", crtk_editdb_edit_message_at(e, i));
    for (size_t i = 0; i < crtk_editdb_edit_error_count(e); i++) {
        printf("%-13s ", i == 0 ? "error texts:" : "");
        put_clean(crtk_editdb_edit_error_at(e, i));
        putchar('\n');
    }
    for (size_t i = 0; i < crtk_editdb_edit_table_count(e); i++) {
        fputs(i ? ", " : "tables:       ", stdout);
        put_clean(crtk_editdb_edit_table_at(e, i));
    }
    if (crtk_editdb_edit_table_count(e))
        putchar('\n');
    if (*crtk_editdb_edit_modified(e)) {
        printf("%-13s ", "modified:");
        put_clean(crtk_editdb_edit_modified(e));
        putchar('\n');
    }
    if (*crtk_editdb_edit_description(e)) {
        puts("\ndescription:");
        put_block(crtk_editdb_edit_description(e), "    ");
    }
    if (*crtk_editdb_edit_admin_notes(e)) {
        puts("\nadmin notes:");
        put_block(crtk_editdb_edit_admin_notes(e), "    ");
    }
    puts("\nlogic:");
    put_block(crtk_editdb_edit_logic(e), "    ");
}

int cmd_edits_show(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"edits", required_argument, NULL, 'E'},
        {"metafile", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };
    crtk_editdb *db = NULL;
    source src = {0};
    int c, rc, status = 0;

    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int shared = source_option(c, &src, "show");
        if (shared < 0)
            return 2;
        if (shared)
            continue;
        if (c == 'h') {
            usage_edits_show(stdout);
            return 0;
        }
        fprintf(stderr, "crtk edits show: unknown or incomplete option '%s'\n", argv[optind - 1]);
        usage_edits_show(stderr);
        return 2;
    }
    if (optind >= argc) {
        usage_edits_show(stderr);
        return 2;
    }
    rc = source_load(&db, &src, "show");
    if (rc)
        return rc;
    for (int i = optind; i < argc; i++) {
        const crtk_editdb_edit *e = crtk_editdb_find_edit(db, argv[i]);
        if (!e) {
            const char *near[3];
            size_t n = crtk_editdb_suggest_edit(db, argv[i], near, 3);
            fprintf(stderr, "crtk edits show: %s: no edit \"%s\"", src.label, argv[i]);
            cli_print_suggestions(near, n);
            fputc('\n', stderr);
            status = 1;
            continue;
        }
        if (i > optind)
            puts("\n----");
        show_edit(db, e);
    }
    crtk_editdb_free(db);
    rc = check_output("show");
    return rc ? rc : status;
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
