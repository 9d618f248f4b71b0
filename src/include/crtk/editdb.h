/* crtk/editdb.h - EDITS metafiles as data: load an EDITS50 metafile (*.smf, an SQLite
 * database) or the project's text format (a folder, docs/edits-format.md) into an immutable
 * in-memory model, read it through accessors, and save it in either form.
 *
 * The model is canonical: after any load, fields and messages are sorted by number, agencies
 * by code, edits and sets by tag, lookup tables by name (byte order); control items, an
 * edit's fields (FieldOrder), messages, tables and error texts, a set's edits and a table's
 * rows keep their order. Absent texts (SQL NULL) read as "". */
#ifndef CRTK_EDITDB_H
#define CRTK_EDITDB_H

#include "crtk/error.h"

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Limits: a metafile larger than this is refused (CRTK_ELIMIT). */
#define CRTK_EDITDB_MAX_FILE (512L * 1024 * 1024)
/** Limits: longest single text (logic, description, cell, ...) accepted, in bytes. */
#define CRTK_EDITDB_MAX_TEXT (1024L * 1024)

/** The whole metafile. Immutable after load; safe to read from several threads. */
typedef struct crtk_editdb crtk_editdb;
/** Element handles, borrowed from their crtk_editdb and valid until it is freed. */
typedef struct crtk_editdb_agency crtk_editdb_agency;
typedef struct crtk_editdb_field crtk_editdb_field;
typedef struct crtk_editdb_message crtk_editdb_message;
typedef struct crtk_editdb_edit crtk_editdb_edit;
typedef struct crtk_editdb_set crtk_editdb_set;
typedef struct crtk_editdb_table crtk_editdb_table;

/* ---- loading and saving ------------------------------------------------------------- */

/**
 * Load an EDITS50 metafile. The file is opened read-only (SQLITE_OPEN_READONLY,
 * trusted_schema off); table and column names match case-insensitively, unknown columns are
 * ignored and missing optional tables read as empty (only EE_Edits is required).
 * @param out  receives the model (NULL on failure); free with crtk_editdb_free().
 * @param err  may be NULL; on failure names the file, the table and row, and the item.
 * @return CRTK_OK, CRTK_EIO (cannot read), CRTK_EPARSE (not an SQLite database),
 *         CRTK_EINVALID (dangling reference, NULL logic, duplicate tag ...), CRTK_ELIMIT,
 *         CRTK_ENOMEM.
 */
CRTK_API CRTK_NODISCARD int
crtk_editdb_load_smf(crtk_editdb **out, const char *path, crtk_error *err);

/** Same as crtk_editdb_load_smf() from bytes in memory (copied; source "<memory>"). */
CRTK_API CRTK_NODISCARD int
crtk_editdb_load_smf_mem(crtk_editdb **out, const void *bytes, size_t len, crtk_error *err);

/**
 * Write @p db as an EDITS50 metafile. Atomic: the database is written to a temporary file
 * (mode 0600) in the folder of @p path and renamed over it; nothing is left on failure.
 */
CRTK_API CRTK_NODISCARD int
crtk_editdb_save_smf(const crtk_editdb *db, const char *path, crtk_error *err);

/**
 * Load a folder in the text format (docs/edits-format.md). Errors give the file and line
 * (err->source, err->line), e.g. `edits/N0123.edit:4: unknown key "feilds"`.
 */
CRTK_API CRTK_NODISCARD int
crtk_editdb_load_dir(crtk_editdb **out, const char *dir, crtk_error *err);

/**
 * Write @p db as a folder in the text format, creating @p dir and its subfolders if needed.
 * Each file is replaced atomically (new files 0600, existing files keep their mode); edit,
 * set and table files of the folder that are not part of @p db are removed. Output is
 * deterministic: the same model always gives the same bytes.
 */
CRTK_API CRTK_NODISCARD int
crtk_editdb_save_dir(const crtk_editdb *db, const char *dir, crtk_error *err);

/** Free a model. Accepts NULL. */
CRTK_API void crtk_editdb_free(crtk_editdb *db);

/* ---- control items and agencies ----------------------------------------------------- */

/** Number of EE_Control items; name and value of item @p i (NULL when out of range). */
CRTK_API size_t crtk_editdb_control_count(const crtk_editdb *db);
CRTK_API const char *crtk_editdb_control_name(const crtk_editdb *db, size_t i);
CRTK_API const char *crtk_editdb_control_value(const crtk_editdb *db, size_t i);
/** Value of the first control item named @p name (case-insensitive), NULL if none. */
CRTK_API const char *crtk_editdb_control_get(const crtk_editdb *db, const char *name);

