/* crtk/pipeline.h - edit-check NAACCR files on N threads: the reading thread fills batches
 * of patients, workers check them (crtk/check.h), and every result reaches the caller's sink
 * on the calling thread in input order, so the output of -j N equals that of -j 1. Used by
 * `crtk check` and `crtk export`; a program embedding libcrtk gets the same engine. */
#ifndef CRTK_PIPELINE_H
#define CRTK_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include "crtk/check.h"
#include "crtk/editdb.h"
#include "crtk/error.h"
#include "crtk/layouts.h"
#include "crtk/reader.h"
#include "crtk/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the edits found on one patient, delivered after its failures. Borrowed. */
typedef struct crtk_patient_result {
    int ntumors;
    const unsigned char *tumor_failed; /* per tumor: 1 when an edit failed on it */
    long edits_run;                    /* edit runs on this patient */
    long failures;                     /* failed edits on this patient */
} crtk_patient_result;

/** Where results go. Every callback runs on the thread that called crtk_pipeline_run_file,
 *  in input order; a negative return stops the run with that status. Any may be NULL. */
typedef struct crtk_pipeline_sink {
    /* a file is open and its checker compiled (the layout's edits, skipped ones listed) */
    int (*file_begin)(void *ctx, const char *path, const crtk_reader *rd, const crtk_checker *c);
    int (*failure)(void *ctx,
                   const char *path,
                   const crtk_record *rec,
                   const crtk_check_failure *f);
    int (*patient)(void *ctx,
                   const char *path,
                   const crtk_record *rec,
                   const crtk_patient_result *r);
    /* the file was read to its end (not called when reading failed) */
    int (*file_end)(void *ctx, const char *path, const crtk_reader *rd);
    /* progress: bytes of the file consumed, patients so far */
    void (*progress)(void *ctx, long long bytes, long patients);
    void *ctx;
} crtk_pipeline_sink;

/** Options (copied). Initialise with CRTK_PIPELINE_OPTS_INIT. */
typedef struct crtk_pipeline_opts {
    int version;             /* CRTK_PIPELINE_OPTS_VERSION */
    const crtk_editdb *db;   /* the edits (borrowed; required) */
    crtk_check_opts check;   /* set, warnings, today, instruction budget */
    int jobs;                /* threads, 1 to 64; 1 = everything on the calling thread */
    bool (*cancelled)(void); /* polled between batches: true stops with CRTK_EIO */
} crtk_pipeline_opts;
#define CRTK_PIPELINE_OPTS_VERSION 1
#define CRTK_PIPELINE_OPTS_INIT                                         \
    {                                                                   \
        CRTK_PIPELINE_OPTS_VERSION, NULL, CRTK_CHECK_OPTS_INIT, 1, NULL \
    }

typedef struct crtk_pipeline crtk_pipeline;

/** Start the worker threads. The sink is copied; its ctx is borrowed. */
CRTK_API CRTK_NODISCARD int crtk_pipeline_new(crtk_pipeline **out,
                                              const crtk_pipeline_opts *opts,
                                              const crtk_pipeline_sink *sink,
                                              crtk_error *err);
/** Read and check one file to its end, delivering every result. A file whose layout is new
 *  gets a checker compiled for it (kept for later files of the same layout). Returns
 *  CRTK_OK, a reader error (err names file, line, item), or a sink's status. */
CRTK_API CRTK_NODISCARD int crtk_pipeline_run_file(crtk_pipeline *p,
                                                   const char *path,
                                                   crtk_layouts *ls,
                                                   const crtk_reader_opts *ropts,
                                                   crtk_error *err);
/** The checkers compiled so far, one per layout met, in the order met. */
CRTK_API int crtk_pipeline_checker_count(const crtk_pipeline *p);
CRTK_API const crtk_checker *crtk_pipeline_checker(const crtk_pipeline *p, int i);
/** Stop the threads and free. Accepts NULL. */
CRTK_API void crtk_pipeline_free(crtk_pipeline *p);

#ifdef __cplusplus
}
#endif
#endif
