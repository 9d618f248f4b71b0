/* editdb_internal.h - the crtk_editdb model shared by editdb.c (accessors, validation),
 * editdb_smf.c (SQLite) and editdb_dir.c (text format). Every string is owned, never NULL
 * once an element is complete. */
#ifndef CRTK_EDITDB_INTERNAL_H
#define CRTK_EDITDB_INTERNAL_H

#include "crtk/editdb.h"

#include <stdbool.h>
#include <stddef.h>

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define EDITDB_MAX_FILE (8L * 1024 * 1024)
#else
#define EDITDB_MAX_FILE CRTK_EDITDB_MAX_FILE
#endif

struct crtk_editdb_agency {
    char *code, *name;
};

struct crtk_editdb_field {
    long number;
    char *name, *local_name, *type;
    long length;
};

struct crtk_editdb_message {
    long number;
    char *text, *type;
};

struct crtk_editdb_edit {
    char *tag, *name, *agency;
    size_t nfields;
    long *field_numbers;
    char **field_names;
    long message; /* -1 = none */
    size_t nmessages;
    long *messages;
    size_t ntables;
    char **tables;
    size_t nerrors;
    char **errors;
    char *description, *admin_notes, *modified, *logic;
};

struct crtk_editdb_set {
    char *tag, *name, *description;
    size_t nedits;
    char **edits;
};

typedef struct editdb_index {
    char *name;
    bool unique;
    size_t ncols;
    char **cols;
} editdb_index;

struct crtk_editdb_table {
    char *name, *description;
    size_t ncols;
    char **cols;
    size_t nrows;
    char **cells; /* nrows * ncols, row-major */
    size_t nindexes;
    editdb_index *indexes;
};

struct crtk_editdb {
    size_t ncontrol;
    char **control_names, **control_values;
    size_t nagencies;
    crtk_editdb_agency *agencies;
    size_t nfields;
    crtk_editdb_field *fields;
    size_t nmessages;
    crtk_editdb_message *messages;
    size_t nedits;
    crtk_editdb_edit *edits;
    size_t nsets;
    crtk_editdb_set *sets;
    size_t ntables;
    crtk_editdb_table *tables;
};

/* Allocation helpers: 0 or CRTK_ENOMEM. grow() makes room for one more element of an array
 * of *n elements (capacity doubling is tracked by *cap). */
int crtk__editdb_grow(void **arr, size_t *cap, size_t n, size_t elem);
char *crtk__editdb_strndup(const char *s, size_t n);
int crtk__editdb_push_str(char ***arr, size_t *n, size_t *cap, const char *s);

/* Sort the model into canonical order and check its cross references (edit fields, messages,
 * tables, agencies; set members; duplicates). Messages name the element; returns
 * CRTK_EINVALID. */
int crtk__editdb_finish(crtk_editdb *db, crtk_error *err);
/* The first half of finish: sort and check fields, messages, agencies and tables only. */
int crtk__editdb_sort_base(crtk_editdb *db, crtk_error *err);

void crtk__editdb_edit_clear(crtk_editdb_edit *e);
void crtk__editdb_set_clear(crtk_editdb_set *s);
void crtk__editdb_table_clear(crtk_editdb_table *t);

/* True if @p s is reserved for the metafile's own tables (EE_*, sqlite_*). */
bool crtk__editdb_reserved_table(const char *s);

/* Text-format parsers used by crtk_editdb_load_dir and the fuzzers: parse one .edit file
 * from memory into @p e (cleared first). source names the file in errors. */
int crtk__editdb_parse_edit(
    crtk_editdb_edit *e, const char *buf, size_t len, const char *source, crtk_error *err);

#endif
