/* writer_internal.h - what the format writers (xml_writer.c, flat_writer.c, csv_writer.c)
 * share. writer.c maps each record onto the target layout first, so a backend only ever
 * sees records whose layout is opts.layout. */
#ifndef CRTK_WRITER_INTERNAL_H
#define CRTK_WRITER_INTERNAL_H

#include "crtk/writer.h"
#include "io_internal.h"
#include "strbuf.h"

typedef struct crtk__writer_ops {
    int (*start)(crtk_writer *w);                         /* header (XML root, CSV row) */
    int (*write)(crtk_writer *w, const crtk_record *rec); /* one patient, target layout */
    int (*finish)(crtk_writer *w);                        /* trailer (XML end tag) */
    void (*free)(crtk_writer *w);
} crtk__writer_ops;

struct crtk_writer {
    const crtk__writer_ops *ops;
    void *impl;
    crtk__out out;
    crtk_writer_opts opts;
    char record_type; /* resolved target record type */
    crtk_writer_stats stats;
    crtk_error err;
    bool started, failed, closed;
    /* Mapping cache: source layout -> target item per source item (NULL = unmappable). */
    const crtk_layout *map_src;
    const crtk_item **map;
    crtk_record *scratch; /* the record re-expressed in the target layout */
    strbuf tmp;
    char source_name[256];
};

int crtk__wfail(crtk_writer *w, int code, const char *item, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* A warning finding from a writer (truncation, replaced characters). */
void crtk__wwarn(crtk_writer *w,
                 const char *code,
                 long patient,
                 int tumor,
                 const char *item,
                 const char *fmt,
                 ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

extern const crtk__writer_ops crtk__xml_writer_ops;
extern const crtk__writer_ops crtk__flat_writer_ops;
extern const crtk__writer_ops crtk__csv_writer_ops;

#endif
