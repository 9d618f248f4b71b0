/* crtk/check.h - run an edit set of an EDITS metafile (or the project's edits folder) on
 * records: every edit compiled once against the records' layout, then run on each tumor,
 * and inter-record edits on each pair of a patient's tumors. */
#ifndef CRTK_CHECK_H
#define CRTK_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include "crtk/editdb.h"
#include "crtk/error.h"
#include "crtk/layouts.h"
#include "crtk/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options (copied). Initialise with CRTK_CHECK_OPTS_INIT. */
typedef struct crtk_check_opts {
    int version;           /* CRTK_CHECK_OPTS_VERSION */
    const char *set;       /* edit set tag; NULL = every edit of the metafile */
    bool fail_warnings;    /* SAVE_WARNING_TEXT / SET_WARNING count as failures */
    const char *today;     /* "YYYYMMDD" for reproducible runs; NULL = today */
    long max_instructions; /* per edit run; 0 = default */
} crtk_check_opts;

#define CRTK_CHECK_OPTS_VERSION 1
#define CRTK_CHECK_OPTS_INIT                          \
    {                                                 \
        CRTK_CHECK_OPTS_VERSION, NULL, false, NULL, 0 \
    }

/** One message of a failed edit. */
typedef struct crtk_check_message {
    char type;        /* 'E' error, 'M' informational (SAVE_TEXT), 'X' run error */
    long number;      /* message number, 0 for free text */
    const char *text; /* placeholders expanded */
} crtk_check_message;

/** One failed edit on one tumor (or pair of tumors): the callback is called once per failed
 *  edit, with every message the edit produced (SAVE_TEXT texts included). Borrowed during
 *  the callback. `type`, `message_number` and `message` repeat messages[0]. */
typedef struct crtk_check_failure {
    int edit;            /* index of the edit in the checker (0..crtk_checker_edit_count-1) */
    const char *tag;     /* edit tag */
    const char *name;    /* edit name */
    int tumor;           /* 0-based tumor the edit ran on */
    int other_tumor;     /* inter-record edits: the other tumor of the pair, else -1 */
    long message_number; /* 0 for free text */
    char type;           /* 'E' error, 'M' informational (SAVE_TEXT), 'X' run error */
    const char *message; /* placeholders expanded */
    size_t nfields;      /* the edit's fields (FieldOrder) */
    const char *const *field_names;
    const char *const *field_values; /* as the edit saw them: fixed width, untrimmed */
    const int *field_items;          /* NAACCR item numbers, 0 for crtk pseudo-fields */
    size_t nmessages;                /* at least 1 */
    const crtk_check_message *messages;
} crtk_check_failure;

typedef void (*crtk_check_fn)(void *ctx, const crtk_record *rec, const crtk_check_failure *f);

typedef struct crtk_checker crtk_checker;
typedef struct crtk_check_state crtk_check_state;

/** Compile the edits of opts->set against `layout` (both borrowed, must outlive the
 *  checker). Edits that do not compile are skipped and listed (crtk_checker_skipped). */
CRTK_API CRTK_NODISCARD int crtk_checker_new(crtk_checker **out,
                                             const crtk_editdb *db,
                                             const crtk_layout *layout,
                                             const crtk_check_opts *opts,
                                             crtk_error *err);
CRTK_API void crtk_checker_free(crtk_checker *c);
CRTK_API const crtk_layout *crtk_checker_layout(const crtk_checker *c);
/** Edits that will run, in set order. */
CRTK_API int crtk_checker_edit_count(const crtk_checker *c);
CRTK_API const char *crtk_checker_edit_tag(const crtk_checker *c, int i);
CRTK_API const char *crtk_checker_edit_name(const crtk_checker *c, int i);
CRTK_API bool crtk_checker_edit_is_inter_record(const crtk_checker *c, int i);
/** Edits of the set that could not be compiled: tag and error (borrowed). */
CRTK_API int crtk_checker_skipped_count(const crtk_checker *c);
CRTK_API const char *crtk_checker_skipped_tag(const crtk_checker *c, int i);
CRTK_API const crtk_error *crtk_checker_skipped_error(const crtk_checker *c, int i);

/** Per-thread run state. */
CRTK_API CRTK_NODISCARD int crtk_check_state_new(crtk_check_state **out, const crtk_checker *c);
CRTK_API void crtk_check_state_free(crtk_check_state *s);
/** Run every edit on every tumor of rec (and inter-record edits on each pair of tumors);
 *  call cb for each failure. *edits_run (may be NULL) gets the number of edit runs.
 *  Returns CRTK_OK or a negative status (out of memory). */
CRTK_API CRTK_NODISCARD int crtk_check_record(
    crtk_check_state *s, const crtk_record *rec, crtk_check_fn cb, void *ctx, long *edits_run);

#ifdef __cplusplus
}
#endif
#endif
