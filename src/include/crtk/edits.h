/* crtk/edits.h - the EDITS-language interpreter: compile an edit once, run it on many records.
 *
 * An edit is compiled against caller-supplied providers (fields, lookup tables, messages)
 * into an immutable bytecode program. Runs use a per-thread crtk_edit_state, so one compiled
 * edit may run on several threads at once; once a state is warmed up a run does not allocate.
 * The language is described in docs/edits-language.md. */
#ifndef CRTK_EDITS_H
#define CRTK_EDITS_H

#include "crtk/error.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Limits (bytes/instructions). Strings longer than CRTK_EDIT_MAX_STRING are truncated. */
#define CRTK_EDIT_MAX_SOURCE           (1024 * 1024)
#define CRTK_EDIT_MAX_STRING           4096
#define CRTK_EDIT_MAX_DEPTH            200
#define CRTK_EDIT_DEFAULT_INSTRUCTIONS 1000000L

/** Values of the named constants (IMS values, see docs/edits-language.md). */
#define CRTK_EDIT_DT_MONTH_EMPTY 536870911L
#define CRTK_EDIT_DT_DAY_EMPTY   805306367L
#define CRTK_EDIT_DT_EMPTY       1073741823L
#define CRTK_EDIT_DT_ERROR       1879048191L
#define CRTK_EDIT_DT_UNKNOWN     2147483647L

/** A compiled edit: immutable, shareable between threads. */
typedef struct crtk_edit crtk_edit;
/** Per-thread run state: stack, variables, message buffers. Reused from run to run. */
typedef struct crtk_edit_state crtk_edit_state;
/** An in-memory lookup table (name, columns, rows of strings). */
typedef struct crtk_edit_table crtk_edit_table;

/**
 * Compile-time field resolver. @p name is the text of #S"name" (match it case-insensitively).
 * Returns a slot >= 0 and sets *width_out to the field's fixed width (0..CRTK_EDIT_MAX_STRING),
 * or returns -1 for an unknown field (a compile error "unknown field").
 */
typedef int (*crtk_edit_resolve_fn)(void *ctx, const char *name, int *width_out);

/**
 * Run-time field value: exactly `width` bytes (blank-padded, untrimmed) for a slot returned by
 * the resolver, valid until the run returns. NULL means "all blanks".
 */
typedef const char *(*crtk_edit_value_fn)(void *ctx, int slot);

/**
 * Compile-time table provider: the table named @p name (case-insensitive), or NULL if unknown.
 * The table is borrowed and must outlive every edit compiled against it.
 */
typedef crtk_edit_table *(*crtk_edit_table_fn)(void *ctx, const char *name);

/**
 * Message provider: text of message @p number (may contain %F1, %V1, %DC), or NULL if
 * unknown. Called at run time (only when an edit produces a message), possibly from several
 * threads at once: it must be thread-safe and its context must outlive the edit.
 */
typedef const char *(*crtk_edit_message_fn)(void *ctx, long number);

/** Compile options. Zero-initialise with CRTK_EDIT_OPTIONS_INIT; copied by compile. */
typedef struct crtk_edit_options {
    int version;                  /* 1 */
    crtk_edit_resolve_fn resolve; /* NULL: any #S reference is a compile error */
    void *resolve_ctx;
    crtk_edit_table_fn table; /* NULL: no tables */
    void *table_ctx;
    crtk_edit_message_fn message; /* NULL: no message texts */
    void *message_ctx;
    /* The edit's ordered field list (FieldOrder) used by %F1../%V1.., resolved through
     * `resolve`. NULL: the fields in order of first #S reference in the source. */
    const char *const *fields;
    size_t nfields;
    long default_message;  /* message number used when the edit returns FAIL; 0 = none */
    int fail_warnings;     /* SAVE_WARNING_TEXT / SET_WARNING act as errors */
    const char *today;     /* "YYYYMMDD" to fix DT_TODAY and future checks; NULL = real date */
    long max_instructions; /* per run; 0 = CRTK_EDIT_DEFAULT_INSTRUCTIONS */
    int values_nul_free;   /* the value callback never returns a NUL within a field's width,
                              so field loads need not look for one */
} crtk_edit_options;

#define CRTK_EDIT_OPTIONS_INIT                                           \
    {                                                                    \
        1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, 0, 0 \
    }

/** Outcome of one run. */
typedef enum crtk_edit_status {
    CRTK_EDIT_PASS = 0,
    CRTK_EDIT_FAIL = 1,
    CRTK_EDIT_ERROR = 2 /* the run could not finish: budget exceeded, division by zero... */
} crtk_edit_status;

/** Kind of a message produced by a run. */
typedef enum crtk_edit_msg_type {
    CRTK_EDIT_MSG_ERROR = 'E', /* default message, ERROR_TEXT/ERROR_MSG, SAVE_ERROR_TEXT... */
    CRTK_EDIT_MSG_INFO = 'M'   /* SAVE_TEXT */
} crtk_edit_msg_type;

/** One message, placeholders already expanded. Borrowed from the state. */
typedef struct crtk_edit_message {
    crtk_edit_msg_type type;
    long number; /* message number, 0 for free text */
    const char *text;
} crtk_edit_message;

/** Result of crtk_edit_run. Pointers are borrowed from the state until its next run. */
typedef struct crtk_edit_result {
    crtk_edit_status status;
    long returned; /* value of the executed `return` (1 if the edit fell off its end) */
    const crtk_edit_message *messages;
    size_t nmessages;
    const char *error; /* CRTK_EDIT_ERROR only: what went wrong; else "" */
    long error_line;   /* source line of the failing instruction, 0 if unknown */
} crtk_edit_result;

/* ---- lookup tables ---------------------------------------------------------------- */

