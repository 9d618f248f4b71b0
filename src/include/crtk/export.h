/* crtk/export.h - submissions: export profiles (plain-text files, layouts/profiles/ and
 * docs/export.md), the export pipeline (read, select, edit-gate, transform, write), the
 * export history (SQLite) and the submission report. Everything an export writes (output,
 * rejects, reports, history entry) is committed together or not at all. */
#ifndef CRTK_EXPORT_H
#define CRTK_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "crtk/error.h"
#include "crtk/layouts.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- profiles ----------------------------------------------------------------------- */

/** A parsed, validated profile: `key = value` lines (docs/export.md). */
typedef struct crtk_profile crtk_profile;

/** Parse profile text (@p len bytes). @p name names it in errors and in the report. Every
 *  key and value is checked: an unknown key or a malformed value is CRTK_EPARSE with
 *  err->source and err->line set. *out is NULL on failure. */
CRTK_API CRTK_NODISCARD int crtk_profile_parse(
    crtk_profile **out, const char *name, const char *text, size_t len, crtk_error *err);
/** Same from a file. */
CRTK_API CRTK_NODISCARD int
crtk_profile_load(crtk_profile **out, const char *path, crtk_error *err);
/** A profile shipped with crtk (compiled into the library), by name. */
CRTK_API CRTK_NODISCARD int
crtk_profile_builtin(crtk_profile **out, const char *name, crtk_error *err);
/** Shipped profiles: count, name of profile @p i (NULL when out of range), and the text of
 *  a shipped profile (borrowed, static; NULL when unknown). */
CRTK_API size_t crtk_profile_builtin_count(void);
CRTK_API const char *crtk_profile_builtin_name(size_t i);
CRTK_API const char *crtk_profile_builtin_text(const char *name, size_t *len_out);
/** Override one key (as `--set key=value` does); the profile is validated again. */
CRTK_API CRTK_NODISCARD int
crtk_profile_set(crtk_profile *p, const char *key, const char *value, crtk_error *err);
/** The profile's name: a shipped profile's, or a file's name without folder and ".profile"
 *  (borrowed). */
CRTK_API const char *crtk_profile_name(const crtk_profile *p);
/** Last value of @p key (borrowed), NULL when the profile does not set it. */
CRTK_API const char *crtk_profile_get(const crtk_profile *p, const char *key);
/** The profile's lines in order: count, key and value of line @p i (borrowed). */
CRTK_API size_t crtk_profile_count(const crtk_profile *p);
CRTK_API const char *crtk_profile_key_at(const crtk_profile *p, size_t i);
CRTK_API const char *crtk_profile_value_at(const crtk_profile *p, size_t i);
/** Free a profile. Accepts NULL. */
CRTK_API void crtk_profile_free(crtk_profile *p);

/* ---- exporting ---------------------------------------------------------------------- */

/** Options (copied). Initialise with CRTK_EXPORT_OPTS_INIT. */
typedef struct crtk_export_opts {
    int version;            /* CRTK_EXPORT_OPTS_VERSION */
    const char *out_dir;    /* folder of the output files; NULL = "." */
    const char *where;      /* EDITS-language expression every tumor must satisfy; NULL none */
    const char *history;    /* history database; NULL = the profile's `history` (if any) */
    bool since_last;        /* only tumors new or changed since the last batch (needs history) */
    const char *key;        /* pseudonym key (de-identified tier) */
    const char *key_file;   /* file holding the key; created (0600, random key) when absent */
    unsigned mode;          /* mode of the files written; 0 = 0600 */
    const char *today;      /* "YYYYMMDD": export date, timeGenerated and edits; NULL = clock */
    const char *edits_dir;  /* the shipped edits folder (profile `edits = shipped`) */
    bool drop_unmappable;   /* allow values the target version has no item for (counted) */
    int (*stop)(void *ctx); /* polled between patients: nonzero cancels the export */
    void *stop_ctx;
    int jobs; /* 2 or more: the input is read on a thread of its own, ahead of
                 the export's work (output identical to 1); 0/1 = one thread */
    /* progress, every 64 patients: the input, its bytes consumed, patients so far */
    void (*progress)(void *ctx, const char *path, long long bytes, long patients);
    void *progress_ctx;
} crtk_export_opts;

#define CRTK_EXPORT_OPTS_VERSION 1
#define CRTK_EXPORT_OPTS_INIT                                                                      \
    {                                                                                              \
        CRTK_EXPORT_OPTS_VERSION, NULL, NULL, NULL, false, NULL, NULL, 0, NULL, NULL, false, NULL, \
            NULL, 1, NULL, NULL                                                                    \
    }

/** What an export did. Paths are those of the committed files ("" when none). */
typedef struct crtk_export_result {
    long patients_read, tumors_read;
    long selected;          /* tumors passing every selection filter */
    long excluded;          /* tumors left out by a filter */
    long rejected;          /* tumors failing the edit gate (policy exclude) */
    long written;           /* tumors in the output */
    long patients_written;  /* patients in the output */
    long edit_failures;     /* failed edits on selected tumors */
    long values_removed;    /* values removed by record type and privacy tier */
    long values_unmappable; /* values the target version has no item for */
    bool blocked;           /* policy block and an edit failed: nothing was written */
    long batch;             /* history batch id; 0 without history */
    char output[1024], rejects[1024], report_text[1024], report_html[1024];
    char changed[1024]; /* changed tumors as record type M (profile changed_record_type) */
    char sha256[65];    /* of the output file */
} crtk_export_result;

/**
 * Export @p inputs (@p ninputs files) under profile @p p. Reads through @p ls (borrowed; the
 * profile's dictionaries and layouts are added to it). On CRTK_OK the output, rejects file
 * (policy exclude, when any tumor was rejected), text and HTML reports and history entry are
 * all in place; res->blocked tells that the gate stopped the export (CRTK_OK, nothing
 * written but the reports, no history). On any error nothing is left and the history is
 * unchanged.
 */
CRTK_API CRTK_NODISCARD int crtk_export_run(const crtk_profile *p,
                                            crtk_layouts *ls,
                                            const char *const *inputs,
                                            int ninputs,
                                            const crtk_export_opts *opts,
                                            crtk_export_result *res,
                                            crtk_error *err);

/** One batch of the export history (strings borrowed during the callback). */
typedef struct crtk_export_batch {
    long id;
    const char *time;    /* ISO 8601 */
    const char *profile; /* profile name */
    const char *output;  /* output file name */
    const char *sha256;  /* of the output */
    long tumors;         /* tumors written */
} crtk_export_batch;

typedef int (*crtk_export_batch_fn)(void *ctx, const crtk_export_batch *b);

/** Call @p cb for each batch of the history database @p path, oldest first. */
CRTK_API CRTK_NODISCARD int
crtk_export_history_list(const char *path, crtk_export_batch_fn cb, void *ctx, crtk_error *err);
/** Write the files of past batch @p batch again into @p out_dir (NULL = "."), byte for byte
 *  (mode 0 = 0600). res (may be NULL) receives the paths and the output's SHA-256. */
CRTK_API CRTK_NODISCARD int crtk_export_remake(const char *path,
                                               long batch,
                                               const char *out_dir,
                                               unsigned mode,
                                               crtk_export_result *res,
                                               crtk_error *err);

#ifdef __cplusplus
}
#endif
#endif