CRTK_API size_t crtk_editdb_agency_count(const crtk_editdb *db);
/** Agency @p i (NULL when out of range). */
CRTK_API const crtk_editdb_agency *crtk_editdb_agency_at(const crtk_editdb *db, size_t i);
/** Agency whose admin code is @p code (exact), NULL if none. */
CRTK_API const crtk_editdb_agency *crtk_editdb_find_agency(const crtk_editdb *db, const char *code);
CRTK_API const char *crtk_editdb_agency_code(const crtk_editdb_agency *a);
CRTK_API const char *crtk_editdb_agency_name(const crtk_editdb_agency *a);

/* ---- fields (EE_Fields) ------------------------------------------------------------- */

CRTK_API size_t crtk_editdb_field_count(const crtk_editdb *db);
CRTK_API const crtk_editdb_field *crtk_editdb_field_at(const crtk_editdb *db, size_t i);
/** Field with NAACCR item number @p number, NULL if none. */
CRTK_API const crtk_editdb_field *crtk_editdb_find_field(const crtk_editdb *db, long number);
/** Field named @p name (case-insensitive, as #S"..." matches), NULL if none. */
CRTK_API const crtk_editdb_field *crtk_editdb_find_field_name(const crtk_editdb *db,
                                                              const char *name);
CRTK_API long crtk_editdb_field_number(const crtk_editdb_field *f);
CRTK_API const char *crtk_editdb_field_name(const crtk_editdb_field *f);
/** Local (agency) name, "" if none. */
CRTK_API const char *crtk_editdb_field_local_name(const crtk_editdb_field *f);
CRTK_API long crtk_editdb_field_length(const crtk_editdb_field *f);
/** DataType as stored in the metafile, "" if none. */
CRTK_API const char *crtk_editdb_field_type(const crtk_editdb_field *f);

/* ---- messages (EE_Messages) --------------------------------------------------------- */

CRTK_API size_t crtk_editdb_message_count(const crtk_editdb *db);
CRTK_API const crtk_editdb_message *crtk_editdb_message_at(const crtk_editdb *db, size_t i);
CRTK_API const crtk_editdb_message *crtk_editdb_find_message(const crtk_editdb *db, long number);
CRTK_API long crtk_editdb_message_number(const crtk_editdb_message *m);
/** Message text; may hold %F1, %V1, %DC placeholders. */
CRTK_API const char *crtk_editdb_message_text(const crtk_editdb_message *m);
/** MessageType, "" if none. */
CRTK_API const char *crtk_editdb_message_type(const crtk_editdb_message *m);

/* ---- edits (EE_Edits and its pivots) ------------------------------------------------ */

CRTK_API size_t crtk_editdb_edit_count(const crtk_editdb *db);
CRTK_API const crtk_editdb_edit *crtk_editdb_edit_at(const crtk_editdb *db, size_t i);
/** Edit tagged @p tag (exact), NULL if none. */
CRTK_API const crtk_editdb_edit *crtk_editdb_find_edit(const crtk_editdb *db, const char *tag);
CRTK_API const char *crtk_editdb_edit_tag(const crtk_editdb_edit *e);
CRTK_API const char *crtk_editdb_edit_name(const crtk_editdb_edit *e);
/** Admin code of the edit's agency, "" if none. */
CRTK_API const char *crtk_editdb_edit_agency(const crtk_editdb_edit *e);
/** The edit's fields in FieldOrder: field @p i (0-based) is %F(i+1). Out of range: -1 / NULL. */
CRTK_API size_t crtk_editdb_edit_field_count(const crtk_editdb_edit *e);
CRTK_API long crtk_editdb_edit_field_number(const crtk_editdb_edit *e, size_t i);
CRTK_API const char *crtk_editdb_edit_field_name(const crtk_editdb_edit *e, size_t i);
/** Default message number, -1 if the edit has none. */
CRTK_API long crtk_editdb_edit_message(const crtk_editdb_edit *e);
/** Extra messages the edit may use (EE_EditMessagesPivot). Out of range: -1. */
CRTK_API size_t crtk_editdb_edit_message_count(const crtk_editdb_edit *e);
CRTK_API long crtk_editdb_edit_message_at(const crtk_editdb_edit *e, size_t i);
/** Lookup tables the edit uses (EE_EditTablesPivot), by name. Out of range: NULL. */
CRTK_API size_t crtk_editdb_edit_table_count(const crtk_editdb_edit *e);
CRTK_API const char *crtk_editdb_edit_table_at(const crtk_editdb_edit *e, size_t i);
/** Free error texts (EE_EditErrorsPivot). Out of range: NULL. */
CRTK_API size_t crtk_editdb_edit_error_count(const crtk_editdb_edit *e);
CRTK_API const char *crtk_editdb_edit_error_at(const crtk_editdb_edit *e, size_t i);
CRTK_API const char *crtk_editdb_edit_description(const crtk_editdb_edit *e);
CRTK_API const char *crtk_editdb_edit_admin_notes(const crtk_editdb_edit *e);
/** LastModDate as stored (e.g. "20230115"), "" if none. */
CRTK_API const char *crtk_editdb_edit_modified(const crtk_editdb_edit *e);
/** The logic text, byte for byte as in the metafile (CRLF line ends are kept). */
CRTK_API const char *crtk_editdb_edit_logic(const crtk_editdb_edit *e);