/** Create an empty table named @p name. Free with crtk_edit_table_free. */
CRTK_API CRTK_NODISCARD int
crtk_edit_table_new(crtk_edit_table **out, const char *name, crtk_error *err);
/** Free a table. Accepts NULL. */
CRTK_API void crtk_edit_table_free(crtk_edit_table *table);
/** Append a column (before any row is added). Names compare case-insensitively. */
CRTK_API CRTK_NODISCARD int
crtk_edit_table_add_column(crtk_edit_table *table, const char *name, crtk_error *err);
/** Append a row of @p n values (n <= columns; missing values are ""); values are copied. */
CRTK_API CRTK_NODISCARD int crtk_edit_table_add_row(crtk_edit_table *table,
                                                    const char *const *values,
                                                    size_t n,
                                                    crtk_error *err);
/** Table name (borrowed). */
CRTK_API const char *crtk_edit_table_name(const crtk_edit_table *table);
/** Number of rows. */
CRTK_API size_t crtk_edit_table_rows(const crtk_edit_table *table);
/**
 * Pre-build the sorted index on the key made of @p columns (comma-separated column names;
 * one column = the LOOKUP index, several = the SQLLOOKUP concatenated key). Compile builds
 * missing indexes on first use anyway (under the table's lock); rows must not be added after
 * an index exists.
 */
CRTK_API CRTK_NODISCARD int
crtk_edit_table_index(crtk_edit_table *table, const char *columns, crtk_error *err);

/* ---- compile, run ------------------------------------------------------------------ */

/**
 * Compile edit @p source (@p len bytes, need not be NUL-terminated). @p name is used as
 * err->source. On failure returns CRTK_EPARSE (syntax), CRTK_EINVALID (unknown field/table/
 * function, type error), CRTK_ELIMIT or CRTK_ENOMEM with err->line/column/message set, and
 * *out = NULL. The options are copied; providers' contexts are borrowed (see each callback).
 */
CRTK_API CRTK_NODISCARD int crtk_edit_compile(crtk_edit **out,
                                              const char *name,
                                              const char *source,
                                              size_t len,
                                              const crtk_edit_options *options,
                                              crtk_error *err);
/**
 * Fields that make the edit pass at once when any of them is blank (the edit opens with
 * `if (EMPTY(#S"a") || EMPTY(#S"b")) return PASS;`). Writes up to @p max slots and returns
 * their number, 0 when the edit has no such guard (or more than @p max fields in it). A
 * caller that sees one of these fields blank may skip the run: the result is PASS.
 */
CRTK_API int crtk_edit_blank_guard(const crtk_edit *edit, int *slots, int max);
/** Free a compiled edit. Accepts NULL. */
CRTK_API void crtk_edit_free(crtk_edit *edit);

/** Number of fields in the edit's field list (FieldOrder, see crtk_edit_options.fields). */
CRTK_API size_t crtk_edit_nfields(const crtk_edit *edit);
/** Name (borrowed) and slot of field @p i (0-based) of that list; NULL if out of range. */
CRTK_API const char *crtk_edit_field(const crtk_edit *edit, size_t i, int *slot_out);

/** Create a run state (one per thread). Free with crtk_edit_state_free. */
CRTK_API CRTK_NODISCARD int crtk_edit_state_new(crtk_edit_state **out);
/** Free a run state. Accepts NULL. */
CRTK_API void crtk_edit_state_free(crtk_edit_state *state);

/**
 * Run @p edit on one record whose fields are read through @p value (may be NULL: all fields
 * blank). Fills *result (borrowed from @p state until its next run). Returns CRTK_OK, also
 * when the edit failed or hit a run-time error (see result->status), or CRTK_ENOMEM/CRTK_EARG.
 */
CRTK_API CRTK_NODISCARD int crtk_edit_run(const crtk_edit *edit,
                                          crtk_edit_state *state,
                                          crtk_edit_value_fn value,
                                          void *value_ctx,
                                          crtk_edit_result *result);

/** Disassemble the bytecode into *out (owned, free with crtk_free). */
CRTK_API CRTK_NODISCARD int crtk_edit_dump(char **out, const crtk_edit *edit);

/* ---- expression evaluation (crtk edits eval) ------------------------------------- */

typedef enum crtk_edit_value_type {
    CRTK_EDIT_VALUE_INT = 0,
    CRTK_EDIT_VALUE_STRING = 1
} crtk_edit_value_type;

/** Value of an evaluated expression. `s` is owned (crtk_edit_value_clear frees it). */
typedef struct crtk_edit_value {
    crtk_edit_value_type type;
    long long i;
    char *s; /* NUL-terminated; may contain no NUL before len */
    size_t len;
} crtk_edit_value;

/** Free the string of a value and reset it to integer 0. Accepts NULL. */
CRTK_API void crtk_edit_value_clear(crtk_edit_value *v);

/**
 * Evaluate @p source: statements followed by a final expression (`char d[9]; STRCPY(d,"AB"); d`)
 * or `return expr;`. Field references resolve through options->resolve; when that is NULL any
 * #S name is accepted and reads as an empty value. @p value/@p value_ctx supply field values
 * (NULL: blanks). On success *out holds the final value (call crtk_edit_value_clear).
 * Compile errors return as crtk_edit_compile; run-time errors return CRTK_EINVALID or
 * CRTK_ELIMIT (budget) with err->message and err->line.
 */
CRTK_API CRTK_NODISCARD int crtk_edits_eval(crtk_edit_value *out,
                                            const char *name,
                                            const char *source,
                                            size_t len,
                                            const crtk_edit_options *options,
                                            crtk_edit_value_fn value,
                                            void *value_ctx,
                                            crtk_error *err);

#ifdef __cplusplus
}
#endif
#endif
