/* crtk/report.h - what an edit check found, as a registrar reads it: detail lines (text,
 * JSON Lines, CSV), and a report model that counts every failure once per tumor, by edit and
 * by field, keeps a bounded record detail, and renders a text summary, a JSON summary object
 * or a self-contained HTML report. Fed by the pipeline's sink callbacks (crtk/pipeline.h). */
#ifndef CRTK_REPORT_H
#define CRTK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include "crtk/check.h"
#include "crtk/editdb.h"
#include "crtk/error.h"
#include "crtk/pipeline.h"
#include "crtk/reader.h"
#include "crtk/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where rendered text goes: return 0, or a negative status to stop. */
typedef int (*crtk_write_fn)(void *ctx, const char *p, size_t n);

typedef enum crtk_detail_format {
    CRTK_DETAIL_TEXT = 0, /* file:line: patient P tumor T: TAG NAME: message; ... [fields] */
    CRTK_DETAIL_JSON,     /* one JSON object a line */
    CRTK_DETAIL_CSV       /* a header line, then one row a failure */
} crtk_detail_format;

/** The CSV header line (nothing for the other formats). */
CRTK_API CRTK_NODISCARD int
crtk_check_detail_header(crtk_detail_format fmt, crtk_write_fn w, void *ctx);
/** One failed edit as a detail line, every message of the edit on it. */
CRTK_API CRTK_NODISCARD int crtk_check_detail_write(crtk_detail_format fmt,
                                                    const char *path,
                                                    const crtk_record *rec,
                                                    const crtk_check_failure *f,
                                                    crtk_write_fn w,
                                                    void *ctx);

/** Report options (copied; strings borrowed until the report is freed). */
typedef struct crtk_check_report_opts {
    int version;              /* CRTK_CHECK_REPORT_OPTS_VERSION */
    const crtk_editdb *db;    /* the edits (descriptions, fields); required */
    const char *set;          /* the edit set run; NULL = every edit */
    const char *edits_source; /* where the edits came from, as shown ("shipped edits", a
                                 folder, a metafile path) */
    const char *today;        /* the date the edits took as today (YYYYMMDD), NULL = real */
    const char *run_time;     /* when the check ran, shown by the HTML report; NULL = none */
    const char *tool;         /* "crtk 0.1.0" */
    long max_records;         /* failing tumors kept for the HTML detail; 0 = 5000, <0 none */
    bool hash_inputs;         /* SHA-256 of each input file in the HTML and JSON reports (the
                                 file is read once more; not for stdin) */
} crtk_check_report_opts;
#define CRTK_CHECK_REPORT_OPTS_VERSION 1
#define CRTK_CHECK_REPORT_OPTS_INIT                                                  \
    {                                                                                \
        CRTK_CHECK_REPORT_OPTS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, false \
    }

typedef struct crtk_check_report crtk_check_report;

CRTK_API CRTK_NODISCARD int
crtk_check_report_new(crtk_check_report **out, const crtk_check_report_opts *opts, crtk_error *err);
CRTK_API void crtk_check_report_free(crtk_check_report *r);

/** Feed the report: the same shape as the pipeline's sink callbacks, so a sink can pass
 *  them on (crtk_check_report_sink fills a sink that does only that). */
CRTK_API CRTK_NODISCARD int crtk_check_report_file_begin(crtk_check_report *r,
                                                         const char *path,
                                                         const crtk_reader *rd,
                                                         const crtk_checker *c);
CRTK_API CRTK_NODISCARD int crtk_check_report_failure(crtk_check_report *r,
                                                      const char *path,
                                                      const crtk_record *rec,
                                                      const crtk_check_failure *f);
CRTK_API CRTK_NODISCARD int crtk_check_report_patient(crtk_check_report *r,
                                                      const char *path,
                                                      const crtk_record *rec,
                                                      const crtk_patient_result *res);
CRTK_API CRTK_NODISCARD int
crtk_check_report_file_end(crtk_check_report *r, const char *path, const crtk_reader *rd);
CRTK_API void crtk_check_report_sink(crtk_check_report *r, crtk_pipeline_sink *out);

/** Totals. */
typedef struct crtk_check_totals {
    long files, patients, tumors;
    long tumors_with_errors;  /* each tumor once */
    long errors;              /* failed edits (an edit failing on a tumor counts once) */
    long edits_run;           /* edit runs */
    int edits_not_compiled;   /* edits of the set that did not compile, over every layout */
    int edits_missing_fields; /* edits skipped: the layout lacks their fields */
    long records_left_out;    /* failing tumors beyond max_records (HTML detail) */
} crtk_check_totals;
CRTK_API void crtk_check_report_totals(const crtk_check_report *r, crtk_check_totals *out);

/** True when an edit was skipped because the layout lacks one of its fields (expected for
 *  a set that covers several versions), false for any other compile error. */
CRTK_API bool crtk_check_skip_is_missing_field(const crtk_error *e);

/** Renderers. The text summary has the shape of a GenEDITS report; the JSON summary is one
 *  object with the same facts; the HTML report is one self-contained page (no network). */
CRTK_API CRTK_NODISCARD int
crtk_check_report_write_text(const crtk_check_report *r, crtk_write_fn w, void *ctx);
CRTK_API CRTK_NODISCARD int
crtk_check_report_write_json(const crtk_check_report *r, crtk_write_fn w, void *ctx);
CRTK_API CRTK_NODISCARD int
crtk_check_report_write_html(const crtk_check_report *r, crtk_write_fn w, void *ctx);

typedef enum crtk_report_kind {
    CRTK_REPORT_TEXT = 0,
    CRTK_REPORT_JSON,
    CRTK_REPORT_HTML
} crtk_report_kind;

/** Render into a file through the library's output target (crtk/output.h): a regular file
 *  gets a temporary file renamed into place when complete (mode 0600 unless `mode`), a
 *  device or FIFO is written through; `flags` are CRTK_OUTPUT_* flags (NO_FOLLOW). */
CRTK_API CRTK_NODISCARD int crtk_check_report_save(const crtk_check_report *r,
                                                   crtk_report_kind kind,
                                                   const char *path,
                                                   unsigned mode,
                                                   unsigned flags,
                                                   crtk_error *err);

#ifdef __cplusplus
}
#endif
#endif
