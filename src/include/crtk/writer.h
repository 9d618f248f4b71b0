/* crtk/writer.h - streaming writers for NAACCR XML, fixed-width and CSV files. Output goes
 * to its target as crtk/output.h describes: a file through a temporary file in the target's
 * folder, renamed into place by close; a device, FIFO or stdout straight through. */
#ifndef CRTK_WRITER_H
#define CRTK_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include "crtk/error.h"
#include "crtk/layouts.h"
#include "crtk/reader.h"
#include "crtk/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Writer options (copied by open). Initialise with CRTK_WRITER_OPTS_INIT. */
typedef struct crtk_writer_opts {
    int version;                /* CRTK_WRITER_OPTS_VERSION */
    crtk_format format;         /* XML, FLAT or CSV (required) */
    const crtk_layout *layout;  /* target dictionary / flat layout (required) */
    char record_type;           /* target record type; 0 = the source's */
    bool filter_record_type;    /* drop (and count) items outside record_type */
    bool drop_unmappable;       /* drop (and count) items the target cannot hold */
    const char *encoding;       /* flat/CSV output encoding; NULL = "utf-8" */
    bool crlf;                  /* flat/CSV line ends CRLF (default LF) */
    bool gzip;                  /* gzip the output */
    unsigned mode;              /* file mode; 0 = 0600 (owner only) */
    const char *spec_version;   /* XML specificationVersion; NULL = "1.8" */
    const char *time_generated; /* XML timeGenerated; NULL = none */
    const char *user_uris;      /* XML userDictionaryUri; NULL = none */
    const char *extra_root;     /* XML extra root attributes (from crtk_file_info) */
    bool write_item_numbers;    /* XML naaccrNum attributes */
    crtk_finding_fn on_finding; /* warnings: "value-truncated", "unrepresentable-character",
                                   "item-dropped" (one per value drop_unmappable left out) */
    void *finding_ctx;
    bool no_follow; /* refuse a target that is a symbolic link (see crtk/output.h) */
} crtk_writer_opts;

#define CRTK_WRITER_OPTS_VERSION 1
#define CRTK_WRITER_OPTS_INIT                                                                     \
    {                                                                                             \
        CRTK_WRITER_OPTS_VERSION, CRTK_FORMAT_AUTO, NULL, 0, false, false, NULL, false, false, 0, \
            NULL, NULL, NULL, NULL, false, NULL, NULL, false                                      \
    }

/** Counters of what a writer wrote and what it had to leave out. */
typedef struct crtk_writer_stats {
    long patients, tumors, items;
    long dropped_record_type; /* items outside the target record type (filter on) */
    long dropped_unmappable;  /* items the target layout has no place for */
    long dropped_extensions;  /* extension elements a non-XML target cannot hold */
    long truncated;           /* values cut to the field width */
    long replaced_chars;      /* characters not representable in the output encoding */
} crtk_writer_stats;

typedef struct crtk_writer crtk_writer;

/** Open a writer on path ("-" = stdout, written directly; see crtk/output.h). */
CRTK_API CRTK_NODISCARD int crtk_writer_open(crtk_writer **out,
                                             const char *path,
                                             const crtk_writer_opts *opts,
                                             crtk_error *err);
/** Write one patient. Items are mapped by naaccrId from the record's layout. */
CRTK_API CRTK_NODISCARD int crtk_writer_write(crtk_writer *w, const crtk_record *rec);
/** Finish: flush, fsync, rename the temporary file into place. */
CRTK_API CRTK_NODISCARD int crtk_writer_close(crtk_writer *w);
/** Free; a writer not closed successfully removes its temporary file. Accepts NULL. */
CRTK_API void crtk_writer_free(crtk_writer *w);
CRTK_API const crtk_error *crtk_writer_error(const crtk_writer *w);
CRTK_API const crtk_writer_stats *crtk_writer_stats_get(const crtk_writer *w);

#ifdef __cplusplus
}
#endif
#endif