/* ---- edit sets (EE_EditSets, EE_EditSetEditsPivot) ---------------------------------- */

CRTK_API size_t crtk_editdb_set_count(const crtk_editdb *db);
CRTK_API const crtk_editdb_set *crtk_editdb_set_at(const crtk_editdb *db, size_t i);
CRTK_API const crtk_editdb_set *crtk_editdb_find_set(const crtk_editdb *db, const char *tag);
CRTK_API const char *crtk_editdb_set_tag(const crtk_editdb_set *s);
CRTK_API const char *crtk_editdb_set_name(const crtk_editdb_set *s);
CRTK_API const char *crtk_editdb_set_description(const crtk_editdb_set *s);
/** The set's edits in order, by tag (each names an edit of the model). Out of range: NULL. */
CRTK_API size_t crtk_editdb_set_edit_count(const crtk_editdb_set *s);
CRTK_API const char *crtk_editdb_set_edit_at(const crtk_editdb_set *s, size_t i);

/* ---- lookup tables (EE_LookupTables + one SQLite table each) ------------------------ */

CRTK_API size_t crtk_editdb_table_count(const crtk_editdb *db);
CRTK_API const crtk_editdb_table *crtk_editdb_table_at(const crtk_editdb *db, size_t i);
/** Table named @p name (case-insensitive, as SQLite names are), NULL if none. */
CRTK_API const crtk_editdb_table *crtk_editdb_find_table(const crtk_editdb *db, const char *name);
CRTK_API const char *crtk_editdb_table_name(const crtk_editdb_table *t);
CRTK_API const char *crtk_editdb_table_description(const crtk_editdb_table *t);
/** Data columns (the PKey column is not one). Out of range: NULL. */
CRTK_API size_t crtk_editdb_table_column_count(const crtk_editdb_table *t);
CRTK_API const char *crtk_editdb_table_column(const crtk_editdb_table *t, size_t col);
/** Index of column @p name (case-insensitive), or -1. */
CRTK_API long crtk_editdb_table_find_column(const crtk_editdb_table *t, const char *name);
/** Rows in PKey order; cell text ("" for NULL). Out of range: NULL. */
CRTK_API size_t crtk_editdb_table_row_count(const crtk_editdb_table *t);
CRTK_API const char *crtk_editdb_table_cell(const crtk_editdb_table *t, size_t row, size_t col);
/** Indexes (the lookup keys), sorted by name. A key column may be "PKey". */
CRTK_API size_t crtk_editdb_table_index_count(const crtk_editdb_table *t);
CRTK_API const char *crtk_editdb_table_index_name(const crtk_editdb_table *t, size_t i);
CRTK_API bool crtk_editdb_table_index_unique(const crtk_editdb_table *t, size_t i);
CRTK_API size_t crtk_editdb_table_index_column_count(const crtk_editdb_table *t, size_t i);
CRTK_API const char *crtk_editdb_table_index_column(const crtk_editdb_table *t, size_t i, size_t j);

/* ---- suggestions ("did you mean") -------------------------------------------------- */

/**
 * The edit sets whose tags are nearest to @p name, a tag the model does not have: at most
 * @p max (16 at most) tags into @p out, nearest first (ties in tag order). Near means an
 * edit distance (case-insensitive; a tag containing @p name counts as 1) of at most a third
 * of the name's length, and at least 2. The tags are borrowed from @p db.
 * @return the number of tags written, 0 when none is near.
 */
CRTK_API size_t crtk_editdb_suggest_set(const crtk_editdb *db,
                                        const char *name,
                                        const char **out,
                                        size_t max);

/** Same for edits: the edit tags nearest to @p tag (e.g. "X024" for "X24"). */
CRTK_API size_t crtk_editdb_suggest_edit(const crtk_editdb *db,
                                         const char *tag,
                                         const char **out,
                                         size_t max);

#ifdef __cplusplus
}
#endif
#endif
