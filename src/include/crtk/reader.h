/* crtk/reader.h - streaming readers for NAACCR XML, fixed-width and CSV files.
 * One patient per call, memory bounded by the patient, not the file. */
#ifndef CRTK_READER_H
#define CRTK_READER_H

#include <stdbool.h>
#include <stddef.h>
#include "crtk/error.h"
#include "crtk/layouts.h"
#include "crtk/record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum crtk_format {
    CRTK_FORMAT_AUTO = 0,
    CRTK_FORMAT_XML,
    CRTK_FORMAT_FLAT,
    CRTK_FORMAT_CSV
} crtk_format;

typedef enum crtk_severity { CRTK_SEV_ERROR = 0, CRTK_SEV_WARNING = 1 } crtk_severity;

/** A finding: the data broke a rule of the standard; reading goes on. */
typedef struct crtk_finding {
    crtk_severity severity;
    const char *code;    /* stable short code: "value-too-long", "unknown-item", ... */
    const char *source;  /* file name */
    long line, column;   /* 1-based, 0 = unknown */
    long patient;        /* 1-based patient ordinal, 0 = file level */
    int tumor;           /* 1-based tumor in the patient, 0 = none */
    const char *item;    /* naaccrId, "" when none */
    const char *message; /* one line */
} crtk_finding;

typedef void (*crtk_finding_fn)(void *ctx, const crtk_finding *f);

/** Reader options (copied by open). Initialise with CRTK_READER_OPTS_INIT. */
typedef struct crtk_reader_opts {
    int version;                /* CRTK_READER_OPTS_VERSION */
    crtk_format format;         /* AUTO = sniff the first bytes */
    int naaccr_version;         /* 3 digits; 0 = as the file says (CSV without a version
                                   column needs it) */
    const crtk_layout *layout;  /* fixed-width: read with this layout (a state's own) */
    const char *encoding;       /* fixed-width/CSV input: "auto" (NULL), "utf-8",
                                   "windows-1252", "latin1" */
    char record_type;           /* CSV without recordType: 'A','M','C','I' (0 = 'A') */
    bool validate_values;       /* data type / length checks (findings) */
    bool report_level_mismatch; /* patient items differing among a patient's lines */
    bool keep_extensions;       /* keep foreign-namespace XML for round trips */
    long max_tumors;            /* per patient; 0 = default (10000) */
    crtk_finding_fn on_finding; /* NULL = findings are counted only */
    void *finding_ctx;
} crtk_reader_opts;

#define CRTK_READER_OPTS_VERSION 1
#define CRTK_READER_OPTS_INIT                                                                    \
    {                                                                                            \
        CRTK_READER_OPTS_VERSION, CRTK_FORMAT_AUTO, 0, NULL, NULL, 0, true, true, true, 0, NULL, \
            NULL                                                                                 \
    }

/** What a reader learnt about its file. Strings are borrowed from the reader. */
typedef struct crtk_file_info {
    crtk_format format;
    int naaccr_version;         /* 3 digits */
    char record_type;           /* 'A','M','C','I' */
    const char *base_uri;       /* XML baseDictionaryUri ("" for others) */
    const char *user_uris;      /* XML userDictionaryUri, space separated ("" none) */
    const char *spec_version;   /* XML specificationVersion as written ("" none) */
    const char *time_generated; /* XML timeGenerated ("" none) */
    const char *extra_root;     /* XML: extra namespaced root attributes and namespace
                                   declarations, verbatim (' xmlns:x="..." x:a="..."') */
    const char *encoding;       /* input encoding used */
    const crtk_layout *layout;  /* the runtime dictionary or flat layout of the file */
} crtk_file_info;

typedef struct crtk_reader crtk_reader;

/** Open a file ("-" = stdin; gzip detected by its magic bytes). The layouts registry is
 *  borrowed (it may gain the file's combined dictionary). */
CRTK_API CRTK_NODISCARD int crtk_reader_open(crtk_reader **out,
                                             const char *path,
                                             crtk_layouts *ls,
                                             const crtk_reader_opts *opts,
                                             crtk_error *err);
/** Same over a memory buffer (borrowed until free). */
CRTK_API CRTK_NODISCARD int crtk_reader_open_mem(crtk_reader **out,
                                                 const void *buf,
                                                 size_t len,
                                                 crtk_layouts *ls,
                                                 const crtk_reader_opts *opts,
                                                 crtk_error *err);
/** Read the next patient into rec: 1 = a patient, 0 = end, <0 = error (reader_error). */
CRTK_API CRTK_NODISCARD int crtk_reader_next(crtk_reader *rd, crtk_record *rec);
CRTK_API const crtk_error *crtk_reader_error(const crtk_reader *rd);
CRTK_API const crtk_file_info *crtk_reader_info(const crtk_reader *rd);
/** Findings so far: errors and warnings. */
CRTK_API long crtk_reader_error_count(const crtk_reader *rd);
CRTK_API long crtk_reader_warning_count(const crtk_reader *rd);
/** Bytes consumed so far (compressed bytes for gzip), for progress display. */
CRTK_API long long crtk_reader_offset(const crtk_reader *rd);
CRTK_API void crtk_reader_free(crtk_reader *rd);

CRTK_API const char *crtk_format_name(crtk_format f);

#ifdef __cplusplus
}
#endif
#endif
